import { createHash } from 'node:crypto';
import { type Engine, metadataOf } from '../engine.ts';
import { GraphError, badParam, invalid, missing } from '../errors.ts';
import { newMediaId, newWamid } from '../ids.ts';
import type { Persona } from '../personas/persona.ts';
import { type Json, isObject } from '../rules/fields.ts';
import { type InboundMessageObject, contactFor, senderFields, unixSeconds } from '../webhooks/payloads.ts';
import { mediaUrl } from './media.ts';
import type { PhoneNumber } from './state.ts';

/** Inbound message types of spec §3.4 a simulated customer can send. */
export const INBOUND_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts',
  'button', 'interactive', 'reaction', 'order', 'system', 'unsupported', 'request_welcome'] as const;

const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

const OPT_OUT = new Set(['BAJA', 'STOP', 'PARAR', 'UNSUBSCRIBE', 'CANCELAR SUSCRIPCION']);
const OPT_IN = new Set(['ALTA', 'START', 'UNSTOP']);

export interface InboundResult {
  wamid: string;
  message: InboundMessageObject;
}

/**
 * A customer sends a message to a business number: builds the webhook message object from a
 * (partial) webhook-shaped input, opens/extends the CSW, applies STOP/BAJA, and emits it.
 */
export function customerSends(e: Engine, persona: Persona, pn: PhoneNumber, input: Json): InboundResult {
  const type = input.type ?? 'text';
  if (typeof type !== 'string' || !(INBOUND_TYPES as readonly string[]).includes(type)) {
    throw badParam(`Param type must be one of {${INBOUND_TYPES.join(', ')}}.`);
  }
  if (persona.blocked && type !== 'system') throw new GraphError(131026, `Persona ${persona.id} has blocked the business.`);
  const now = e.clock.now();
  const wamid = newWamid(persona.waId);
  const msg: InboundMessageObject = { ...senderFields(persona), id: wamid, timestamp: unixSeconds(now), type };

  const payload = isObject(input[type]) ? { ...(input[type] as Json) } : undefined;
  switch (type) {
    case 'text': {
      const body = payload?.body ?? input.text;
      if (typeof body !== 'string' || body === '') throw missing("text['body']");
      msg.text = { body };
      break;
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const p = payload ?? {};
      const mime = typeof p.mime_type === 'string' ? p.mime_type : (DEFAULT_MIME[type] as string);
      let id = typeof p.id === 'string' ? p.id : undefined;
      if (id && !e.world.media.has(id)) throw invalid(`${type}['id']`, `media ${id} does not exist`);
      if (!id) {
        id = newMediaId();
        const bytes = Buffer.from(`sandbox ${type} from ${persona.name}`, 'utf8');
        e.world.media.set(id, {
          id, phoneNumberId: pn.id, mimeType: mime, bytes, deleted: false, createdAt: now,
          sha256: createHash('sha256').update(bytes).digest('base64'),
          ...(typeof p.filename === 'string' ? { filename: p.filename } : {}),
        });
      }
      const media = e.world.media.get(id);
      const obj: Json = { ...p, mime_type: mime, sha256: media?.sha256, id, url: mediaUrl(e, id) };
      if (type === 'audio') obj.voice = p.voice === true;
      if (type === 'sticker') obj.animated = p.animated === true;
      if (type === 'document' && typeof obj.filename !== 'string') obj.filename = 'document.pdf';
      msg[type] = obj;
      break;
    }
    case 'location':
      if (!payload || payload.latitude === undefined || payload.longitude === undefined) throw missing("location['latitude']");
      msg.location = payload;
      break;
    case 'contacts': {
      const list = input.contacts;
      if (!Array.isArray(list) || list.length === 0) throw missing('contacts');
      msg.contacts = list;
      break;
    }
    case 'button':
      if (!payload || typeof payload.text !== 'string') throw missing("button['text']");
      msg.button = { payload: payload.payload ?? payload.text, text: payload.text };
      break;
    case 'interactive': {
      const kind = payload?.type;
      if (kind !== 'button_reply' && kind !== 'list_reply' && kind !== 'nfm_reply') {
        throw badParam("Param interactive['type'] must be one of {button_reply, list_reply, nfm_reply}.");
      }
      if (!isObject(payload?.[kind])) throw missing(`interactive['${kind}']`);
      msg.interactive = payload;
      break;
    }
    case 'reaction':
      if (!payload || typeof payload.message_id !== 'string') throw missing("reaction['message_id']");
      msg.reaction = payload;
      break;
    case 'order':
      if (!payload) throw missing('order');
      msg.order = payload;
      break;
    case 'system':
      msg.system = payload ?? { body: 'User changed their number', type: 'customer_changed_number' };
      break;
    case 'unsupported':
      msg.unsupported = payload ?? { type: 'unknown' };
      msg.errors = [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }];
      break;
    case 'request_welcome':
      break;
  }

  const ctx = input.context;
  if (isObject(ctx)) {
    const c: Json = {};
    if (typeof ctx.message_id === 'string') {
      c.from = pn.displayDigits;
      c.id = ctx.message_id;
    }
    if (ctx.forwarded === true) c.forwarded = true;
    if (ctx.frequently_forwarded === true) c.frequently_forwarded = true;
    if (isObject(ctx.referred_product)) c.referred_product = ctx.referred_product;
    msg.context = c;
  }
  const conv = e.world.conversation(pn.id, persona.id);
  if (isObject(input.referral)) {
    msg.referral = input.referral;
    conv.referralAt = now;
    conv.fepUntil = undefined;
  }
  // Any user message except system notices opens or extends the customer-service window.
  if (type !== 'system') conv.lastInboundAt = now;

  e.world.messages.set(wamid, { wamid, phoneNumberId: pn.id, personaId: persona.id, direction: 'in', type, at: now, read: false });
  e.hooks.message(metadataOf(pn), contactFor(persona), msg);

  if (type === 'text') applyConsentWords(e, persona, pn, (msg.text as { body: string }).body);
  return { wamid, message: msg };
}

/** "BAJA"/"STOP" stop marketing messages; "ALTA"/"START" resume them (user_preferences webhook). */
function applyConsentWords(e: Engine, persona: Persona, pn: PhoneNumber, body: string): void {
  const word = body.trim().toUpperCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const stop = OPT_OUT.has(word);
  if (!stop && !OPT_IN.has(word)) return;
  persona.optedOutOfMarketing = stop;
  const now = e.clock.now();
  e.hooks.field('user_preferences', Math.floor(now / 1000), {
    messaging_product: 'whatsapp',
    metadata: metadataOf(pn),
    contacts: [contactFor(persona)],
    user_preferences: [{
      ...(persona.username === undefined ? { wa_id: persona.waId } : {}),
      user_id: persona.bsuid,
      detail: stop ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
      category: 'marketing_messages',
      value: stop ? 'stop' : 'resume',
      timestamp: Math.floor(now / 1000),
    }],
  });
}
