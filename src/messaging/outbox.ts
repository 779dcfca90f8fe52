// The outbox (DESIGN §4 "Outbound"): every send passes preflight and becomes a `messages` row plus an
// `outbound_messages` row with the same id, committed together; the dispatcher's lanes send it later.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { consentOf } from '../crm/consent.ts';
import { suppressed } from '../crm/suppressions.ts';
import { preflight, type ConsentState, type PreflightInput, type TemplateFacts } from '../core/preflight.ts';
import { FEP_MS } from '../core/window.ts';
import { countryOfPhone, parseBsuid, parsePhone } from '../core/phone.ts';
import { contacts, conversations, messages, outboundMessages, phoneNumbers } from './schema.ts';
import { resolveContact, type ContactRow } from './contacts.ts';
import { getOrCreateConversation, type ConversationRow } from './conversations.ts';
import type { PhoneNumberRow } from './numbers.ts';
import { libraryFacts } from '../templates/facts.ts';

export type MessageRow = typeof messages.$inferSelect;
export type OutboundRow = typeof outboundMessages.$inferSelect;

/**
 * Facts preflight needs that other capabilities own (templates, consent). Defaults: templates come from the
 * stored library (src/templates, synced from the Cloud API once when missing); consent is "unknown" until the
 * compliance capability records it (so marketing templates are refused, utility and service go through).
 */
export interface OutboundFacts {
  template(ctx: AppContext, number: PhoneNumberRow, name: string, language: string): Promise<TemplateFacts | null>;
  consent(ctx: AppContext, contact: ContactRow): Promise<{ marketing: ConsentState; utility?: ConsentState }>;
}

export interface EnqueueInput {
  /** Our phone_numbers.id (uuid). */
  phoneNumberId: string;
  /** A phone number; without "+", the sender's country is assumed (as Meta does). */
  to?: string;
  /** A business-scoped user ID (spec §9). */
  recipient?: string;
  contactId?: string;
  /** The Cloud API body without messaging_product/to/recipient: { type, <type>: {...}, context? }. */
  body: Record<string, unknown>;
  /** Lower goes first (0 = agent replies; campaigns use higher numbers). */
  priority?: number;
  /** Do not send before this time (scheduling). */
  notBefore?: Date;
}

export interface EnqueueOptions {
  facts?: Partial<OutboundFacts>;
  /** Nudges the local dispatcher so the message goes out without waiting for its next poll. */
  wake?: () => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rows of a raw query on either driver (both return { rows }). */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// --- default facts ---

export const defaultFacts: OutboundFacts = {
  // --- templates capability (issue 7): the stored library per WABA, synced from the Cloud API once when missing ---
  async template(ctx, number, name, language) {
    return libraryFacts(ctx, number, name, language);
  },
  // --- end templates capability ---
  async consent(ctx, contact) {
    const c = await consentOf(ctx.store.db, contact.id);
    return { marketing: c.marketing, utility: c.utility };
  },
};

// --- enqueue ---

async function loadNumber(db: Db, id: string): Promise<PhoneNumberRow> {
  const [row] = UUID.test(id) ? await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)) : [];
  if (!row) throw new HttpError(404, 'number_not_found', `There is no sender number ${id}. List numbers with GET /api/v1/numbers.`);
  return row;
}

async function resolveRecipient(ctx: AppContext, number: PhoneNumberRow, input: EnqueueInput): Promise<ContactRow> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  if (input.contactId) {
    const [c] = UUID.test(input.contactId) ? await db.select().from(contacts).where(eq(contacts.id, input.contactId)) : [];
    if (!c) throw new HttpError(404, 'contact_not_found', `There is no contact ${input.contactId}.`);
    return c;
  }
  let waId: string | null = null;
  if (input.to) {
    const hasPlus = input.to.trim().startsWith('+');
    const sender = countryOfPhone(number.displayPhoneNumber.replace(/\D/g, ''));
    // Without "+", Meta prepends the sender's country code (spec §1.1); people also type international numbers
    // without "+", so that reading is tried when the national one is not a valid number.
    let parsed = parsePhone(input.to, hasPlus || !sender ? {} : { defaultCountry: sender });
    if (!parsed.ok && !hasPlus) {
      const international = parsePhone(`+${input.to.replace(/\D/g, '')}`);
      if (international.ok) parsed = international;
    }
    if (!parsed.ok) {
      throw new HttpError(422, 'invalid_recipient', `${parsed.error.message} Give the number with "+" and the country code, e.g. +34612345678.`, {
        field: 'to',
        code: parsed.error.code,
      });
    }
    waId = parsed.value.waId;
  }
  let bsuid: string | null = null;
  if (input.recipient) {
    const parsed = parseBsuid(input.recipient);
    if (!parsed.ok) throw new HttpError(422, 'invalid_recipient', parsed.error.message, { field: 'recipient' });
    bsuid = input.recipient.trim();
  }
  if (!waId && !bsuid) {
    throw new HttpError(400, 'recipient_required', 'Say who receives the message: "to" (a phone number), "recipient" (a business-scoped user ID) or "contactId".', {
      field: 'to',
    });
  }
  return resolveContact(db, { waId, bsuid }, now);
}

