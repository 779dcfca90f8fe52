import { randomBytes } from 'node:crypto';
import { type Engine } from '../engine.ts';
import { ASYNC_CODES, GraphError, invalid } from '../errors.ts';
import { newWamid } from '../ids.ts';
import { isBsuid, normalizeRecipient } from '../phone.ts';
import { FAILURE_DETAILS, failureCode } from '../rules/delivery.ts';
import { tierLimit } from '../rules/messaging-limit.ts';
import { PAIR_RATE_RULE, takeToken, throughputRule } from '../rules/rate-limits.ts';
import type { ReadRequest, SendRequest } from '../rules/send-request.ts';
import { checkTemplateParameters, findTemplate } from '../rules/template-send.ts';
import type { Template } from '../rules/template-model.ts';
import { fepAfterSend, isWindowOpen } from '../rules/window.ts';
import type { Persona } from '../personas/persona.ts';
import { scheduleStatuses } from './lifecycle.ts';
import type { AcceptedSend, PhoneNumber } from './state.ts';

export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id?: string; user_id?: string }[];
  messages: { id: string; message_status?: 'accepted' }[];
}

const REACTION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** Throughput is checked first: Meta counts every call against the number's level. */
export function takeThroughput(e: Engine, pn: PhoneNumber, now: number): void {
  const r = takeToken(e.world.throughputBuckets.get(pn.id), throughputRule(pn.throughputMps), now);
  e.world.throughputBuckets.set(pn.id, r.bucket);
  if (!r.ok) {
    throw new GraphError(130429, `Message failed to send because there were too many messages sent from this phone number (limit ${pn.throughputMps} messages per second).`);
  }
}

/** POST /{phone_number_id}/messages with a send body: the synchronous half of a send. */
export function acceptSend(e: Engine, pn: PhoneNumber, req: SendRequest, version: string): SendResponse {
  const { world } = e;
  const now = e.clock.now();
  takeThroughput(e, pn, now);

  // Recipient: `to` wins over `recipient` when both are present (spec §9).
  let persona: Persona | undefined;
  let digits: string | undefined;
  let input: string;
  const toBsuid = req.to === undefined;
  if (req.to !== undefined) {
    input = req.to;
    digits = normalizeRecipient(req.to, pn.callingCode);
    if (!digits) throw invalid('to', `"${req.to}" is not a valid WhatsApp phone number`);
    if (digits === pn.displayDigits) throw new GraphError(131021, 'Recipient cannot be the sender phone number.');
    persona = world.personaByPhone(digits);
  } else {
    input = req.recipient as string;
    if (!isBsuid(input)) throw invalid('recipient', `"${input}" is not a valid business-scoped user ID`);
    persona = world.personaByUserId(input);
  }

  for (const id of req.mediaIds) {
    const m = world.media.get(id);
    if (!m || m.deleted) throw invalid(`${req.type}['id']`, `media id ${id} does not exist or has expired`);
  }

  let template: Template | undefined;
  if (req.template) {
    template = findTemplate(world.templatesNamed(req.template.name).filter((t) => t.wabaId === world.waba.id), req.template);
    checkTemplateParameters(template, req.template, toBsuid);
  }

  let injected: number | undefined;
  const fault = world.faults[0];
  if (fault) {
    fault.remaining--;
    if (fault.remaining <= 0) world.faults.shift();
    if (!ASYNC_CODES.has(fault.code)) throw new GraphError(fault.code, fault.details ?? 'Injected by the sandbox control API.');
    injected = fault.code;
  }

  const userKey = persona?.id ?? digits ?? input;
  const pairKey = `${pn.id}:${userKey}`;
  const pair = takeToken(world.pairBuckets.get(pairKey), PAIR_RATE_RULE, now);
  world.pairBuckets.set(pairKey, pair.bucket);
  if (!pair.ok) {
    throw new GraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
  }

  const conv = world.peekConversation(pn.id, userKey);
  const windowOpen = isWindowOpen(conv, now);
  let reactionTargetValid: boolean | undefined;
  if (req.reaction) {
    const target = world.messages.get(req.reaction.messageId);
    reactionTargetValid =
      target !== undefined &&
      target.personaId !== undefined &&
      target.personaId === persona?.id &&
      target.type !== 'reaction' &&
      now - target.at <= REACTION_MAX_AGE_MS;
  }
  const businessInitiated = !windowOpen;
  const limit = tierLimit(world.waba.tier);
  const code =
    injected ??
    failureCode({
      recipientExists: persona !== undefined,
      recipientBlockedBusiness: persona?.blocked ?? false,
      isTemplate: template !== undefined,
      templateCategory: template?.category,
      windowOpen,
      optedOutOfMarketing: persona?.optedOutOfMarketing ?? false,
      overMessagingLimit: businessInitiated && !world.reach.allows(userKey, limit, now),
      reactionTargetValid,
    });

  let fepOpen = false;
  if (code === undefined) {
    if (businessInitiated) world.reach.record(userKey, now);
    const c = world.conversation(pn.id, userKey);
    const fep = fepAfterSend(c, now);
    if (fep !== undefined) {
      c.fepUntil = fep;
      fepOpen = true;
    }
  }

  const wamid = newWamid(digits ?? input);
  const send: AcceptedSend = {
    wamid,
    phoneNumberId: pn.id,
    input,
    recipient: userKey,
    type: req.type,
    content: req.content,
    acceptedAt: now,
    status: 'accepted',
  };
  if (persona) send.personaId = persona.id;
  if (template) {
    send.templateName = template.name;
    send.templateLanguage = template.language;
    send.category = template.category;
  }
  if (req.bizOpaqueCallbackData !== undefined) send.bizOpaqueCallbackData = req.bizOpaqueCallbackData;
  if (req.contextMessageId !== undefined) send.contextMessageId = req.contextMessageId;
  world.recordSend(send);
  world.messages.set(wamid, { wamid, phoneNumberId: pn.id, personaId: persona?.id, direction: 'out', type: req.type, at: now, read: false });

  scheduleStatuses(e, {
    send,
    pn,
    persona,
    digits: digits ?? '',
    version,
    failure: code === undefined ? undefined : { code, details: injected !== undefined ? 'Injected by the sandbox control API.' : FAILURE_DETAILS[code] ?? '' },
    windowOpen,
    fepOpen,
    template,
    interactive: req.interactive,
  });

  const contact = toBsuid ? { input, user_id: input } : { input, wa_id: persona?.waId ?? (digits as string) };
  return {
    messaging_product: 'whatsapp',
    contacts: [contact],
    messages: [template ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
  };
}

/** POST /{phone_number_id}/messages with status "read": marks the thread read up to that message. */
export function markRead(e: Engine, pn: PhoneNumber, req: ReadRequest): { success: true } {
  const now = e.clock.now();
  takeThroughput(e, pn, now);
  const msg = e.world.messages.get(req.messageId);
  if (!msg || msg.direction !== 'in' || msg.phoneNumberId !== pn.id) {
    throw invalid('message_id', `message ${req.messageId} was not received by this phone number`);
  }
  for (const m of e.world.messages.values()) {
    if (m.direction === 'in' && m.personaId === msg.personaId && m.phoneNumberId === pn.id && m.at <= msg.at) m.read = true;
  }
  e.world.reads.push({ messageId: req.messageId, phoneNumberId: pn.id, typingIndicator: req.typingIndicator, at: now });
  return { success: true };
}

export function conversationId(): string {
  return randomBytes(16).toString('hex');
}
