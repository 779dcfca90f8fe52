import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppContext, DomainEventMap } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { isDeadlock } from '../store/errors.ts';
import { mergeStatus, type OutboundStatus, type StatusState } from '../core/status.ts';
import { parseWebhook, type AccountEvent, type InboundMessageEvent, type ParseResult, type StatusEvent, type SystemErrorEvent, type WebhookEvent } from '../whatsapp/webhook-events.ts';
import { applyBatch, lockContacts, takeContacts } from './batch-apply.ts';
import { applyConsentKeywords } from '../crm/consent.ts';
import { refreshInboundEngagement, refreshTemplateEngagement } from '../crm/engagement.ts';
import { resolveContact } from './contacts.ts';
import { getOrCreateConversation, recordInbound } from './conversations.ts';
import { applyTemplateEvent } from '../templates/events.ts';
import { accountEvents, mediaFiles, messages, outboundMessages, pendingStatuses, phoneNumbers, webhookEvents } from './schema.ts';

type Emitted = { [K in keyof DomainEventMap]: [K, DomainEventMap[K]] }[keyof DomainEventMap];

/** A problem that retrying cannot fix (bad payload, unknown number): recorded on the event, replayable later. */
class PermanentError extends Error {}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const STATUSES = new Set<OutboundStatus>(['sent', 'delivered', 'read', 'played', 'failed']);
const MAX_ATTEMPTS = 5;
const DEADLOCK_RETRIES = 3;

interface ApplyContext {
  tx: Db;
  now: Date;
  emitted: Emitted[];
  notes: string[];
  numbers: Map<string, { id: string } | null>;
}

async function numberFor(a: ApplyContext, phoneNumberId: string): Promise<{ id: string }> {
  let n = a.numbers.get(phoneNumberId);
  if (n === undefined) {
    const [row] = await a.tx.select({ id: phoneNumbers.id }).from(phoneNumbers).where(eq(phoneNumbers.phoneNumberId, phoneNumberId));
    n = row ?? null;
    a.numbers.set(phoneNumberId, n);
  }
  if (!n) {
    throw new PermanentError(
      `phone_number_id ${phoneNumberId} is not a registered number: add it with POST /api/v1/numbers, then replay this event (POST /admin/webhooks/replay).`,
    );
  }
  return n;
}

/**
 * The contact before its conversation and messages, as the batch path does (lockContacts in batch-apply.ts):
 * otherwise this path would lock a conversation, then the contact for its roll-ups, against a batch that holds
 * the contact and wants the conversation.
 */
async function lockContact(tx: Db, by: { contactId: string } | { conversationId: string }): Promise<void> {
  if ('contactId' in by) await lockContacts(tx, [by.contactId]);
  else await tx.execute(sql`select c.id from contacts c join conversations cv on cv.contact_id = c.id where cv.id = ${by.conversationId}::uuid for no key update of c`);
}

async function applyMessage(a: ApplyContext, ev: InboundMessageEvent): Promise<void> {
  const number = await numberFor(a, ev.phoneNumberId);
  const contact = await resolveContact(a.tx, ev.identity, a.now);
  await lockContact(a.tx, { contactId: contact.id });
  const conversation = await getOrCreateConversation(a.tx, number.id, contact.id, a.now);
  const [inserted] = await a.tx
    .insert(messages)
    .values({
      wamid: ev.wamid,
      conversationId: conversation.id,
      direction: 'in',
      type: ev.type,
      content: ev.message,
      contextWamid: ev.contextWamid,
      status: 'received',
      at: ev.at,
      createdAt: a.now,
    })
    .onConflictDoNothing({ target: messages.wamid })
    .returning({ id: messages.id });
  if (!inserted) return; // a redelivery: already applied
  // Any customer message opens or extends the window; a system notice is not the customer writing.
  if (ev.type !== 'system') {
    await recordInbound(a.tx, conversation.id, ev.at, { referral: ev.referral ?? undefined, countsAsUnread: ev.type !== 'reaction' });
    await refreshInboundEngagement(a.tx, { conversationIds: [conversation.id] });
  }
  const media = MEDIA_TYPES.has(ev.type) ? (ev.message[ev.type] as Record<string, unknown> | undefined) : undefined;
  if (media && typeof media.id === 'string') {
    await a.tx
      .insert(mediaFiles)
      .values({
        messageId: inserted.id,
        metaMediaId: media.id,
        phoneNumberId: number.id,
        mimeType: typeof media.mime_type === 'string' ? media.mime_type : null,
        sha256: typeof media.sha256 === 'string' ? media.sha256 : null,
        notBefore: a.now,
      })
      .onConflictDoNothing();
  }
  const keywords = await applyConsentKeywords(a.tx, [{ messageId: inserted.id, contactId: contact.id, conversationId: conversation.id, message: ev.message, at: ev.at }]);
  for (const k of keywords) a.emitted.push(['consent.keyword', k]);
  a.emitted.push(['message.created', { messageId: inserted.id, conversationId: conversation.id, direction: 'in' }]);
  a.emitted.push(['conversation.updated', { conversationId: conversation.id }]);
}

