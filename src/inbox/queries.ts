// Inbox reads: the conversation list (filters, cursor by last activity), sidebar counts, one thread
// and its timeline (messages and notes interleaved). Shaped for the index set described in docs/inbox.md.
import { and, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { previewOf, type MessagePreview } from '../core/message-preview.ts';
import { explainError, type Words } from '../core/errors.ts';
import { contactView } from '../crm/contacts.ts';
import { contacts, conversations, messages, outboundMessages, phoneNumbers } from '../messaging/schema.ts';
import { messageView, type MessageView } from '../messaging/outbox.ts';
import { teams, users } from '../accounts/schema.ts';
import { conversationLabels, conversationNotes, labels } from './schema.ts';
import { accessSql, loadAccessible, uuidList, UUID } from './access.ts';
import type { Principal } from './principal.ts';
import { foldedName, prefixPattern } from '../crm/name-match.ts';
import { likeLiteral } from '../store/like.ts';

export const VIEWS = ['mine', 'unassigned', 'team', 'all'] as const;
export type View = (typeof VIEWS)[number];
export const STATES = ['open', 'pending', 'resolved'] as const;
export type ConversationState = (typeof STATES)[number];
export const CATEGORIES = ['new', 'important', 'unknown'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ListQuery {
  view: View;
  state: ConversationState;
  /** With view=team: one of the teams (default: all of the principal's teams). */
  teamId?: string | undefined;
  phoneNumberId?: string | undefined;
  labelId?: string | undefined;
  unread?: boolean | undefined;
  category?: Category | undefined;
  /** Contact name or number prefix. */
  q?: string | undefined;
  /** Also match message text (slower: scans the messages of candidate conversations). */
  searchMessages?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

// Timestamps leave PostgreSQL as text with microseconds so cursors compare exactly (JS Dates stop at ms).
const tsText = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !UUID.test(id) || Number.isNaN(Date.parse(at))) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor is not one this API gave out; start again without it.', { field: 'querystring.cursor' });
  }
  return { at, id };
}

function viewSql(p: Principal, q: ListQuery): SQL | null {
  switch (q.view) {
    case 'mine':
      return p.userId ? sql`c.assignee_id = ${p.userId}::uuid` : sql`false`;
    case 'unassigned':
      return sql`c.assignee_id is null`;
    case 'team': {
      if (q.teamId) {
        if (p.role === 'agent' && p.kind === 'user' && !p.teamIds.includes(q.teamId)) {
          throw new HttpError(403, 'team_forbidden', 'You are not a member of this team, so you cannot list its conversations.', { teamId: q.teamId });
        }
        return sql`c.team_id = ${q.teamId}::uuid`;
      }
      return p.teamIds.length ? sql`c.team_id in (${uuidList(p.teamIds)})` : sql`false`;
    }
    case 'all':
      return null;
  }
}

/** A number prefix matching at most this many contacts is searched through their ids (see searchSql). */
const FEW_CONTACTS = 1000;

async function searchSql(db: Db, q: string, inMessages: boolean): Promise<SQL> {
  const digits = q.replace(/[\s+().-]/g, '');
  const parts: SQL[] = [];
  if (/^\d{2,}$/.test(digits)) {
    const pattern = prefixPattern(digits, false);
    // A long prefix matches a few contacts somewhere in the list: joined to the conversations sorted by activity,
    // PostgreSQL may walk that order until it finds them (tens of ms at 50k open). Look the contacts up first
    // (contacts_wa_id_prefix_idx) and, when they are few, name them: their conversations come from
    // conversations_contact_idx. A short prefix matches many, and walking the activity order finds a page at once.
    const found = (await db.execute(sql`select id from contacts where wa_id like ${pattern} limit ${FEW_CONTACTS + 1}`)) as unknown as { rows: { id: string }[] };
    if (found.rows.length <= FEW_CONTACTS) parts.push(found.rows.length ? sql`c.contact_id in (${uuidList(found.rows.map((r) => r.id))})` : sql`false`);
    else parts.push(sql`k.wa_id like ${pattern}`);
  } else {
    // Accent-insensitive, over the same expression as contacts_name_folded_idx so the prefix search can use it.
    parts.push(sql`${foldedName(sql.raw('k.name'), sql.raw('k.profile_name'))} like ${prefixPattern(q)}`);
  }
  if (inMessages) {
    const pattern = `%${likeLiteral(q)}%`;
    parts.push(sql`exists (select 1 from messages sm where sm.conversation_id = c.id
      and coalesce(sm.content->'text'->>'body', sm.content->sm.type->>'caption') ilike ${pattern})`);
  }
  return sql`(${sql.join(parts, sql` or `)})`;
}

