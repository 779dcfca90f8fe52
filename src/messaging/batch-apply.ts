import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { mergeStatus, type OutboundStatus, type StatusState } from '../core/status.ts';
import type { InboundMessageEvent, StatusEvent, WebhookEvent } from '../whatsapp/webhook-events.ts';
import { newContactValues, resolveContact, type ContactRow } from './contacts.ts';
import { canonicalWaId, phoneVariants } from '../core/phone-variants.ts';
import { contacts, conversations, mediaFiles, messages, phoneNumbers } from './schema.ts';
import type { DomainEventMap } from '../context.ts';
import { applyConsentKeywords, type KeywordCandidate } from '../crm/consent.ts';
import { refreshInboundEngagement, refreshTemplateEngagement } from '../crm/engagement.ts';

type Emitted = { [K in keyof DomainEventMap]: [K, DomainEventMap[K]] }[keyof DomainEventMap];

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const TRACKED = new Set<OutboundStatus>(['sent', 'delivered', 'read', 'played', 'failed']);

/** Raised when the batch needs the careful one-event-at-a-time path (unknown number, …). */
export class NeedsSlowPath extends Error {}

/** What matching a sender to a contact reads of the contact. */
type Identity = Pick<ContactRow, 'id' | 'waId' | 'bsuid' | 'parentBsuid' | 'username' | 'profileName'>;
const IDENTITY = { id: contacts.id, waId: contacts.waId, bsuid: contacts.bsuid, parentBsuid: contacts.parentBsuid, username: contacts.username, profileName: contacts.profileName };

/**
 * The contacts of `list` that a sender's identity names (its BSUID, or any written form of its number), by
 * lookup: batches match hundreds of senders against hundreds of contacts.
 */
function matcher<C extends Pick<Identity, 'waId' | 'bsuid'>>(list: C[]): (ev: InboundMessageEvent) => C[] {
  const byWaId = new Map<string, C[]>();
  const byBsuid = new Map<string, C[]>();
  const order = new Map(list.map((c, i) => [c, i]));
  const add = (m: Map<string, C[]>, k: string, c: C) => m.set(k, [...(m.get(k) ?? []), c]);
  for (const c of list) {
    if (c.waId !== null) add(byWaId, c.waId, c);
    if (c.bsuid !== null) add(byBsuid, c.bsuid, c);
  }
  return (ev) => {
    const id = ev.identity;
    const found = new Set<C>(id.bsuid !== null ? (byBsuid.get(id.bsuid) ?? []) : []);
    if (id.waId !== null) for (const v of phoneVariants(id.waId)) for (const c of byWaId.get(v) ?? []) found.add(c);
    return [...found].sort((a, b) => order.get(a)! - order.get(b)!); // in the list's order, as a filter would
  };
}

/** True when resolveContact would change nothing on this record for this identity. */
function unchanged(c: Identity, ev: InboundMessageEvent): boolean {
  const id = ev.identity;
  return (
    (id.waId === null || c.waId === id.waId) &&
    (id.bsuid === null || c.bsuid === id.bsuid) &&
    (id.parentBsuid === null || c.parentBsuid === id.parentBsuid) &&
    (id.username === null || c.username === id.username) &&
    (id.profileName === null || c.profileName === id.profileName)
  );
}

/**
 * The set-based path: the inbound messages and statuses of many webhook bodies applied with a
 * handful of statements instead of several per item. Same effects as the one-by-one path
 * (processor.ts), which remains the fallback and the reference; tests run both.
 */