function stateOf(row: typeof messages.$inferSelect): StatusState {
  const status = (['accepted', 'sent', 'delivered', 'read', 'played', 'failed'] as const).includes(row.status as OutboundStatus)
    ? (row.status as OutboundStatus)
    : 'accepted';
  return {
    status,
    sent_at: row.sentAt,
    delivered_at: row.deliveredAt,
    read_at: row.readAt,
    played_at: row.playedAt,
    failed_at: row.failedAt,
    errors: (row.errors as StatusState['errors']) ?? null,
  };
}

/** Merge one status into its message; false when the message is not known yet. */
async function mergeInto(a: ApplyContext, ev: Pick<StatusEvent, 'wamid' | 'ourId' | 'status' | 'at' | 'errors' | 'pricing'>): Promise<boolean> {
  let [row] = await a.tx.select().from(messages).where(and(eq(messages.wamid, ev.wamid), eq(messages.direction, 'out')));
  if (!row && ev.ourId) {
    // The status carries our id: the send was accepted even if we never saw the HTTP answer (crash).
    [row] = await a.tx.select().from(messages).where(and(eq(messages.id, ev.ourId), eq(messages.direction, 'out')));
    if (row && row.wamid === null) {
      await a.tx.update(messages).set({ wamid: ev.wamid }).where(and(eq(messages.id, row.id), isNull(messages.wamid)));
      row = { ...row, wamid: ev.wamid };
    }
    if (row) {
      await a.tx
        .update(outboundMessages)
        .set({ state: 'accepted', updatedAt: a.now })
        .where(and(eq(outboundMessages.id, row.id), inArray(outboundMessages.state, ['queued', 'sending'])));
    }
  }
  if (!row) return false;
  if (!STATUSES.has(ev.status as OutboundStatus)) {
    a.notes.push(`status "${ev.status}" for ${ev.wamid} is not one we track; kept in the raw event only`);
    return true;
  }
  const merge = mergeStatus(stateOf(row), { status: ev.status as OutboundStatus, at: ev.at, ...(ev.errors ? { errors: ev.errors } : {}) });
  const set: Partial<typeof messages.$inferInsert> = {};
  if (merge.set.status) set.status = merge.set.status;
  if (merge.set.sent_at) set.sentAt = merge.set.sent_at;
  if (merge.set.delivered_at) set.deliveredAt = merge.set.delivered_at;
  if (merge.set.read_at) set.readAt = merge.set.read_at;
  if (merge.set.played_at) set.playedAt = merge.set.played_at;
  if (merge.set.failed_at) set.failedAt = merge.set.failed_at;
  if (merge.set.errors) set.errors = merge.set.errors;
  // Pricing comes on `sent` and on one of delivered/read with the same facts; the first one is kept.
  if (ev.pricing && !row.pricing) set.pricing = ev.pricing;
  if (Object.keys(set).length === 0) return true;
  await lockContact(a.tx, { conversationId: row.conversationId });
  await a.tx.update(messages).set(set).where(eq(messages.id, row.id));
  if (row.type === 'template' && (set.deliveredAt || set.readAt)) await refreshTemplateEngagement(a.tx, { conversationIds: [row.conversationId] });
  if (merge.statusChanged) {
    a.emitted.push(['message.status', { messageId: row.id, conversationId: row.conversationId, status: merge.state.status }]);
  }
  return true;
}