export interface ConversationListItem {
  id: string;
  state: string;
  phoneNumberId: string;
  contact: { id: string; displayName: string | null; name: string | null; profileName: string | null; phone: string | null; waId: string | null; kind: string };
  lastMessage: (MessagePreview & { id: string; direction: 'in' | 'out'; status: string; at: string }) | null;
  lastMessageAt: string | null;
  unreadCount: number;
  important: boolean;
  /** The customer wrote last and nobody has answered yet. */
  awaitingReply: boolean;
  assignee: { id: string; name: string | null } | null;
  team: { id: string; name: string | null } | null;
  labels: { id: string; name: string; color: string | null }[];
  window: { expiresAt: string | null; open: boolean };
  createdAt: string;
}

interface ListRow {
  id: string;
  state: string;
  phone_number_id: string;
  contact_id: string;
  team_id: string | null;
  assignee_id: string | null;
  important: boolean;
  unread_count: number;
  window_expires_at: Date | string | null;
  last_message_at: Date | string | null;
  cursor_at: string;
  created_at: Date | string;
  k_name: string | null;
  k_profile_name: string | null;
  k_e164: string | null;
  k_wa_id: string | null;
  k_username: string | null;
  k_bsuid: string | null;
  k_kind: string;
  assignee_name: string | null;
  team_name: string | null;
  lm_id: string | null;
  lm_direction: string | null;
  lm_type: string | null;
  lm_content: unknown;
  lm_status: string | null;
  lm_at: Date | string | null;
  awaiting: boolean;
}

const toDate = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));
const iso = (v: Date | string | null): string | null => toDate(v)?.toISOString() ?? null;

function windowOf(expires: Date | string | null, now: Date): { expiresAt: string | null; open: boolean } {
  const d = toDate(expires);
  return { expiresAt: d?.toISOString() ?? null, open: d !== null && d.getTime() > now.getTime() };
}

async function labelsOf(db: Db, ids: string[]): Promise<Map<string, { id: string; name: string; color: string | null }[]>> {
  const out = new Map<string, { id: string; name: string; color: string | null }[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ conversationId: conversationLabels.conversationId, id: labels.id, name: labels.name, color: labels.color })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(inArray(conversationLabels.conversationId, ids))
    .orderBy(labels.name);
  for (const r of rows) {
    const list = out.get(r.conversationId) ?? [];
    list.push({ id: r.id, name: r.name, color: r.color });
    out.set(r.conversationId, list);
  }
  return out;
}

/** Unanswered: the customer's latest message has no outbound message at or after it. */
const AWAITING = sql`(c.last_inbound_at is not null and not exists (
  select 1 from messages o where o.conversation_id = c.id and o.direction = 'out' and o.at >= c.last_inbound_at))`;

