import { GraphError, badParam, invalid, missing } from '../errors.ts';
import {
  type Json,
  arrayAt,
  booleanAt,
  child,
  isObject,
  objectAt,
  onlyKeys,
  oneOf,
  stringAt,
} from './fields.ts';
import { type InteractiveChoices, validateInteractive } from './interactive.ts';
import { mediaObject } from './media-object.ts';

export const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location',
  'contacts', 'interactive', 'template', 'reaction'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface TemplateRequest {
  name: string;
  languageCode: string;
  components: Json[];
}

/** A send request checked for shape and limits; business rules come later. */
export interface SendRequest {
  kind: 'send';
  type: MessageType;
  to?: string;
  recipient?: string;
  contextMessageId?: string;
  bizOpaqueCallbackData?: string;
  /** The type object as the client sent it. */
  content: Json;
  /** Uploaded media ids referenced anywhere in the message (must exist). */
  mediaIds: string[];
  reaction?: { messageId: string; emoji: string };
  template?: TemplateRequest;
  interactive?: InteractiveChoices;
}

export interface ReadRequest {
  kind: 'read';
  messageId: string;
  typingIndicator: boolean;
}

const ROOT_KEYS = ['messaging_product', 'recipient_type', 'to', 'recipient', 'context',
  'biz_opaque_callback_data', 'recipient_identity_key_hash', 'type', 'status', 'message_id',
  'typing_indicator', ...MESSAGE_TYPES];

function messagingProduct(body: Json): void {
  const mp = stringAt(body, 'messaging_product', '', true);
  if (mp !== 'whatsapp') {
    throw badParam(`Param messaging_product must be one of {WHATSAPP} - got "${mp}".`);
  }
}

/** Parse POST /{phone_number_id}/messages: a send, or a mark-as-read. */
export function parseMessagesBody(raw: unknown): SendRequest | ReadRequest {
  if (!isObject(raw)) throw badParam('The request body must be a JSON object.');
  const body = raw;
  messagingProduct(body);
  const declaredType = body.type;
  if (typeof declaredType === 'string' && body.status === undefined && !(MESSAGE_TYPES as readonly string[]).includes(declaredType)) {
    throw new GraphError(131051, `Message type "${declaredType}" is not supported.`);
  }
  onlyKeys(body, ROOT_KEYS, '');

  if (body.status !== undefined) {
    const status = stringAt(body, 'status', '', true);
    if (status !== 'read') throw badParam(`Param status must be one of {read} - got "${status}".`);
    const messageId = stringAt(body, 'message_id', '', true);
    const ti = objectAt(body, 'typing_indicator', '', false);
    if (ti) oneOf(stringAt(ti, 'type', 'typing_indicator', true), ['text'], "typing_indicator['type']");
    return { kind: 'read', messageId, typingIndicator: ti !== undefined };
  }

  const recipientType = stringAt(body, 'recipient_type', '', false);
  if (recipientType !== undefined) oneOf(recipientType, ['individual'], 'recipient_type');
  const to = stringAt(body, 'to', '', false);
  const recipient = stringAt(body, 'recipient', '', false);
  if (to === undefined && recipient === undefined) throw missing('to');

  const typeRaw = body.type ?? 'text';
  if (typeof typeRaw !== 'string') throw badParam('Param type must be a string.');
  if (!(MESSAGE_TYPES as readonly string[]).includes(typeRaw)) {
    throw new GraphError(131051, `Message type "${typeRaw}" is not supported.`);
  }
  const type = typeRaw as MessageType;
  // `contacts` is the one type whose object is an array.
  const content: Json = type === 'contacts' ? { contacts: arrayAt(body, 'contacts', '', true) } : objectAt(body, type, '', true);

  const ctx = objectAt(body, 'context', '', false);
  const contextMessageId = ctx ? stringAt(ctx, 'message_id', 'context', true) : undefined;
  if (ctx) onlyKeys(ctx, ['message_id'], 'context');
  const bizOpaqueCallbackData = stringAt(body, 'biz_opaque_callback_data', '', false, { max: 512 });

  const req: SendRequest = { kind: 'send', type, content, mediaIds: [] };
  if (to !== undefined) req.to = to;
  if (recipient !== undefined) req.recipient = recipient;
  if (contextMessageId !== undefined) req.contextMessageId = contextMessageId;
  if (bizOpaqueCallbackData !== undefined) req.bizOpaqueCallbackData = bizOpaqueCallbackData;

  switch (type) {
    case 'text':
      onlyKeys(content, ['body', 'preview_url'], 'text');
      stringAt(content, 'body', 'text', true, { max: 4096 });
      booleanAt(content, 'preview_url', 'text');
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const keys = ['id', 'link'];
      if (type === 'image' || type === 'video' || type === 'document') keys.push('caption');
      if (type === 'document') keys.push('filename');
      if (type === 'audio') keys.push('voice');
      onlyKeys(content, keys, type);
      const m = mediaObject(content, type);
      if (m.id) req.mediaIds.push(m.id);
      stringAt(content, 'caption', type, false, { max: 1024 });
      stringAt(content, 'filename', type, false, { max: 240 });
      booleanAt(content, 'voice', type);
      break;
    }
    case 'location':
      onlyKeys(content, ['latitude', 'longitude', 'name', 'address'], 'location');
      coordinate(content, 'latitude', 90);
      coordinate(content, 'longitude', 180);
      stringAt(content, 'name', 'location', false, { max: 1000 });
      stringAt(content, 'address', 'location', false, { max: 1000 });
      break;
    case 'contacts':
      contacts(body);
      break;
    case 'reaction': {
      if (ctx) throw badParam('A reaction cannot be a contextual reply: remove context.');
      onlyKeys(content, ['message_id', 'emoji'], 'reaction');
      const messageId = stringAt(content, 'message_id', 'reaction', true);
      const emoji = stringAt(content, 'emoji', 'reaction', false, { allowEmpty: true, max: 10 }) ?? '';
      if (/[A-Za-z0-9]/.test(emoji)) throw invalid("reaction['emoji']", 'must be a single emoji');
      req.reaction = { messageId, emoji };
      break;
    }
    case 'interactive': {
      const choices = validateInteractive(content);
      req.interactive = choices;
      req.mediaIds.push(...choices.mediaIds);
      break;
    }
    case 'template':
      req.template = templateRequest(content);
      break;
  }
  return req;
}