async function applyStatus(a: ApplyContext, ev: StatusEvent): Promise<void> {
  await numberFor(a, ev.phoneNumberId);
  if (await mergeInto(a, ev)) return;
  // Status before its message (we have not recorded the wamid yet): keep it for later.
  await a.tx.insert(pendingStatuses).values({
    wamid: ev.wamid,
    ourId: ev.ourId,
    status: { status: ev.status, at: ev.at.toISOString(), errors: ev.errors, pricing: ev.pricing },
    receivedAt: a.now,
  });
}

function dedupeKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function applyAccount(a: ApplyContext, ev: AccountEvent): Promise<void> {
  const [inserted] = await a.tx
    .insert(accountEvents)
    .values({ wabaId: ev.wabaId, field: ev.field, value: ev.value, at: ev.at ?? a.now, dedupeKey: dedupeKey([ev.wabaId, ev.field, ev.at?.getTime(), ev.value]) })
    .onConflictDoNothing()
    .returning({ id: accountEvents.id });
  if (!inserted) return;
  // Templates capability (issue 7): status/category/quality webhooks update the library in this transaction; events after commit.
  for (const t of await applyTemplateEvent(a.tx, { field: ev.field, wabaId: ev.wabaId, value: ev.value, at: ev.at ?? a.now })) a.emitted.push(['template.updated', t]);
  if (ev.field === 'phone_number_quality_update') {
    const display = typeof ev.value.display_phone_number === 'string' ? ev.value.display_phone_number.replace(/\D/g, '') : null;
    const tier = typeof ev.value.current_limit === 'string' ? ev.value.current_limit : null;
    if (display && tier) {
      await a.tx
        .update(phoneNumbers)
        .set({ messagingLimitTier: tier, updatedAt: a.now })
        .where(sql`regexp_replace(${phoneNumbers.displayPhoneNumber}, '\\D', '', 'g') = ${display}`);
    }
  }
  a.emitted.push(['account.event', { field: ev.field, wabaId: ev.wabaId }]);
}

async function applyErrors(a: ApplyContext, ev: SystemErrorEvent): Promise<void> {
  await applyAccount(a, { kind: 'account', wabaId: ev.wabaId, field: 'errors', at: null, value: { phone_number_id: ev.phoneNumberId, errors: ev.errors } });
}

/** Apply parsed events one at a time (the reference path, and the fallback of the batch path). */
export async function applyEvents(tx: Db, events: WebhookEvent[], now: Date, emitted: Emitted[], notes: string[] = []): Promise<string[]> {
  const a: ApplyContext = { tx, now, emitted, notes, numbers: new Map() };
  for (const ev of events) {
    if (ev.kind === 'message') await applyMessage(a, ev);
    else if (ev.kind === 'status') await applyStatus(a, ev);
    else if (ev.kind === 'account') await applyAccount(a, ev);
    else await applyErrors(a, ev);
  }
  return a.notes;
}

function parseBody(body: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new PermanentError(`the stored body is not JSON: ${(err as Error).message}`);
  }
  return parseWebhook(json);
}

/** Apply one raw webhook body. Throws PermanentError for what no retry can fix. */
export async function applyWebhookBody(tx: Db, body: string, now: Date, emitted: Emitted[]): Promise<string[]> {
  const parsed = parseBody(body);
  // A body's contacts first, as a batch takes them (one body can name several customers).
  await takeContacts(tx, parsed.events, now);
  return applyEvents(tx, parsed.events, now, emitted, parsed.problems.map((p) => `${p.path}: ${p.message}`));
}

