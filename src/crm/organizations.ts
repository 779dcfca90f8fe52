import { asc, eq, sql } from 'drizzle-orm';
import { likeLiteral } from '../store/like.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { normaliseFields } from '../core/fields.ts';
import { HttpError } from '../http/errors.ts';
import { contacts } from '../messaging/schema.ts';
import { organizations } from './schema.ts';
import { fieldDefinitions } from './fields.ts';
import { contactView } from './contacts.ts';

export type OrganizationRow = typeof organizations.$inferSelect;
export const ORGANIZATION_KINDS = ['customer', 'supplier', 'partner', 'other'] as const;

export function organizationView(o: OrganizationRow) {
  return { id: o.id, name: o.name, domain: o.domain, kind: o.kind, fields: o.fields as Record<string, unknown>, createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString() };
}

async function orgFields(db: Db, input: Record<string, unknown> | undefined, current: Record<string, unknown> = {}) {
  if (!input) return undefined;
  const r = normaliseFields(await fieldDefinitions(db, 'organization'), input, { partial: true });
  if (!r.ok) throw new HttpError(400, 'invalid_fields', r.problems.map((p) => p.message).join(' '), r.problems);
  const merged = { ...current };
  for (const [k, v] of Object.entries(r.value)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

export async function createOrganization(ctx: AppContext, input: { name: string; domain?: string | null; kind?: string; fields?: Record<string, unknown> }) {
  const now = ctx.clock.now();
  const [row] = await ctx.store.db
    .insert(organizations)
    .values({ name: input.name.trim(), domain: input.domain?.trim().toLowerCase() || null, kind: input.kind ?? 'customer', fields: (await orgFields(ctx.store.db, input.fields)) ?? {}, createdAt: now, updatedAt: now })
    .returning();
  return organizationView(row!);
}

export async function updateOrganization(ctx: AppContext, id: string, patch: { name?: string; domain?: string | null; kind?: string; fields?: Record<string, unknown> }) {
  const [current] = await ctx.store.db.select().from(organizations).where(eq(organizations.id, id));
  if (!current) throw new HttpError(404, 'organization_not_found', `No organization ${id}.`);
  const fields = await orgFields(ctx.store.db, patch.fields, current.fields as Record<string, unknown>);
  const [row] = await ctx.store.db
    .update(organizations)
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.domain !== undefined ? { domain: patch.domain?.trim().toLowerCase() || null } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(fields ? { fields } : {}),
      updatedAt: ctx.clock.now(),
    })
    .where(eq(organizations.id, id))
    .returning();
  return organizationView(row!);
}

/**
 * Delete an organization. Its contacts stay: they are unlinked in the same transaction (merged
 * tombstones too, so no record points at a missing organization). Returns how many were unlinked.
 */
export async function deleteOrganization(ctx: AppContext, id: string): Promise<{ unlinked: number }> {
  return ctx.store.db.transaction(async (tx) => {
    const [current] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).for('update');
    if (!current) throw new HttpError(404, 'organization_not_found', `No organization ${id}.`);
    // Unlinked here so the contacts' updated_at moves; the foreign key (ON DELETE SET NULL) catches any link a
    // concurrent edit or import adds before the delete commits.
    const unlinked = await tx.update(contacts).set({ organizationId: null, updatedAt: ctx.clock.now() }).where(eq(contacts.organizationId, id)).returning({ id: contacts.id });
    await tx.delete(organizations).where(eq(organizations.id, id));
    return { unlinked: unlinked.length };
  });
}

export async function listOrganizations(db: Db, q?: string) {
  const rows = await db
    .select({ o: organizations, contacts: sql<number>`(select count(*)::int from contacts c where c.organization_id = "organizations"."id" and c.merged_into is null)` })
    .from(organizations)
    .where(q ? sql`lower(${organizations.name}) like ${likeLiteral(q.toLowerCase()) + '%'}` : undefined)
    .orderBy(asc(sql`lower(${organizations.name})`))
    .limit(200);
  return rows.map((r) => ({ ...organizationView(r.o), contacts: r.contacts }));
}

export async function organizationDetail(db: Db, id: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  if (!row) throw new HttpError(404, 'organization_not_found', `No organization ${id}.`);
  const people = await db.select().from(contacts).where(sql`${contacts.organizationId} = ${id} and ${contacts.mergedInto} is null`).orderBy(asc(contacts.createdAt)).limit(500);
  return { ...organizationView(row), contacts: people.map((c) => contactView(c)) };
}
