import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { contactTags, tags } from './schema.ts';

export type TagRow = typeof tags.$inferSelect;

export function cleanTagName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').slice(0, 64);
}

/** Ids for tag names, creating the missing ones (names compared case-insensitively). */
export async function ensureTags(db: Db, names: string[]): Promise<TagRow[]> {
  const firstSpelling = new Map<string, string>();
  for (const n of names.map(cleanTagName).filter(Boolean)) if (!firstSpelling.has(n.toLowerCase())) firstSpelling.set(n.toLowerCase(), n);
  const wanted = [...firstSpelling.values()];
  if (wanted.length === 0) return [];
  const lower = wanted.map((n) => n.toLowerCase());
  const existing = await db.select().from(tags).where(inArray(sql`lower(${tags.name})`, lower));
  const have = new Set(existing.map((t) => t.name.toLowerCase()));
  const missing = wanted.filter((n) => !have.has(n.toLowerCase()));
  if (missing.length) await db.insert(tags).values(missing.map((name) => ({ name }))).onConflictDoNothing();
  return missing.length ? db.select().from(tags).where(inArray(sql`lower(${tags.name})`, lower)) : existing;
}

export async function tagContact(db: Db, contactId: string, names: string[]): Promise<void> {
  const rows = await ensureTags(db, names);
  if (rows.length) await db.insert(contactTags).values(rows.map((t) => ({ contactId, tagId: t.id }))).onConflictDoNothing();
}

export async function untagContact(db: Db, contactId: string, name: string): Promise<boolean> {
  const [tag] = await db.select().from(tags).where(eq(sql`lower(${tags.name})`, cleanTagName(name).toLowerCase()));
  if (!tag) return false;
  const rows = await db.delete(contactTags).where(and(eq(contactTags.contactId, contactId), eq(contactTags.tagId, tag.id))).returning();
  return rows.length > 0;
}

export async function tagsOf(db: Db, contactIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (contactIds.length === 0) return out;
  const rows = await db
    .select({ contactId: contactTags.contactId, name: tags.name })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(inArray(contactTags.contactId, contactIds))
    .orderBy(tags.name);
  for (const r of rows) out.set(r.contactId, [...(out.get(r.contactId) ?? []), r.name]);
  return out;
}

export async function listTags(db: Db): Promise<(TagRow & { contacts: number })[]> {
  const rows = await db
    .select({ id: tags.id, name: tags.name, color: tags.color, createdAt: tags.createdAt, contacts: sql<number>`(select count(*)::int from contact_tags ct where ct.tag_id = "tags"."id")` })
    .from(tags)
    .orderBy(tags.name);
  return rows;
}