/** Spec §9: the phone when known (Meta advises it and `to` wins anyway), else the BSUID. */
export function addressOf(contact: ContactRow): { to: string } | { recipient: string } | null {
  if (contact.waId) return { to: `+${contact.waId}` };
  if (contact.e164) return { to: contact.e164 };
  if (contact.bsuid) return { recipient: contact.bsuid };
  if (contact.parentBsuid) return { recipient: contact.parentBsuid };
  return null;
}

function recipientKeyOf(contact: ContactRow): string {
  return contact.waId ?? contact.e164 ?? contact.bsuid ?? contact.parentBsuid ?? contact.id;
}

/** A message_id given as our uuid becomes its wamid (callers may not know Meta's id). */
async function toWamid(db: Db, conversationId: string, id: string, field: string): Promise<{ wamid: string; target: MessageRow | null }> {
  if (UUID.test(id)) {
    const [m] = await db.select().from(messages).where(eq(messages.id, id));
    if (!m) throw new HttpError(422, 'target_not_found', `There is no message ${id} to point ${field} at.`, { field });
    if (!m.wamid) {
      throw new HttpError(422, 'target_not_sent', `Message ${id} has not been accepted by WhatsApp yet, so it has no WhatsApp id to point ${field} at. Try again in a moment.`, { field });
    }
    return { wamid: m.wamid, target: m.conversationId === conversationId ? m : null };
  }
  const [m] = await db.select().from(messages).where(eq(messages.wamid, id));
  return { wamid: id, target: m ?? null };
}

/** FEP facts as core/window.ts wants them: our first reply is the start of the stored FEP, if it followed the referral. */
export function fepFacts(conv: Pick<ConversationRow, 'referralAt' | 'fepExpiresAt'>): { referralAt: Date | null; firstReplyAt: Date | null } {
  const start = conv.fepExpiresAt ? new Date(conv.fepExpiresAt.getTime() - FEP_MS) : null;
  const firstReplyAt = start && conv.referralAt && start.getTime() >= conv.referralAt.getTime() ? start : null;
  return { referralAt: conv.referralAt, firstReplyAt };
}

/**
 * Check a send and queue it. Refusals are HttpError 422 with preflight's code and words; the accepted message
 * is committed (messages + outbound_messages in one transaction) before this returns.
 */