/** Apply statuses that arrived before their message, now that the message is known. */
export async function applyPendingStatuses(tx: Db, now: Date, emitted: Emitted[]): Promise<number> {
  const byWamid = await tx
    .select({ p: pendingStatuses })
    .from(pendingStatuses)
    .innerJoin(messages, eq(messages.wamid, pendingStatuses.wamid))
    .limit(500);
  const byOurId = await tx
    .select({ p: pendingStatuses })
    .from(pendingStatuses)
    .innerJoin(messages, eq(messages.id, pendingStatuses.ourId))
    .limit(500);
  const seen = new Set<number>();
  const a: ApplyContext = { tx, now, emitted, notes: [], numbers: new Map() };
  for (const { p } of [...byWamid, ...byOurId]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    const s = p.status as { status: string; at: string; errors: StatusEvent['errors']; pricing: StatusEvent['pricing'] };
    await mergeInto(a, { wamid: p.wamid ?? '', ourId: p.ourId, status: s.status, at: new Date(s.at), errors: s.errors, pricing: s.pricing });
  }
  if (seen.size > 0) await tx.delete(pendingStatuses).where(inArray(pendingStatuses.id, [...seen]));
  return seen.size;
}

/**
 * Reads webhook_events in order and applies each one in its own savepoint, so one bad event never
 * blocks the rest. On PostgreSQL several processes share the work with FOR UPDATE SKIP LOCKED;
 * every effect is idempotent and order-independent, so that is safe.
 */