export async function applyBatch(tx: Db, events: WebhookEvent[], now: Date, emitted: Emitted[]): Promise<StatusEvent[]> {
  const msgs = events.filter((e): e is InboundMessageEvent => e.kind === 'message');
  const statuses = events.filter((e): e is StatusEvent => e.kind === 'status');

  const pnids = [...new Set([...msgs, ...statuses].map((e) => e.phoneNumberId))];
  const numberRows = pnids.length ? await tx.select({ id: phoneNumbers.id, pnid: phoneNumbers.phoneNumberId }).from(phoneNumbers).where(inArray(phoneNumbers.phoneNumberId, pnids)) : [];
  const numberOf = new Map(numberRows.map((r) => [r.pnid, r.id]));
  if (numberOf.size !== pnids.length) throw new NeedsSlowPath('unknown phone_number_id');

  const held = await takeContacts(tx, events, now);
  if (msgs.length > 0) await applyMessages(tx, msgs, numberOf, now, emitted, held);
  return statuses.length > 0 ? applyStatuses(tx, statuses, emitted) : [];
}

/**
 * The contacts a batch (or one body) writes, taken so that processors running at once wait for each other
 * instead of deadlocking: lock what exists (senders and status recipients) in id order, in the read the batch
 * needs anyway; create the new senders in one order everywhere (an insert that meets another process's
 * uncommitted one waits for it); then lock any that another process created first. Two processes creating the
 * same new customer at once can still deadlock (one waits on the other's insert while holding locks); the
 * processor applies the batch again when that happens.
 */
export async function takeContacts(tx: Db, events: WebhookEvent[], now: Date): Promise<Identity[]> {
  const msgs = events.filter((e): e is InboundMessageEvent => e.kind === 'message');
  const held = await lockContacts(tx, [], msgs, events.filter((e): e is StatusEvent => e.kind === 'status'));
  const inHeld = matcher(held);
  const { created, raced } = await insertSenders(tx, msgs.filter((m) => inHeld(m).length === 0), now);
  return [...held, ...created, ...(await lockContacts(tx, [], raced, []))];
}

function identityConditions(msgs: InboundMessageEvent[]): SQL[] {
  const waIds = [...new Set(msgs.flatMap((m) => (m.identity.waId ? phoneVariants(m.identity.waId) : [])))];
  const bsuids = [...new Set(msgs.map((m) => m.identity.bsuid).filter((x): x is string => x !== null))];
  const conds: SQL[] = [];
  if (waIds.length) conds.push(sql`wa_id in (${sql.join(waIds.map((w) => sql`${w}`), sql`, `)})`);
  if (bsuids.length) conds.push(sql`bsuid in (${sql.join(bsuids.map((b) => sql`${b}`), sql`, `)})`);
  return conds;
}

/** Insert these senders (none matched a contact) in key order; `raced` are those another process created first. */
async function insertSenders(tx: Db, msgs: InboundMessageEvent[], now: Date): Promise<{ created: Identity[]; raced: InboundMessageEvent[] }> {
  const toInsert: InboundMessageEvent[] = [];
  const claimed = new Set<string>();
  for (const m of msgs) {
    const keys = [m.identity.waId && `w:${canonicalWaId(m.identity.waId)}`, m.identity.bsuid && `b:${m.identity.bsuid}`].filter(Boolean) as string[];
    if (keys.length === 0 || keys.some((k) => claimed.has(k))) continue; // same person twice: the first creates it
    keys.forEach((k) => claimed.add(k));
    toInsert.push(m);
  }
  if (toInsert.length === 0) return { created: [], raced: [] };
  const keyOf = (m: InboundMessageEvent) => `${m.identity.bsuid ?? ''}|${m.identity.waId ? canonicalWaId(m.identity.waId) : ''}`;
  toInsert.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const created = await tx.insert(contacts).values(toInsert.map((m) => newContactValues(m.identity, now))).onConflictDoNothing().returning(IDENTITY);
  const inCreated = matcher(created);
  const raced = toInsert.filter((m) => inCreated(m).length === 0);
  return { created, raced };
}

/**
 * Read and lock, in id order and in one statement, the contacts a batch will write that it did not create: by
 * id, by a sender's identity, and the recipients of the messages whose statuses it merges. Several processes apply batches at once, and each batch then updates conversations,
 * messages and contacts in whatever order its events came; two batches about the same customers in opposite
 * orders deadlocked (PostgreSQL aborts one after a second, and it fell back to the slow path). Conversations and
 * messages belong to one contact each, so holding the contacts first serialises any two batches that share a
 * row before they touch it. `no key update` is what those UPDATEs take anyway, and leaves foreign-key checks (a
 * message sent from the inbox meanwhile) unblocked.
 */