function coordinate(obj: Json, key: 'latitude' | 'longitude', bound: number): void {
  const v = obj[key];
  const p = child('location', key);
  if (v === undefined || v === null || v === '') throw missing(p);
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > bound) throw invalid(p, `must be a number between -${bound} and ${bound}`);
}

function contacts(body: Json): void {
  const list = arrayAt(body, 'contacts', '', true);
  if (list.length === 0) throw missing("contacts[0]");
  list.forEach((c, i) => {
    const p = child('contacts', i);
    if (!isObject(c)) throw badParam(`Param ${p} must be a JSON object.`);
    const name = objectAt(c, 'name', p, true);
    stringAt(name, 'formatted_name', child(p, 'name'), true);
    const phones = arrayAt(c, 'phones', p, false) ?? [];
    phones.forEach((ph, j) => {
      if (!isObject(ph)) throw badParam(`Param ${child(child(p, 'phones'), j)} must be a JSON object.`);
    });
    const birthday = stringAt(c, 'birthday', p, false);
    if (birthday !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(birthday)) {
      throw invalid(child(p, 'birthday'), 'must be YYYY-MM-DD');
    }
  });
}

function templateRequest(t: Json): TemplateRequest {
  onlyKeys(t, ['name', 'language', 'components', 'namespace'], 'template');
  const name = stringAt(t, 'name', 'template', true, { max: 512 });
  const lang = objectAt(t, 'language', 'template', true);
  onlyKeys(lang, ['code', 'policy'], "template['language']");
  const languageCode = stringAt(lang, 'code', "template['language']", true);
  const components = arrayAt(t, 'components', 'template', false) ?? [];
  const out: Json[] = [];
  components.forEach((c, i) => {
    const p = child("template['components']", i);
    if (!isObject(c)) throw badParam(`Param ${p} must be a JSON object.`);
    oneOf(stringAt(c, 'type', p, true).toLowerCase(), ['header', 'body', 'button', 'footer', 'limited_time_offer', 'carousel'], child(p, 'type'));
    out.push(c);
  });
  return { name, languageCode, components: out };
}