export class WebhookProcessor {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly options: { batchSize?: number; pollMs?: number; /** false forces the one-by-one path (tests compare both). */ batch?: boolean } = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle;
  }

  /** Ask for a pass soon (called after each ingest write). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), 0);
  }

  private async loop(): Promise<void> {
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = true;
    let done!: () => void;
    this.idle = new Promise((r) => (done = r));
    try {
      let n: number;
      do {
        this.again = false;
        n = await this.processBatch();
      } while ((n > 0 || this.again) && !this.stopped);
    } catch (err) {
      this.ctx.logger.error({ err }, 'webhook processor pass failed; retrying');
    } finally {
      this.running = false;
      done();
      if (!this.stopped) this.timer = setTimeout(() => void this.loop(), this.options.pollMs ?? 1000);
    }
  }

  /** Process up to one batch; returns how many events were handled. */
  async processBatch(): Promise<number> {
    const { store, clock } = this.ctx;
    // PGlite has one connection: a long batch would hold webhook acks behind it (50 keeps the worst ack < 0.2 s).
    const limit = this.options.batchSize ?? (store.engine === 'postgres' ? 500 : 50);
    const emitted: Emitted[] = [];
    const handled = await store.db.transaction(async (tx) => {
      const claim = tx
        .select({ id: webhookEvents.id, body: webhookEvents.body, attempts: webhookEvents.attempts })
        .from(webhookEvents)
        .where(isNull(webhookEvents.processedAt))
        .orderBy(asc(webhookEvents.id))
        .limit(limit);
      const rows = store.engine === 'postgres' ? await claim.for('update', { skipLocked: true }) : await claim;
      const now = clock.now();
      if (rows.length > 1 && this.options.batch !== false && (await this.applyFast(tx, rows, now, emitted))) {
        // done: every row applied and marked in a few statements
      } else {
        await this.applyOneByOne(tx, rows, now, emitted);
      }
      if (rows.length > 0) await applyPendingStatuses(tx, now, emitted);
      return rows.length;
    });
    for (const [name, payload] of emitted) this.ctx.events.emit(name, payload as never);
    return handled;
  }

  /**
   * The batch path: all bodies' messages and statuses set-based, inside a savepoint. Any failure
   * (unknown number, a body that does not parse, a bug) rolls it back and the caller goes one by one,
   * which isolates the culprit.
   */
  private async applyFast(tx: Db, rows: { id: number; body: string; attempts: number }[], now: Date, emitted: Emitted[]): Promise<boolean> {
    let mine: Emitted[] = [];
    try {
      const apply = () =>
        tx.transaction(async (sp) => {
          mine = [];
          const parsed = rows.map((r) => parseBody(r.body));
          const events = parsed.flatMap((p) => p.events);
          const left = await applyBatch(sp, events, now, mine);
          const rest = events.filter((e) => e.kind === 'account' || e.kind === 'errors');
          await applyEvents(sp, [...rest, ...left], now, mine);
          return parsed.map((p) => p.problems.map((x) => `${x.path}: ${x.message}`).join('\n') || null);
        });
      // A deadlock with another processor (rare since batches lock their contacts in order; see lockContacts)
      // rolled the savepoint back: the same batch is simply applied again.
      let notes: (string | null)[] | undefined;
      for (let attempt = 1; notes === undefined; attempt++) {
        try {
          notes = await apply();
        } catch (err) {
          if (!isDeadlock(err) || attempt >= DEADLOCK_RETRIES) throw err;
          this.ctx.logger.info({ attempt }, 'batch apply met a deadlock; applying it again');
        }
      }
      const clean = rows.filter((_, i) => notes[i] === null).map((r) => r.id);
      if (clean.length) {
        await tx.update(webhookEvents).set({ processedAt: now, attempts: sql`${webhookEvents.attempts} + 1`, error: null }).where(inArray(webhookEvents.id, clean));
      }
      for (const [i, row] of rows.entries()) {
        if (notes[i] !== null) await tx.update(webhookEvents).set({ processedAt: now, attempts: row.attempts + 1, error: notes[i] }).where(eq(webhookEvents.id, row.id));
      }
      emitted.push(...mine);
      return true;
    } catch (err) {
      this.ctx.logger.debug({ err }, 'batch apply fell back to one-by-one');
      return false;
    }
  }

  private async applyOneByOne(tx: Db, rows: { id: number; body: string; attempts: number }[], now: Date, emitted: Emitted[]): Promise<void> {
    // Every claimed body's contacts at once, in id order, before the first body: each body's own locks would
    // otherwise pile up in body order over the whole transaction, against other processors doing the same.
    if (rows.length > 1) {
      const events = rows.flatMap((r) => {
        try {
          return parseBody(r.body).events;
        } catch {
          return []; // its own savepoint reports it below
        }
      });
      await tx.transaction((sp) => takeContacts(sp, events, now)).catch((err: unknown) => this.ctx.logger.debug({ err }, 'could not lock the contacts of a one-by-one pass up front'));
    }
    for (const row of rows) {
      const mine: Emitted[] = [];
      try {
        const notes = await tx.transaction((sp) => applyWebhookBody(sp, row.body, now, mine));
        await tx
          .update(webhookEvents)
          .set({ processedAt: now, attempts: row.attempts + 1, error: notes.length ? notes.join('\n') : null })
          .where(eq(webhookEvents.id, row.id));
        emitted.push(...mine);
      } catch (err) {
        if (isDeadlock(err)) {
          // Not the event's fault: leave it for the next pass without spending one of its attempts.
          this.ctx.logger.info({ eventId: row.id }, 'webhook event met a deadlock; it will be applied on the next pass');
          continue;
        }
        const permanent = err instanceof PermanentError || row.attempts + 1 >= MAX_ATTEMPTS;
        this.ctx.logger.warn({ err, eventId: row.id, permanent }, 'webhook event could not be applied');
        await tx
          .update(webhookEvents)
          .set({ attempts: row.attempts + 1, error: (err as Error).message, ...(permanent ? { processedAt: now } : {}) })
          .where(eq(webhookEvents.id, row.id));
      }
    }
  }
}

/** Mark stored events for re-application (after a bug fix or a newly registered number). */
export async function replayWebhookEvents(db: Db, range: { fromId?: number; toId?: number; onlyFailed?: boolean }): Promise<number> {
  const conditions = [sql`processed_at is not null`];
  if (range.fromId !== undefined) conditions.push(sql`id >= ${range.fromId}`);
  if (range.toId !== undefined) conditions.push(sql`id <= ${range.toId}`);
  if (range.onlyFailed) conditions.push(sql`error is not null`);
  const rows = await db
    .update(webhookEvents)
    .set({ processedAt: null, attempts: 0 })
    .where(and(...conditions))
    .returning({ id: webhookEvents.id });
  return rows.length;
}