export async function lockContacts(tx: Db, ids: string[], senders: InboundMessageEvent[] = [], statuses: StatusEvent[] = []): Promise<Identity[]> {
  const wamids = [...new Set(statuses.map((s) => s.wamid))];
  const sources: SQL[] = identityConditions(senders).map((cond) => sql`select id from contacts where ${cond}`);
  if (ids.length) sources.push(sql`select id from contacts where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
  if (wamids.length) {
    sources.push(sql`select cv.contact_id from messages m join conversations cv on cv.id = m.conversation_id
      where m.wamid in (${sql.join(wamids.map((w) => sql`${w}`), sql`, `)}) and m.direction = 'out'`);
  }
  if (sources.length === 0) return [];
  return tx.select(IDENTITY).from(contacts).where(sql`${contacts.id} in (${sql.join(sources, sql` union `)})`).orderBy(contacts.id).for('no key update');
}

async function applyMessages(tx: Db, msgs: InboundMessageEvent[], numberOf: Map<string, string>, now: Date, emitted: Emitted[], held: Identity[]): Promise<void> {
  // Drop redeliveries within the batch and wamids we already have, before touching contacts.
  const byWamid = new Map<string, InboundMessageEvent>();
  for (const m of msgs) if (!byWamid.has(m.wamid)) byWamid.set(m.wamid, m);
  const known = await tx.select({ wamid: messages.wamid }).from(messages).where(inArray(messages.wamid, [...byWamid.keys()]));
  for (const k of known) byWamid.delete(k.wamid!);
  const fresh = [...byWamid.values()];
  if (fresh.length === 0) return;

  // Contacts: locked or created by takeContacts; the careful path for identity changes.
  const inHeld = matcher(held);
  const contactOf = new Map<InboundMessageEvent, string>();
  const careful: InboundMessageEvent[] = [];
  for (const m of fresh) {
    const matches = inHeld(m);
    const match = matches.find((c) => m.identity.bsuid !== null && c.bsuid === m.identity.bsuid) ?? matches[0];
    if (match && unchanged(match, m)) contactOf.set(m, match.id);
    else careful.push(m);
  }
  for (const m of careful) contactOf.set(m, (await resolveContact(tx, m.identity, now)).id);
  // A contact the careful path reached that takeContacts did not lock (or created itself): lock it too, in id
  // order, before any conversation is written.
  const mine = new Set(held.map((c) => c.id));
  const late = [...new Set([...contactOf.values()].filter((id) => !mine.has(id)))].sort();
  if (late.length) await lockContacts(tx, late);

  // Conversations: read the pairs we need, create the missing ones in one statement.
  const pairKey = (numberId: string, contactId: string) => `${numberId}|${contactId}`;
  const contactIds = [...new Set(contactOf.values())];
  const convRows = await tx.select({ id: conversations.id, n: conversations.phoneNumberId, c: conversations.contactId }).from(conversations).where(inArray(conversations.contactId, contactIds));
  const convOf = new Map(convRows.map((r) => [pairKey(r.n, r.c), r.id]));
  const missing = new Map<string, { phoneNumberId: string; contactId: string }>();
  for (const m of fresh) {
    const k = pairKey(numberOf.get(m.phoneNumberId)!, contactOf.get(m)!);
    if (!convOf.has(k)) missing.set(k, { phoneNumberId: numberOf.get(m.phoneNumberId)!, contactId: contactOf.get(m)! });
  }
  if (missing.size) {
    await tx.insert(conversations).values([...missing.values()].map((v) => ({ ...v, createdAt: now }))).onConflictDoNothing();
    const again = await tx.select({ id: conversations.id, n: conversations.phoneNumberId, c: conversations.contactId }).from(conversations).where(inArray(conversations.contactId, [...new Set([...missing.values()].map((v) => v.contactId))]));
    for (const r of again) convOf.set(pairKey(r.n, r.c), r.id);
  }

  const inserted = await tx
    .insert(messages)
    .values(
      fresh.map((m) => ({
        wamid: m.wamid,
        conversationId: convOf.get(pairKey(numberOf.get(m.phoneNumberId)!, contactOf.get(m)!))!,
        direction: 'in',
        type: m.type,
        content: m.message,
        contextWamid: m.contextWamid,
        status: 'received',
        at: m.at,
        createdAt: now,
      })),
    )
    .onConflictDoNothing({ target: messages.wamid })
    .returning({ id: messages.id, wamid: messages.wamid, conversationId: messages.conversationId });

  // Window, unread count and referral per conversation, folded in memory and written in one statement.
  const eventOf = new Map(fresh.map((m) => [m.wamid, m]));
  const perConv = new Map<string, { at: Date | null; unread: number; referral: Record<string, unknown> | null; referralAt: Date | null; last: Date }>();
  const media: (typeof mediaFiles.$inferInsert)[] = [];
  const keywordCandidates: KeywordCandidate[] = [];
  for (const row of inserted) {
    const m = eventOf.get(row.wamid!)!;
    keywordCandidates.push({ messageId: row.id, contactId: contactOf.get(m)!, conversationId: row.conversationId, message: m.message, at: m.at });
    const agg = perConv.get(row.conversationId) ?? { at: null, unread: 0, referral: null, referralAt: null, last: m.at };
    if (m.type !== 'system' && (agg.at === null || m.at > agg.at)) agg.at = m.at;
    if (m.type !== 'system' && m.type !== 'reaction') agg.unread++;
    if (m.type !== 'system' && m.at > agg.last) agg.last = m.at;
    if (m.referral && (agg.referralAt === null || m.at >= agg.referralAt)) {
      agg.referral = m.referral;
      agg.referralAt = m.at;
    }
    perConv.set(row.conversationId, agg);
    const obj = MEDIA_TYPES.has(m.type) ? (m.message[m.type] as Record<string, unknown> | undefined) : undefined;
    if (obj && typeof obj.id === 'string') {
      media.push({
        messageId: row.id,
        metaMediaId: obj.id,
        phoneNumberId: numberOf.get(m.phoneNumberId)!,
        mimeType: typeof obj.mime_type === 'string' ? obj.mime_type : null,
        sha256: typeof obj.sha256 === 'string' ? obj.sha256 : null,
        notBefore: now,
      });
    }
    emitted.push(['message.created', { messageId: row.id, conversationId: row.conversationId, direction: 'in' }]);
  }
  const updates = [...perConv.entries()].filter(([, a]) => a.at !== null);
  if (updates.length) {
    const rows = sql.join(
      updates.map(
        ([id, a]) =>
          sql`(${id}::uuid, ${a.at!.toISOString()}::timestamptz, ${a.unread}::int, ${a.referral ? JSON.stringify(a.referral) : null}::jsonb, ${a.referralAt?.toISOString() ?? null}::timestamptz)`,
      ),
      sql`, `,
    );
    // greatest() keeps the window from moving backwards on late or repeated deliveries.
    await tx.execute(sql`
      update conversations as c set
        last_inbound_at = greatest(c.last_inbound_at, v.at),
        window_expires_at = greatest(c.window_expires_at, v.at + interval '24 hours'),
        last_message_at = greatest(c.last_message_at, v.at),
        unread_count = c.unread_count + v.unread,
        state = case when c.state = 'resolved' then 'open' else c.state end,
        referral = coalesce(v.referral, c.referral),
        referral_at = greatest(c.referral_at, v.referral_at)
      from (values ${rows}) as v(id, at, unread, referral, referral_at)
      where c.id = v.id`);
    await refreshInboundEngagement(tx, { conversationIds: updates.map(([id]) => id) });
  }
  if (media.length) await tx.insert(mediaFiles).values(media).onConflictDoNothing();
  for (const k of await applyConsentKeywords(tx, keywordCandidates)) emitted.push(['consent.keyword', k]);
  for (const id of perConv.keys()) emitted.push(['conversation.updated', { conversationId: id }]);
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function stateOf(row: { status: string; sentAt: Date | null; deliveredAt: Date | null; readAt: Date | null; playedAt: Date | null; failedAt: Date | null; errors: unknown }): StatusState {
  const status = (['accepted', 'sent', 'delivered', 'read', 'played', 'failed'] as const).includes(row.status as OutboundStatus) ? (row.status as OutboundStatus) : 'accepted';
  return { status, sent_at: row.sentAt, delivered_at: row.deliveredAt, read_at: row.readAt, played_at: row.playedAt, failed_at: row.failedAt, errors: (row.errors as StatusState['errors']) ?? null };
}

/** Merge statuses of known messages in one read and one write; returns those left for the careful path. */
async function applyStatuses(tx: Db, statuses: StatusEvent[], emitted: Emitted[]): Promise<StatusEvent[]> {
  const wamids = [...new Set(statuses.map((s) => s.wamid))];
  const rows = await tx
    .select({
      id: messages.id, wamid: messages.wamid, conversationId: messages.conversationId, type: messages.type, status: messages.status, sentAt: messages.sentAt,
      deliveredAt: messages.deliveredAt, readAt: messages.readAt, playedAt: messages.playedAt, failedAt: messages.failedAt, errors: messages.errors, pricing: messages.pricing,
    })
    .from(messages)
    .where(and(inArray(messages.wamid, wamids), eq(messages.direction, 'out')));
  const byWamid = new Map(rows.map((r) => [r.wamid!, r]));
  const left: StatusEvent[] = [];
  const merged = new Map<string, { row: (typeof rows)[number]; state: StatusState; changed: boolean; statusChanged: boolean; pricing: unknown }>();
  for (const s of statuses) {
    const row = byWamid.get(s.wamid);
    if (!row) {
      left.push(s);
      continue;
    }
    if (!TRACKED.has(s.status as OutboundStatus)) continue;
    const cur = merged.get(row.id) ?? { row, state: stateOf(row), changed: false, statusChanged: false, pricing: row.pricing };
    const m = mergeStatus(cur.state, { status: s.status as OutboundStatus, at: s.at, ...(s.errors ? { errors: s.errors } : {}) });
    cur.state = m.state;
    cur.changed ||= m.changed;
    cur.statusChanged ||= m.statusChanged;
    if (s.pricing && !cur.pricing) {
      cur.pricing = s.pricing;
      cur.changed = true;
    }
    merged.set(row.id, cur);
  }
  const changed = [...merged.values()].filter((m) => m.changed);
  if (changed.length) {
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const values = sql.join(
      changed.map(
        ({ row, state, pricing }) =>
          sql`(${row.id}::uuid, ${state.status}, ${iso(state.sent_at)}::timestamptz, ${iso(state.delivered_at)}::timestamptz, ${iso(state.read_at)}::timestamptz, ${iso(state.played_at)}::timestamptz, ${iso(state.failed_at)}::timestamptz, ${state.errors ? JSON.stringify(state.errors) : null}::jsonb, ${pricing ? JSON.stringify(pricing) : null}::jsonb)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      update messages as m set status = v.status, sent_at = v.sent_at, delivered_at = v.delivered_at, read_at = v.read_at,
        played_at = v.played_at, failed_at = v.failed_at, errors = v.errors, pricing = v.pricing
      from (values ${values}) as v(id, status, sent_at, delivered_at, read_at, played_at, failed_at, errors, pricing)
      where m.id = v.id`);
    for (const { row, state, statusChanged } of changed) {
      if (statusChanged) emitted.push(['message.status', { messageId: row.id, conversationId: row.conversationId, status: state.status }]);
    }
    const engaged = changed.filter(({ row, state }) => row.type === 'template' && (!sameTime(row.deliveredAt, state.delivered_at) || !sameTime(row.readAt, state.read_at)));
    await refreshTemplateEngagement(tx, { conversationIds: engaged.map(({ row }) => row.conversationId) });
  }
  return left;
}