export async function listConversations(ctx: AppContext, p: Principal, q: ListQuery): Promise<{ data: ConversationListItem[]; nextCursor: string | null }> {
  const where: SQL[] = [sql`c.state = ${q.state}`, sql`c.last_message_at is not null`];
  const access = accessSql(p);
  if (access) where.push(access);
  const view = viewSql(p, q);
  if (view) where.push(view);
  if (q.phoneNumberId) where.push(sql`c.phone_number_id = ${q.phoneNumberId}::uuid`);
  if (q.labelId) where.push(sql`exists (select 1 from conversation_labels cl where cl.conversation_id = c.id and cl.label_id = ${q.labelId}::uuid)`);
  if (q.unread) where.push(sql`c.unread_count > 0`);
  if (q.category === 'important') where.push(sql`c.important`);
  if (q.category === 'unknown') where.push(sql`k.kind = 'unknown'`);
  if (q.category === 'new') where.push(AWAITING);
  const search = q.q?.trim();
  if (search) where.push(await searchSql(ctx.store.db, search, q.searchMessages ?? false));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    // The first half is an index condition on (…, last_message_at); the second breaks ties by id.
    where.push(sql`c.last_message_at <= ${c.at}::timestamptz and (c.last_message_at < ${c.at}::timestamptz or c.id < ${c.id}::uuid)`);
  }
  const rows = await ctx.store.rows<ListRow>(sql`
    select c.id, c.state, c.phone_number_id, c.contact_id, c.team_id, c.assignee_id, c.important, c.unread_count,
      c.window_expires_at, c.last_message_at, ${tsText(sql`c.last_message_at`)} as cursor_at, c.created_at,
      k.name as k_name, k.profile_name as k_profile_name, k.e164 as k_e164, k.wa_id as k_wa_id, k.username as k_username,
      k.bsuid as k_bsuid, k.kind as k_kind,
      u.name as assignee_name, t.name as team_name,
      lm.id as lm_id, lm.direction as lm_direction, lm.type as lm_type, lm.content as lm_content, lm.status as lm_status, lm.at as lm_at,
      ${AWAITING} as awaiting
    from conversations c
    join contacts k on k.id = c.contact_id
    left join users u on u.id = c.assignee_id
    left join teams t on t.id = c.team_id
    left join lateral (
      select m.id, m.direction, m.type, m.content, m.status, m.at from messages m
      where m.conversation_id = c.id order by m.at desc, m.id desc limit 1
    ) lm on true
    where ${sql.join(where, sql` and `)}
    order by c.last_message_at desc, c.id desc
    limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const labelMap = await labelsOf(ctx.store.db, page.map((r) => r.id));
  const now = ctx.clock.now();
  const data = page.map((r): ConversationListItem => {
    const name = r.k_name ?? r.k_profile_name;
    return {
      id: r.id,
      state: r.state,
      phoneNumberId: r.phone_number_id,
      contact: {
        id: r.contact_id,
        displayName: name ?? (r.k_username ? `@${r.k_username}` : null) ?? r.k_e164 ?? r.k_bsuid,
        name: r.k_name,
        profileName: r.k_profile_name,
        phone: r.k_e164,
        waId: r.k_wa_id,
        kind: r.k_kind,
      },
      lastMessage:
        r.lm_id && r.lm_type
          ? { id: r.lm_id, direction: r.lm_direction === 'out' ? 'out' : 'in', status: r.lm_status ?? '', at: iso(r.lm_at)!, ...previewOf(r.lm_type, r.lm_content) }
          : null,
      lastMessageAt: iso(r.last_message_at),
      unreadCount: r.unread_count,
      important: r.important,
      awaitingReply: r.awaiting,
      assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name } : null,
      team: r.team_id ? { id: r.team_id, name: r.team_name } : null,
      labels: labelMap.get(r.id) ?? [],
      window: windowOf(r.window_expires_at, now),
      createdAt: iso(r.created_at)!,
    };
  });
  const last = rows.length > q.limit ? page[page.length - 1] : undefined;
  return { data, nextCursor: last ? encodeCursor(last.cursor_at, last.id) : null };
}

// --- counts ---

export interface InboxCounts {
  views: Record<View, { open: number; pending: number; unread: number }>;
  /** Conversations with unread messages across everything this principal sees (open and pending). */
  unreadTotal: number;
}

/**
 * Open and pending conversations per view, one pass with FILTER aggregates. Resolved ones are not
 * counted: they accumulate forever, and the sidebar does not need their number.
 */
export async function countConversations(ctx: AppContext, p: Principal): Promise<InboxCounts> {
  const where: SQL[] = [sql`c.state in ('open', 'pending')`, sql`c.last_message_at is not null`];
  const access = accessSql(p);
  if (access) where.push(access);
  const views: Record<View, SQL> = {
    mine: p.userId ? sql`c.assignee_id = ${p.userId}::uuid` : sql`false`,
    unassigned: sql`c.assignee_id is null`,
    team: p.teamIds.length ? sql`c.team_id in (${uuidList(p.teamIds)})` : sql`false`,
    all: sql`true`,
  };
  const cols: SQL[] = [];
  for (const v of VIEWS) {
    cols.push(sql`count(*) filter (where ${views[v]} and c.state = 'open')::int as ${sql.raw(`${v}_open`)}`);
    cols.push(sql`count(*) filter (where ${views[v]} and c.state = 'pending')::int as ${sql.raw(`${v}_pending`)}`);
    cols.push(sql`count(*) filter (where ${views[v]} and c.unread_count > 0)::int as ${sql.raw(`${v}_unread`)}`);
  }
  const [row] = await ctx.store.rows<Record<string, number>>(sql`select ${sql.join(cols, sql`, `)} from conversations c where ${sql.join(where, sql` and `)}`);
  const n = (k: string) => Number(row?.[k] ?? 0);
  const out = {} as InboxCounts['views'];
  for (const v of VIEWS) out[v] = { open: n(`${v}_open`), pending: n(`${v}_pending`), unread: n(`${v}_unread`) };
  return { views: out, unreadTotal: out.all.unread };
}

// --- one thread ---

export async function conversationDetail(ctx: AppContext, p: Principal, id: string) {
  const db = ctx.store.db;
  await loadAccessible(db, p, id);
  const [row] = await db
    .select({ c: conversations, k: contacts, n: { id: phoneNumbers.id, displayPhoneNumber: phoneNumbers.displayPhoneNumber, verifiedName: phoneNumbers.verifiedName } })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .where(eq(conversations.id, id));
  if (!row) throw new HttpError(404, 'conversation_not_found', `There is no conversation ${id}.`);
  const { c, k, n } = row;
  const [assignee] = c.assigneeId ? await db.select({ id: users.id, name: users.name, availability: users.availability }).from(users).where(eq(users.id, c.assigneeId)) : [];
  const [team] = c.teamId ? await db.select({ id: teams.id, name: teams.name, assignment: teams.assignment }).from(teams).where(eq(teams.id, c.teamId)) : [];
  const [notes] = await ctx.store.rows<{ n: number }>(sql`select count(*)::int as n from conversation_notes where conversation_id = ${id}::uuid`);
  const [awaiting] = await ctx.store.rows<{ a: boolean }>(sql`select ${AWAITING} as a from conversations c where c.id = ${id}::uuid`);
  const now = ctx.clock.now();
  return {
    id: c.id,
    state: c.state,
    phoneNumber: n,
    contact: contactView(k),
    assignee: assignee ?? (c.assigneeId ? { id: c.assigneeId, name: null, availability: null } : null),
    team: team ?? (c.teamId ? { id: c.teamId, name: null, assignment: null } : null),
    labels: (await labelsOf(db, [id])).get(id) ?? [],
    important: c.important,
    unreadCount: c.unreadCount,
    awaitingReply: awaiting?.a ?? false,
    notesCount: notes?.n ?? 0,
    window: windowOf(c.windowExpiresAt, now),
    // The free-entry-point window (click-to-WhatsApp ads): free messages until then.
    freeEntryPoint: { expiresAt: c.fepExpiresAt?.toISOString() ?? null, open: c.fepExpiresAt !== null && c.fepExpiresAt.getTime() > now.getTime() },
    referral: c.referral,
    lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
    lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

// --- timeline ---

export interface TimelineError {
  code: number;
  title: string;
  explanation: Words;
  advice: Words;
  details: string | null;
}

export type TimelineMessage = MessageView & {
  playedAt: string | null;
  preview: MessagePreview;
  /** The quoted message this one replies to, when it has a context. */
  replyTo: { wamid: string; found: boolean; id: string | null; direction: 'in' | 'out' | null; type: string | null; text: string | null } | null;
  /** Current reactions (latest per side; removed ones dropped). */
  reactions: { emoji: string; direction: 'in' | 'out'; at: string; messageId: string }[];
  /** Failed outbound: what happened and what to do, in English and Spanish. */
  error: TimelineError | null;
};

export interface TimelineNote {
  id: string;
  kind: string;
  body: string;
  details: unknown;
  author: { id: string; name: string | null } | null;
  at: string;
}

export type TimelineItem = { type: 'message'; at: string; message: TimelineMessage } | { type: 'note'; at: string; note: TimelineNote };

function rec(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function errorOf(errors: unknown): TimelineError | null {
  const e = Array.isArray(errors) ? rec(errors[0]) : null;
  if (!e) return null;
  const code = typeof e.code === 'number' ? e.code : Number(e.code) || 0;
  const title = typeof e.title === 'string' ? e.title : typeof e.message === 'string' ? e.message : undefined;
  const info = explainError({ code, ...(title ? { title } : {}) });
  const words = (v: unknown): Words | null => {
    const r = rec(v);
    return r && typeof r.en === 'string' && typeof r.es === 'string' ? { en: r.en, es: r.es } : null;
  };
  const details = typeof e.details === 'string' ? e.details : typeof rec(e.error_data)?.details === 'string' ? (rec(e.error_data)!.details as string) : null;
  return { code, title: title ?? info.title, explanation: words(e.explanation) ?? info.explanation, advice: words(e.advice) ?? info.advice, details };
}

export async function timeline(ctx: AppContext, p: Principal, id: string, page: { cursor?: string | undefined; limit: number }): Promise<{ data: TimelineItem[]; nextCursor: string | null }> {
  const db = ctx.store.db;
  await loadAccessible(db, p, id);
  const cur = page.cursor ? decodeCursor(page.cursor) : null;
  const mAt = sql`${messages.at}`;
  const nAt = sql`${conversationNotes.createdAt}`;
  const before = (at: SQL, idCol: SQL): SQL | undefined =>
    cur ? sql`${at} <= ${cur.at}::timestamptz and (${at} < ${cur.at}::timestamptz or ${idCol} < ${cur.id}::uuid)` : undefined;
  const msgRows = await db
    .select({ m: messages, o: outboundMessages, atText: sql<string>`${tsText(mAt)}` })
    .from(messages)
    .leftJoin(outboundMessages, eq(outboundMessages.id, messages.id))
    // Reactions are not items of their own: they are attached to the message they react to.
    .where(and(eq(messages.conversationId, id), ne(messages.type, 'reaction'), before(mAt, sql`${messages.id}`)))
    .orderBy(desc(messages.at), desc(messages.id))
    .limit(page.limit + 1);
  const noteRows = await db
    .select({ n: conversationNotes, authorName: users.name, atText: sql<string>`${tsText(nAt)}` })
    .from(conversationNotes)
    .leftJoin(users, eq(users.id, conversationNotes.authorId))
    .where(and(eq(conversationNotes.conversationId, id), before(nAt, sql`${conversationNotes.id}`)))
    .orderBy(desc(conversationNotes.createdAt), desc(conversationNotes.id))
    .limit(page.limit + 1);

  type Merged = { atText: string; id: string; msg?: (typeof msgRows)[number]; note?: (typeof noteRows)[number] };
  const merged: Merged[] = [
    ...msgRows.map((r) => ({ atText: r.atText, id: r.m.id, msg: r })),
    ...noteRows.map((r) => ({ atText: r.atText, id: r.n.id, note: r })),
  ].sort((a, b) => (a.atText !== b.atText ? (a.atText < b.atText ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const items = merged.slice(0, page.limit);
  const pageMsgs = items.flatMap((i) => (i.msg ? [i.msg] : []));

  // Quoted messages, by wamid (unique) wherever they are.
  const ctxWamids = [...new Set(pageMsgs.map((r) => r.m.contextWamid).filter((w): w is string => !!w))];
  const quoted = ctxWamids.length
    ? await db.select({ id: messages.id, wamid: messages.wamid, direction: messages.direction, type: messages.type, content: messages.content }).from(messages).where(inArray(messages.wamid, ctxWamids))
    : [];
  const quotedBy = new Map(quoted.map((q) => [q.wamid!, q]));

  // Reactions to the messages on this page: they come after their target, so only from the oldest item on.
  const wamids = pageMsgs.map((r) => r.m.wamid).filter((w): w is string => !!w);
  const reactionsBy = new Map<string, Map<string, { emoji: string; direction: 'in' | 'out'; at: Date; messageId: string }>>();
  if (wamids.length) {
    const oldest = pageMsgs.reduce((min, r) => (r.m.at < min ? r.m.at : min), pageMsgs[0]!.m.at);
    const rs = await db
      .select({ id: messages.id, direction: messages.direction, content: messages.content, at: messages.at, status: messages.status })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, id),
          eq(messages.type, 'reaction'),
          sql`${messages.at} >= ${oldest.toISOString()}::timestamptz`,
          inArray(sql`${messages.content}->'reaction'->>'message_id'`, wamids),
        ),
      )
      .orderBy(messages.at, messages.id);
    for (const r of rs) {
      if (r.status === 'failed') continue;
      const reaction = rec(rec(r.content)?.reaction);
      const target = typeof reaction?.message_id === 'string' ? reaction.message_id : null;
      if (!target) continue;
      const side = r.direction === 'out' ? 'out' : 'in';
      const perTarget = reactionsBy.get(target) ?? new Map();
      // One reaction per side; a later one replaces it and an empty emoji removes it (as on WhatsApp).
      const emoji = typeof reaction?.emoji === 'string' ? reaction.emoji : '';
      if (emoji) perTarget.set(side, { emoji, direction: side, at: r.at, messageId: r.id });
      else perTarget.delete(side);
      reactionsBy.set(target, perTarget);
    }
  }

  const data = items.map((i): TimelineItem => {
    if (i.note) {
      const n = i.note.n;
      return {
        type: 'note',
        at: n.createdAt.toISOString(),
        note: { id: n.id, kind: n.kind, body: n.body, details: n.details, author: n.authorId ? { id: n.authorId, name: i.note.authorName } : null, at: n.createdAt.toISOString() },
      };
    }
    const { m, o } = i.msg!;
    const q = m.contextWamid ? quotedBy.get(m.contextWamid) : undefined;
    const message: TimelineMessage = {
      ...messageView(m, o),
      playedAt: m.playedAt?.toISOString() ?? null,
      preview: previewOf(m.type, m.content),
      replyTo: m.contextWamid
        ? q
          ? { wamid: m.contextWamid, found: true, id: q.id, direction: q.direction === 'out' ? 'out' : 'in', ...previewOf(q.type, q.content) }
          : { wamid: m.contextWamid, found: false, id: null, direction: null, type: null, text: null }
        : null,
      reactions: [...(m.wamid ? (reactionsBy.get(m.wamid)?.values() ?? []) : [])].map((r) => ({ ...r, at: r.at.toISOString() })),
      error: m.status === 'failed' || m.errors ? errorOf(m.errors) : null,
    };
    return { type: 'message', at: m.at.toISOString(), message };
  });
  const last = merged.length > page.limit ? items[items.length - 1] : undefined;
  return { data, nextCursor: last ? encodeCursor(last.atText, last.id) : null };
}

