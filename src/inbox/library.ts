// Quick replies (typed with /shortcut in the composer) and labels: shared by the whole team. Everyone
// reads them; supervisors, admins, owners and API tokens change them.
import { asc, eq, ilike, or, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../store/errors.ts';
import { likeLiteral } from '../store/like.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { seesEverything } from '../core/assignment.ts';
import { labels, quickReplies } from './schema.ts';
import type { Principal } from './principal.ts';
import { UUID } from './access.ts';

export function requireManager(p: Principal, what: string): void {
  if (!seesEverything(p)) throw new HttpError(403, 'role_forbidden', `Only supervisors, admins and owners can change ${what}.`);
}

/** "/Hola " → "hola": the composer matches shortcuts without the slash, case-insensitively. */
export function normaliseShortcut(s: string): string {
  return s.trim().replace(/^\/+/, '').toLowerCase();
}

type QuickReplyRow = typeof quickReplies.$inferSelect;
const quickReplyView = (r: QuickReplyRow) => ({ id: r.id, shortcut: r.shortcut, title: r.title, body: r.body, language: r.language, createdAt: r.createdAt.toISOString() });

export async function listQuickReplies(ctx: AppContext, q: { search?: string | undefined; language?: string | undefined }) {
  const conds = [];
  if (q.search) {
    const s = likeLiteral(normaliseShortcut(q.search));
    conds.push(or(ilike(quickReplies.shortcut, `${s}%`), ilike(quickReplies.title, `%${s}%`)));
  }
  if (q.language) conds.push(or(eq(quickReplies.language, q.language), sql`${quickReplies.language} is null`));
  const rows = await ctx.store.db
    .select()
    .from(quickReplies)
    .where(conds.length ? sql.join(conds.map((c) => sql`(${c})`), sql` and `) : undefined)
    .orderBy(asc(quickReplies.shortcut));
  return rows.map(quickReplyView);
}

const shortcutTaken = (s: string) =>
  new HttpError(409, 'shortcut_taken', `The shortcut /${s} is already used by another quick reply; choose another one.`, { field: 'shortcut' });

function checkShortcut(s: string): string {
  const n = normaliseShortcut(s);
  if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(n)) {
    throw new HttpError(400, 'invalid_request', 'Invalid shortcut: use 1–32 letters, digits, "-" or "_" (typed after "/" in the composer).', [{ field: 'shortcut', message: 'invalid' }]);
  }
  return n;
}

export async function createQuickReply(ctx: AppContext, p: Principal, input: { shortcut: string; title: string; body: string; language?: string | null | undefined }) {
  requireManager(p, 'quick replies');
  const shortcut = checkShortcut(input.shortcut);
  try {
    const [row] = await ctx.store.db
      .insert(quickReplies)
      .values({ shortcut, title: input.title, body: input.body, language: input.language ?? null, createdAt: ctx.clock.now() })
      .returning();
    return quickReplyView(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw shortcutTaken(shortcut);
    throw err;
  }
}

export async function updateQuickReply(ctx: AppContext, p: Principal, id: string, patch: { shortcut?: string | undefined; title?: string | undefined; body?: string | undefined; language?: string | null | undefined }) {
  requireManager(p, 'quick replies');
  if (!UUID.test(id)) throw new HttpError(404, 'quick_reply_not_found', `There is no quick reply ${id}.`);
  const set: Partial<typeof quickReplies.$inferInsert> = {};
  if (patch.shortcut !== undefined) set.shortcut = checkShortcut(patch.shortcut);
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.body !== undefined) set.body = patch.body;
  if (patch.language !== undefined) set.language = patch.language;
  try {
    const [row] = Object.keys(set).length
      ? await ctx.store.db.update(quickReplies).set(set).where(eq(quickReplies.id, id)).returning()
      : await ctx.store.db.select().from(quickReplies).where(eq(quickReplies.id, id));
    if (!row) throw new HttpError(404, 'quick_reply_not_found', `There is no quick reply ${id}.`);
    return quickReplyView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw shortcutTaken(set.shortcut ?? '');
    throw err;
  }
}

export async function deleteQuickReply(ctx: AppContext, p: Principal, id: string): Promise<void> {
  requireManager(p, 'quick replies');
  const gone = UUID.test(id) ? await ctx.store.db.delete(quickReplies).where(eq(quickReplies.id, id)).returning({ id: quickReplies.id }) : [];
  if (gone.length === 0) throw new HttpError(404, 'quick_reply_not_found', `There is no quick reply ${id}.`);
}

// --- labels ---

type LabelRow = typeof labels.$inferSelect;
const labelView = (r: LabelRow) => ({ id: r.id, name: r.name, color: r.color, createdAt: r.createdAt.toISOString() });
const labelTaken = (name: string) => new HttpError(409, 'label_exists', `A label named "${name}" already exists.`, { field: 'name' });

export async function listLabels(ctx: AppContext) {
  return (await ctx.store.db.select().from(labels).orderBy(asc(labels.name))).map(labelView);
}

export async function createLabel(ctx: AppContext, p: Principal, input: { name: string; color?: string | null | undefined }) {
  requireManager(p, 'labels');
  const name = input.name.trim();
  try {
    const [row] = await ctx.store.db.insert(labels).values({ name, color: input.color ?? null, createdAt: ctx.clock.now() }).returning();
    return labelView(row!);
  } catch (err) {
    if (isUniqueViolation(err)) throw labelTaken(name);
    throw err;
  }
}

export async function updateLabel(ctx: AppContext, p: Principal, id: string, patch: { name?: string | undefined; color?: string | null | undefined }) {
  requireManager(p, 'labels');
  if (!UUID.test(id)) throw new HttpError(404, 'label_not_found', `There is no label ${id}.`);
  const set: Partial<typeof labels.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.color !== undefined) set.color = patch.color;
  try {
    const [row] = Object.keys(set).length
      ? await ctx.store.db.update(labels).set(set).where(eq(labels.id, id)).returning()
      : await ctx.store.db.select().from(labels).where(eq(labels.id, id));
    if (!row) throw new HttpError(404, 'label_not_found', `There is no label ${id}.`);
    return labelView(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw labelTaken(set.name ?? '');
    throw err;
  }
}

/** Deleting a label removes it from every conversation (cascade). */
export async function deleteLabel(ctx: AppContext, p: Principal, id: string): Promise<void> {
  requireManager(p, 'labels');
  const gone = UUID.test(id) ? await ctx.store.db.delete(labels).where(eq(labels.id, id)).returning({ id: labels.id }) : [];
  if (gone.length === 0) throw new HttpError(404, 'label_not_found', `There is no label ${id}.`);
}
