/**
 * Saved segments (a name and a filter in the segment language) and the functions other capabilities
 * use to select contacts by a filter: contacts list, campaigns audience, export.
 */
import { desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { compileSegmentFilter, type Predicate, type SegmentProblem } from '../core/segments/index.ts';
import { HttpError } from '../http/errors.ts';
import { fieldDefinitions } from './fields.ts';
import { segments } from './schema.ts';
import { segmentCondition } from './segment-sql.ts';

export type SegmentRow = typeof segments.$inferSelect;

export const FILTER_MAX_LENGTH = 4000;

/** A bad filter answers 400 with the problem (message, offset, line, column, length) in details. */
export function invalidFilter(problem: SegmentProblem): HttpError {
  return new HttpError(400, 'invalid_filter', `Invalid filter: ${problem.message}`, { field: 'filter', ...problem });
}

/** Parse and check a filter against the workspace's contact fields; throws invalidFilter. */
export async function checkFilter(db: Db, filterText: string): Promise<Predicate> {
  if (filterText.length > FILTER_MAX_LENGTH) {
    throw new HttpError(400, 'invalid_filter', `Invalid filter: at most ${FILTER_MAX_LENGTH} characters; save parts as tags or simplify it.`, { field: 'filter' });
  }
  const r = compileSegmentFilter(filterText, await fieldDefinitions(db, 'contact'));
  if (!r.ok) throw invalidFilter(r.error);
  return r.predicate;
}

export interface SegmentWhereOptions {
  /** "Now" for relative conditions (within 30d); time is injected. Default: the system clock. */
  now?: Date;
  /** How the query names contacts: `c` for `from contacts c` (default), `contacts` for drizzle's `.from(contacts)`. */
  table?: 'c' | 'contacts';
}

/**
 * A parameterised WHERE condition selecting the live contacts that match `filterText`, e.g.
 * `select count(*) from contacts c where ${await segmentWhere(db, 'tag = vip')}`.
 * Throws HttpError 400 (invalid_filter) with the position of the problem.
 */
export async function segmentWhere(db: Db, filterText: string, opts: SegmentWhereOptions = {}): Promise<SQL> {
  return segmentCondition(await checkFilter(db, filterText), opts.now ?? new Date(), opts.table ?? 'c');
}

export async function countMatching(db: Db, filterText: string, now: Date): Promise<number> {
  const where = await segmentWhere(db, filterText, { now });
  const rows = (await db.execute(sql`select count(*)::int as n from contacts c where ${where}`)) as unknown as { rows: { n: number }[] };
  return Number(rows.rows[0]?.n ?? 0);
}

export interface ContactSample {
  id: string;
  displayName: string | null;
  name: string | null;
  profileName: string | null;
  waId: string | null;
  email: string | null;
  kind: string;
  country: string | null;
  market: string | null;
}

/** Count and the first `limit` matching contacts by name (for the filter editor's live preview). */
export async function previewFilter(db: Db, filterText: string, now: Date, limit = 20): Promise<{ count: number; sample: ContactSample[] }> {
  const where = await segmentWhere(db, filterText, { now });
  const countRes = (await db.execute(sql`select count(*)::int as n from contacts c where ${where}`)) as unknown as { rows: { n: number }[] };
  const sampleRes = (await db.execute(sql`
      select c.id, c.name, c.profile_name, c.username, c.wa_id, c.email, c.kind, c.country, c.market
      from contacts c where ${where}
      order by lower(coalesce(c.name, c.profile_name)) nulls last, c.id
      limit ${limit}`)) as unknown as { rows: Record<string, string | null>[] };
  return {
    count: Number(countRes.rows[0]?.n ?? 0),
    sample: sampleRes.rows.map((r) => ({
      id: r.id!,
      displayName: r.name ?? r.profile_name ?? (r.username ? `@${r.username}` : null) ?? (r.wa_id ? `+${r.wa_id}` : null),
      name: r.name ?? null,
      profileName: r.profile_name ?? null,
      waId: r.wa_id ?? null,
      email: r.email ?? null,
      kind: r.kind!,
      country: r.country ?? null,
      market: r.market ?? null,
    })),
  };
}

function notFound(id: string): HttpError {
  return new HttpError(404, 'segment_not_found', `There is no segment ${id}. List segments with GET /api/v1/segments.`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cleanName(name: string): string {
  const n = name.trim();
  if (n === '') throw new HttpError(400, 'invalid_request', 'Invalid name: give the segment a name, e.g. "Clientes VIP Madrid".', [{ field: 'name', message: 'required' }]);
  return n;
}

export async function listSegments(db: Db): Promise<SegmentRow[]> {
  return db.select().from(segments).orderBy(desc(segments.updatedAt), desc(segments.id));
}

export async function getSegment(db: Db, id: string): Promise<SegmentRow> {
  if (!UUID.test(id)) throw notFound(id);
  const [row] = await db.select().from(segments).where(eq(segments.id, id));
  if (!row) throw notFound(id);
  return row;
}

/** Save a segment; the filter is checked first, so a saved segment always compiled when saved. */
export async function createSegment(db: Db, input: { name: string; filter: string }, now: Date): Promise<SegmentRow> {
  const name = cleanName(input.name);
  await checkFilter(db, input.filter);
  const [row] = await db.insert(segments).values({ name, filter: input.filter.trim(), createdAt: now, updatedAt: now }).returning();
  return row!;
}

export async function updateSegment(db: Db, id: string, patch: { name?: string; filter?: string }, now: Date): Promise<SegmentRow> {
  await getSegment(db, id);
  const set: Partial<typeof segments.$inferInsert> = { updatedAt: now };
  if (patch.name !== undefined) set.name = cleanName(patch.name);
  if (patch.filter !== undefined) {
    await checkFilter(db, patch.filter);
    set.filter = patch.filter.trim();
  }
  const [row] = await db.update(segments).set(set).where(eq(segments.id, id)).returning();
  if (!row) throw notFound(id);
  return row;
}

export async function deleteSegment(db: Db, id: string): Promise<void> {
  await getSegment(db, id);
  await db.delete(segments).where(eq(segments.id, id));
}

/**
 * The live count of a saved segment. A filter that no longer checks (a custom field it names was
 * deleted since) answers 409 with the problem, so the user knows to edit the segment.
 */
export async function countSegment(db: Db, id: string, now: Date): Promise<{ count: number; at: string }> {
  const seg = await getSegment(db, id);
  try {
    return { count: await countMatching(db, seg.filter, now), at: now.toISOString() };
  } catch (err) {
    if (err instanceof HttpError && err.code === 'invalid_filter') {
      throw new HttpError(409, 'segment_filter_outdated', `This segment's filter no longer works: ${err.message.replace(/^Invalid filter: /, '')} Edit the segment to fix it.`, err.details);
    }
    throw err;
  }
}