export async function enqueueMessage(ctx: AppContext, input: EnqueueInput, options: EnqueueOptions = {}): Promise<MessageView> {
  const facts: OutboundFacts = { ...defaultFacts, ...options.facts };
  const db = ctx.store.db;
  const number = await loadNumber(db, input.phoneNumberId);
  const contact = await resolveRecipient(ctx, number, input);
  const address = addressOf(contact);
  if (!address) throw new HttpError(422, 'recipient_unreachable', 'This contact has neither a phone number nor a WhatsApp user ID; add one first.');
  const now = ctx.clock.now();
  const blocked = await suppressed(db, [contact.waId, contact.bsuid]);
  if (blocked.size > 0) {
    throw new HttpError(422, 'recipient_suppressed', 'This contact is on the suppression list and must not be messaged. Remove them from the list only if they asked to be contacted again.', { contactId: contact.id });
  }
  const conversation = await getOrCreateConversation(db, number.id, contact.id, now);

  const rest: Record<string, unknown> = { ...input.body };
  delete rest.messaging_product;
  delete rest.to;
  delete rest.recipient;
  delete rest.biz_opaque_callback_data; // ours, per attempt
  let target: MessageRow | null = null;
  if (isRecord(rest.context) && typeof rest.context.message_id === 'string') {
    const r = await toWamid(db, conversation.id, rest.context.message_id, 'context.message_id');
    rest.context = { ...rest.context, message_id: r.wamid };
  }
  if (rest.type === 'reaction' && isRecord(rest.reaction) && typeof rest.reaction.message_id === 'string') {
    const r = await toWamid(db, conversation.id, rest.reaction.message_id, 'reaction.message_id');
    rest.reaction = { ...rest.reaction, message_id: r.wamid };
    target = r.target;
  }
  const sendBody: Record<string, unknown> = { recipient_type: 'individual', ...address, ...rest };

  let template: TemplateFacts | null = null;
  if (sendBody.type === 'template' && isRecord(sendBody.template)) {
    const t = sendBody.template;
    const lang = isRecord(t.language) && typeof t.language.code === 'string' ? t.language.code : '';
    if (typeof t.name === 'string' && lang) template = await facts.template(ctx, number, t.name, lang);
  }
  const pre: PreflightInput = {
    body: { messaging_product: 'whatsapp', ...sendBody },
    conversation: { lastCustomerMessageAt: conversation.lastInboundAt, fep: fepFacts(conversation) },
    template,
    consent: await facts.consent(ctx, contact),
    recipient: { phone: contact.e164 ?? (contact.waId ? `+${contact.waId}` : null), bsuid: contact.bsuid, bsuidOnly: !contact.waId && !contact.e164 },
    target: target ? { at: target.at, direction: target.direction === 'in' ? 'inbound' : 'outbound', type: target.type } : null,
    now,
  };
  const result = preflight(pre);
  if (!result.ok) {
    throw new HttpError(422, result.refusal.code, result.refusal.message, { ...result.refusal.details, conversationId: conversation.id, contactId: contact.id });
  }

  const id = randomUUID();
  const type = String(sendBody.type);
  const contextWamid = isRecord(sendBody.context) && typeof sendBody.context.message_id === 'string' ? sendBody.context.message_id : null;
  const notBefore = input.notBefore && input.notBefore.getTime() > now.getTime() ? input.notBefore : now;
  const row = await db.transaction(async (tx) => {
    const [m] = await tx
      .insert(messages)
      .values({ id, conversationId: conversation.id, direction: 'out', type, content: sendBody, contextWamid, status: 'queued', at: now, createdAt: now })
      .returning();
    await tx.insert(outboundMessages).values({
      id,
      phoneNumberId: number.id,
      recipientKey: recipientKeyOf(contact),
      body: sendBody,
      state: 'queued',
      notBefore,
      priority: input.priority ?? 0,
      createdAt: now,
      updatedAt: now,
    });
    await tx
      .update(conversations)
      .set({ lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${now.toISOString()}::timestamptz)` })
      .where(eq(conversations.id, conversation.id));
    return m!;
  });
  ctx.events.emit('message.created', { messageId: id, conversationId: conversation.id, direction: 'out' });
  options.wake?.();
  return messageView(row, { state: 'queued', attempts: 0, notBefore, lastError: null }, { contactId: contact.id, phoneNumberId: number.id });
}

// --- reconciliation and fenced state changes (used by the dispatcher and the inbound processor) ---

/**
 * A status webhook carried our id (biz_opaque_callback_data) and a wamid: the send reached Meta. Marks the outbox
 * row accepted if it was still `sending` (crash before we saw the answer) or re-`queued` for a resend, and sets
 * messages.wamid when still unknown. Returns true when the outbox row changed. Safe to call for every status.
 */
export async function reconcileFromStatus(db: Db, ourId: string, wamid: string): Promise<boolean> {
  if (!UUID.test(ourId)) return false;
  const changed = await rowsOf<{ id: string }>(
    db,
    sql`update outbound_messages set state = 'accepted', updated_at = now()
        where id = ${ourId}::uuid and state in ('sending', 'queued') returning id`,
  );
  // Another message row cannot hold this wamid (unique): only set it when nobody has it yet.
  await db.execute(sql`update messages set wamid = ${wamid},
        status = case when status = 'queued' then 'accepted' else status end
      where id = ${ourId}::uuid and wamid is null
        and not exists (select 1 from messages other where other.wamid = ${wamid})`);
  return changed.length > 0;
}

// --- read side ---

export interface OutboxFacts {
  state: string;
  attempts: number;
  notBefore: Date;
  lastError: unknown;
}

export interface MessageView {
  id: string;
  conversationId: string;
  contactId?: string;
  phoneNumberId?: string;
  direction: 'in' | 'out';
  type: string;
  status: string;
  wamid: string | null;
  content: unknown;
  contextWamid: string | null;
  at: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  /** Meta's (or our) errors, each with what happened and what to do, in words. */
  errors: unknown[] | null;
  /** One sentence for people: why it failed and what to do. */
  errorText: string | null;
  outbound: { state: string; attempts: number; nextAttemptAt: string | null; lastError: unknown } | null;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

function errorText(errors: unknown): string | null {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const e = errors[0] as Record<string, unknown>;
  const expl = isRecord(e.explanation) && typeof e.explanation.en === 'string' ? e.explanation.en : null;
  const advice = isRecord(e.advice) && typeof e.advice.en === 'string' ? e.advice.en : null;
  const code = typeof e.code === 'number' ? ` (WhatsApp error ${e.code}${typeof e.title === 'string' ? `: ${e.title}` : ''})` : '';
  if (expl) return `${expl}${code} ${advice ?? ''}`.trim();
  const title = typeof e.title === 'string' ? e.title : typeof e.message === 'string' ? e.message : 'Unknown error';
  const details = isRecord(e.error_data) && typeof e.error_data.details === 'string' ? ` ${e.error_data.details}` : typeof e.details === 'string' ? ` ${e.details}` : '';
  return `${title}${code.replace(/: .*\)$/, ')')}.${details}`.trim();
}

export function messageView(m: MessageRow, o: OutboxFacts | null, extra: { contactId?: string; phoneNumberId?: string } = {}): MessageView {
  const errors = Array.isArray(m.errors) ? (m.errors as unknown[]) : null;
  return {
    id: m.id,
    conversationId: m.conversationId,
    ...extra,
    direction: m.direction === 'in' ? 'in' : 'out',
    type: m.type,
    status: m.status,
    wamid: m.wamid,
    content: m.content,
    contextWamid: m.contextWamid,
    at: m.at.toISOString(),
    sentAt: iso(m.sentAt),
    deliveredAt: iso(m.deliveredAt),
    readAt: iso(m.readAt),
    failedAt: iso(m.failedAt),
    errors,
    errorText: errorText(errors),
    outbound: o
      ? { state: o.state, attempts: o.attempts, nextAttemptAt: o.state === 'queued' ? o.notBefore.toISOString() : null, lastError: o.lastError }
      : null,
  };
}

export async function getMessage(db: Db, id: string): Promise<MessageView | null> {
  if (!UUID.test(id)) return null;
  const [r] = await db
    .select({ m: messages, o: outboundMessages })
    .from(messages)
    .leftJoin(outboundMessages, eq(outboundMessages.id, messages.id))
    .where(or(eq(messages.id, id)));
  if (!r) return null;
  return messageView(r.m, r.o);
}

export async function getMessageByIdOrWamid(db: Db, idOrWamid: string): Promise<MessageRow | null> {
  const [r] = await db
    .select()
    .from(messages)
    .where(UUID.test(idOrWamid) ? eq(messages.id, idOrWamid) : eq(messages.wamid, idOrWamid));
  return r ?? null;
}

/** Cursor = "<at ISO>|<id>" of the last item seen; newest first. */
export async function listConversationMessages(
  db: Db,
  conversationId: string,
  page: { cursor?: string; limit: number },
): Promise<{ items: MessageView[]; nextCursor: string | null }> {
  let after: SQL | undefined;
  if (page.cursor) {
    const [atText, id] = page.cursor.split('|');
    const at = new Date(atText ?? '');
    if (!id || !UUID.test(id) || Number.isNaN(at.getTime())) {
      throw new HttpError(400, 'invalid_cursor', 'The cursor is not one this API gave out; start again without it.', { field: 'querystring.cursor' });
    }
    after = or(lt(messages.at, at), and(eq(messages.at, at), lt(messages.id, id)));
  }
  const rows = await db
    .select({ m: messages, o: outboundMessages })
    .from(messages)
    .leftJoin(outboundMessages, eq(outboundMessages.id, messages.id))
    .where(and(eq(messages.conversationId, conversationId), after))
    .orderBy(desc(messages.at), desc(messages.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map((r) => messageView(r.m, r.o));
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  return { items, nextCursor: last ? `${last.m.at.toISOString()}|${last.m.id}` : null };
}

export async function conversationExists(db: Db, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const [c] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id));
  return !!c;
}
