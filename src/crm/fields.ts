import { and, eq } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { validateDefinition, type FieldDefinition, type FieldType } from '../core/fields.ts';
import { HttpError } from '../http/errors.ts';
import { customFields } from './schema.ts';

export type CustomFieldRow = typeof customFields.$inferSelect;
export type FieldEntity = 'contact' | 'organization';

export function definitionOf(row: CustomFieldRow): FieldDefinition {
  return { key: row.key, label: row.label, type: row.type as FieldType, options: (row.options as string[] | null) ?? null, required: row.required };
}

export async function fieldDefinitions(db: Db, entity: FieldEntity): Promise<FieldDefinition[]> {
  const rows = await db.select().from(customFields).where(eq(customFields.entity, entity)).orderBy(customFields.createdAt);
  return rows.map(definitionOf);
}

export async function listFields(db: Db, entity?: FieldEntity): Promise<CustomFieldRow[]> {
  const q = db.select().from(customFields);
  return entity ? q.where(eq(customFields.entity, entity)).orderBy(customFields.createdAt) : q.orderBy(customFields.createdAt);
}

export async function createField(
  db: Db,
  input: { entity: FieldEntity; key: string; label: string; type: string; options?: string[] | null; required?: boolean },
): Promise<CustomFieldRow> {
  const problems = validateDefinition(input);
  if (problems.length) throw new HttpError(400, 'invalid_field', problems.join(' '), problems);
  const [row] = await db
    .insert(customFields)
    .values({ entity: input.entity, key: input.key, label: input.label.trim(), type: input.type, options: input.options ?? null, required: input.required ?? false })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new HttpError(409, 'field_exists', `A ${input.entity} field with key "${input.key}" already exists; choose another key or edit that one.`);
  return row;
}

export async function updateField(db: Db, id: string, patch: { label?: string; options?: string[] | null; required?: boolean }): Promise<CustomFieldRow> {
  const [current] = await db.select().from(customFields).where(eq(customFields.id, id));
  if (!current) throw new HttpError(404, 'field_not_found', `No custom field ${id}.`);
  const next = { ...current, ...patch };
  const problems = validateDefinition(next);
  if (problems.length) throw new HttpError(400, 'invalid_field', problems.join(' '), problems);
  const [row] = await db
    .update(customFields)
    .set({ label: next.label, options: next.options ?? null, required: next.required })
    .where(eq(customFields.id, id))
    .returning();
  return row!;
}

/** Deleting a definition keeps the stored values (hidden); re-creating the key shows them again. */
export async function deleteField(db: Db, id: string): Promise<void> {
  const rows = await db.delete(customFields).where(and(eq(customFields.id, id))).returning({ id: customFields.id });
  if (rows.length === 0) throw new HttpError(404, 'field_not_found', `No custom field ${id}.`);
}
