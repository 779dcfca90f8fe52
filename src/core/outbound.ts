// Validation of a Cloud API send body against every documented limit (spec §1.1–1.6, §1.7 for uploads).
import type { MarkReadBody, MediaKind, OutboundMessage } from './message-types.ts';
import { OUTBOUND_TYPES } from './message-types.ts';
import { parseBsuid } from './phone.ts';
import { charCount, isRecord, joinPath, type Problem } from './problems.ts';

export type { Problem };

export const LIMITS = {
  textBody: 4096,
  caption: 1024,
  interactiveBody: 1024,
  listBody: 4096,
  headerText: 60,
  footerText: 60,
  buttonsMin: 1,
  buttonsMax: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  listSectionTitle: 24,
  ctaDisplayText: 20,
  bizOpaqueBytes: 512,
} as const;

type Ctx = { problems: Problem[] };

function add(ctx: Ctx, path: string, code: string, message: string): void {
  ctx.problems.push({ path, code, message });
}

/** Required non-empty string; returns it (or undefined after reporting). */
function str(ctx: Ctx, obj: Record<string, unknown>, key: string, path: string, what: string): string | undefined {
  const v = obj[key];
  const p = joinPath(path, key);
  if (v === undefined || v === null) {
    add(ctx, p, 'required', `${what} is required.`);
    return undefined;
  }
  if (typeof v !== 'string') {
    add(ctx, p, 'invalid_type', `${what} must be text.`);
    return undefined;
  }
  if (v.trim() === '') {
    add(ctx, p, 'required', `${what} is empty; write something.`);
    return undefined;
  }
  return v;
}

function optStr(ctx: Ctx, obj: Record<string, unknown>, key: string, path: string, what: string): string | undefined {
  if (obj[key] === undefined || obj[key] === null) return undefined;
  if (typeof obj[key] !== 'string') {
    add(ctx, joinPath(path, key), 'invalid_type', `${what} must be text.`);
    return undefined;
  }
  return obj[key];
}

function maxLen(ctx: Ctx, value: string | undefined, limit: number, path: string, what: string): void {
  if (value === undefined) return;
  const n = charCount(value);
  if (n > limit) {
    add(ctx, path, 'too_long', `${what} has ${n} characters; the limit is ${limit}. Shorten it by ${n - limit}.`);
  }
}

function obj(ctx: Ctx, parent: Record<string, unknown>, key: string, path: string, what: string): Record<string, unknown> | undefined {
  const v = parent[key];
  const p = joinPath(path, key);
  if (v === undefined || v === null) {
    add(ctx, p, 'required', `${what} is required.`);
    return undefined;
  }
  if (!isRecord(v)) {
    add(ctx, p, 'invalid_type', `${what} must be an object.`);
    return undefined;
  }
  return v;
}

function arr(ctx: Ctx, parent: Record<string, unknown>, key: string, path: string, what: string): unknown[] | undefined {
  const v = parent[key];
  const p = joinPath(path, key);
  if (v === undefined || v === null) {
    add(ctx, p, 'required', `${what} is required.`);
    return undefined;
  }
  if (!Array.isArray(v)) {
    add(ctx, p, 'invalid_type', `${what} must be a list.`);
    return undefined;
  }
  return v;
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Exactly one of id / link (spec §1.3). */
export function checkMediaRef(ctx: Ctx, media: Record<string, unknown>, path: string, what: string): void {
  const hasId = media.id !== undefined && media.id !== null;
  const hasLink = media.link !== undefined && media.link !== null;
  if (hasId && hasLink) {
    add(ctx, path, 'both_id_and_link', `${what} has both "id" and "link"; give only one: the uploaded media id, or a public link.`);
    return;
  }
  if (!hasId && !hasLink) {
    add(ctx, path, 'missing_media', `${what} needs the uploaded media "id" or a public "link".`);
    return;
  }
  if (hasId) {
    if (typeof media.id !== 'string' || media.id.trim() === '') add(ctx, joinPath(path, 'id'), 'invalid_value', `${what} id must be a non-empty media id.`);
  } else if (typeof media.link !== 'string' || !isHttpUrl(media.link)) {
    add(ctx, joinPath(path, 'link'), 'invalid_url', `${what} link must be a public http(s) URL.`);
  }
}

const KIND_NAME: Record<MediaKind, string> = {
  image: 'The image',
  video: 'The video',
  audio: 'The audio',
  document: 'The document',
  sticker: 'The sticker',
};

function checkMedia(ctx: Ctx, body: Record<string, unknown>, kind: MediaKind): void {
  const m = obj(ctx, body, kind, '', KIND_NAME[kind]);
  if (!m) return;
  checkMediaRef(ctx, m, kind, KIND_NAME[kind]);
  const canCaption = kind === 'image' || kind === 'video' || kind === 'document';
  if (m.caption !== undefined) {
    if (!canCaption) {
      add(ctx, `${kind}.caption`, 'not_allowed', `${KIND_NAME[kind]} cannot have a caption; send the text as a separate message.`);
    } else {
      maxLen(ctx, optStr(ctx, m, 'caption', kind, 'The caption'), LIMITS.caption, `${kind}.caption`, 'The caption');
    }
  }
  if (kind === 'document') optStr(ctx, m, 'filename', kind, 'The file name');
  if (kind === 'audio' && m.voice !== undefined && typeof m.voice !== 'boolean') {
    add(ctx, 'audio.voice', 'invalid_type', '"voice" must be true or false.');
  }
}

function checkCoordinate(ctx: Ctx, loc: Record<string, unknown>, key: 'latitude' | 'longitude'): void {
  const path = `location.${key}`;
  const v = loc[key];
  const limit = key === 'latitude' ? 90 : 180;
  if (v === undefined || v === null || v === '') {
    add(ctx, path, 'required', `The ${key} is required.`);
    return;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    add(ctx, path, 'invalid_value', `The ${key} must be a number of decimal degrees between -${limit} and ${limit}.`);
  }
}

function checkHeader(ctx: Ctx, header: unknown, path: string, textOnly: boolean): void {
  if (!isRecord(header)) {
    add(ctx, path, 'invalid_type', 'The header must be an object.');
    return;
  }
  const t = header.type;
  if (t === 'text') {
    maxLen(ctx, str(ctx, header, 'text', path, 'The header text'), LIMITS.headerText, `${path}.text`, 'The header text');
    return;
  }
  if (!textOnly && (t === 'image' || t === 'video' || t === 'document')) {
    const m = obj(ctx, header, t, path, `The header ${t}`);
    if (m) checkMediaRef(ctx, m, `${path}.${t}`, `The header ${t}`);
    return;
  }
  add(
    ctx,
    `${path}.type`,
    'invalid_value',
    textOnly ? 'A list message header can only be text.' : 'The header type must be text, image, video or document.',
  );
}

function checkBodyFooter(ctx: Ctx, io: Record<string, unknown>, bodyLimit: number): void {
  const body = obj(ctx, io, 'body', 'interactive', 'The message body');
  if (body) maxLen(ctx, str(ctx, body, 'text', 'interactive.body', 'The message body'), bodyLimit, 'interactive.body.text', 'The message body');
  if (io.footer !== undefined) {
    const footer = obj(ctx, io, 'footer', 'interactive', 'The footer');
    if (footer) maxLen(ctx, str(ctx, footer, 'text', 'interactive.footer', 'The footer'), LIMITS.footerText, 'interactive.footer.text', 'The footer');
  }
}

function checkReplyButtons(ctx: Ctx, action: Record<string, unknown>): void {
  const buttons = arr(ctx, action, 'buttons', 'interactive.action', 'The buttons');
  if (!buttons) return;
  if (buttons.length < LIMITS.buttonsMin) add(ctx, 'interactive.action.buttons', 'too_few', 'Add at least one button.');
  if (buttons.length > LIMITS.buttonsMax) {
    add(ctx, 'interactive.action.buttons', 'too_many', `There are ${buttons.length} buttons; at most 3 are allowed. Use a list message for more options.`);
  }
  const ids = new Map<string, number>();
  const titles = new Map<string, number>();
  buttons.forEach((b, i) => {
    const p = `interactive.action.buttons[${i}]`;
    if (!isRecord(b)) {
      add(ctx, p, 'invalid_type', `Button ${i + 1} must be an object.`);
      return;
    }
    if (b.type !== 'reply') add(ctx, `${p}.type`, 'invalid_value', `Button ${i + 1} must have type "reply".`);
    const reply = obj(ctx, b, 'reply', p, `Button ${i + 1}`);
    if (!reply) return;
    const id = str(ctx, reply, 'id', `${p}.reply`, `Button ${i + 1} id`);
    const title = str(ctx, reply, 'title', `${p}.reply`, `Button ${i + 1} title`);
    maxLen(ctx, id, LIMITS.buttonId, `${p}.reply.id`, `Button ${i + 1} id`);
    maxLen(ctx, title, LIMITS.buttonTitle, `${p}.reply.title`, `Button ${i + 1} title`);
    if (id !== undefined && id.trim() !== id) add(ctx, `${p}.reply.id`, 'invalid_value', `Button ${i + 1} id has spaces at the start or end; remove them.`);
    if (id !== undefined) {
      const first = ids.get(id);
      if (first !== undefined) add(ctx, `${p}.reply.id`, 'not_unique', `Button ${i + 1} has the same id as button ${first + 1}; ids must be unique.`);
      else ids.set(id, i);
    }
    if (title !== undefined) {
      const first = titles.get(title);
      if (first !== undefined) add(ctx, `${p}.reply.title`, 'not_unique', `Button ${i + 1} has the same title as button ${first + 1}; titles must be unique.`);
      else titles.set(title, i);
    }
  });
}

function checkList(ctx: Ctx, action: Record<string, unknown>): void {
  maxLen(ctx, str(ctx, action, 'button', 'interactive.action', 'The list button text'), LIMITS.listButton, 'interactive.action.button', 'The list button text');
  const sections = arr(ctx, action, 'sections', 'interactive.action', 'The list sections');
  if (!sections) return;
  if (sections.length === 0) {
    add(ctx, 'interactive.action.sections', 'too_few', 'Add at least one section with one row.');
    return;
  }
  if (sections.length > LIMITS.listSections) {
    add(ctx, 'interactive.action.sections', 'too_many', `There are ${sections.length} sections; at most 10 are allowed.`);
  }
  let totalRows = 0;
  const ids = new Map<string, string>();
  sections.forEach((s, si) => {
    const sp = `interactive.action.sections[${si}]`;
    if (!isRecord(s)) {
      add(ctx, sp, 'invalid_type', `Section ${si + 1} must be an object.`);
      return;
    }
    if (sections.length > 1 || s.title !== undefined) {
      const what = `Section ${si + 1} title`;
      if (sections.length > 1 && (s.title === undefined || s.title === null || s.title === '')) {
        add(ctx, `${sp}.title`, 'required', `${what} is required when the list has more than one section.`);
      } else {
        maxLen(ctx, optStr(ctx, s, 'title', sp, what), LIMITS.listSectionTitle, `${sp}.title`, what);
      }
    }
    const rows = arr(ctx, s, 'rows', sp, `Section ${si + 1} rows`);
    if (!rows) return;
    if (rows.length === 0) add(ctx, `${sp}.rows`, 'too_few', `Section ${si + 1} has no rows; add one or remove the section.`);
    totalRows += rows.length;
    rows.forEach((r, ri) => {
      const rp = `${sp}.rows[${ri}]`;
      const label = `Row ${ri + 1} of section ${si + 1}`;
      if (!isRecord(r)) {
        add(ctx, rp, 'invalid_type', `${label} must be an object.`);
        return;
      }
      const id = str(ctx, r, 'id', rp, `${label} id`);
      maxLen(ctx, id, LIMITS.listRowId, `${rp}.id`, `${label} id`);
      maxLen(ctx, str(ctx, r, 'title', rp, `${label} title`), LIMITS.listRowTitle, `${rp}.title`, `${label} title`);
      maxLen(ctx, optStr(ctx, r, 'description', rp, `${label} description`), LIMITS.listRowDescription, `${rp}.description`, `${label} description`);
      if (id !== undefined) {
        const first = ids.get(id);
        if (first !== undefined) add(ctx, `${rp}.id`, 'not_unique', `${label} has the same id as ${first}; row ids must be unique.`);
        else ids.set(id, label.toLowerCase());
      }
    });
  });
  if (totalRows > LIMITS.listRows) {
    add(ctx, 'interactive.action.sections', 'too_many', `The list has ${totalRows} rows; at most 10 are allowed across all sections.`);
  }
}

function checkCtaUrl(ctx: Ctx, action: Record<string, unknown>): void {
  if (action.name !== 'cta_url') add(ctx, 'interactive.action.name', 'invalid_value', 'The action name must be "cta_url".');
  const params = obj(ctx, action, 'parameters', 'interactive.action', 'The button');
  if (!params) return;
  const pp = 'interactive.action.parameters';
  maxLen(ctx, str(ctx, params, 'display_text', pp, 'The button text'), LIMITS.ctaDisplayText, `${pp}.display_text`, 'The button text');
  const url = str(ctx, params, 'url', pp, 'The button URL');
  if (url !== undefined && !isHttpUrl(url)) add(ctx, `${pp}.url`, 'invalid_url', 'The button URL must start with http:// or https://.');
}

function checkInteractive(ctx: Ctx, body: Record<string, unknown>): void {
  const io = obj(ctx, body, 'interactive', '', 'The interactive message');
  if (!io) return;
  const t = io.type;
  if (t !== 'button' && t !== 'list' && t !== 'cta_url') {
    add(ctx, 'interactive.type', 'unsupported', 'The interactive type must be "button", "list" or "cta_url".');
    return;
  }
  if (io.header !== undefined) checkHeader(ctx, io.header, 'interactive.header', t === 'list');
  checkBodyFooter(ctx, io, t === 'list' ? LIMITS.listBody : LIMITS.interactiveBody);
  const action = obj(ctx, io, 'action', 'interactive', 'The action');
  if (!action) return;
  if (t === 'button') checkReplyButtons(ctx, action);
  else if (t === 'list') checkList(ctx, action);
  else checkCtaUrl(ctx, action);
}

function checkContacts(ctx: Ctx, body: Record<string, unknown>): void {
  const cards = arr(ctx, body, 'contacts', '', 'The contact cards');
  if (!cards) return;
  if (cards.length === 0) add(ctx, 'contacts', 'too_few', 'Add at least one contact card.');
  cards.forEach((c, i) => {
    const p = `contacts[${i}]`;
    if (!isRecord(c)) {
      add(ctx, p, 'invalid_type', `Contact card ${i + 1} must be an object.`);
      return;
    }
    const name = obj(ctx, c, 'name', p, `Contact card ${i + 1} name`);
    if (name) str(ctx, name, 'formatted_name', `${p}.name`, `Contact card ${i + 1} formatted name`);
    if (c.birthday !== undefined && (typeof c.birthday !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.birthday))) {
      add(ctx, `${p}.birthday`, 'invalid_value', `Contact card ${i + 1} birthday must be written YYYY-MM-DD.`);
    }
  });
}

// Template bodies: only the shape here; parameters against the template definition are in template-params.ts.
function checkTemplateShape(ctx: Ctx, body: Record<string, unknown>): void {
  const t = obj(ctx, body, 'template', '', 'The template');
  if (!t) return;
  const name = str(ctx, t, 'name', 'template', 'The template name');
  if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) {
    add(ctx, 'template.name', 'invalid_value', 'A template name has only lower-case letters, digits and "_".');
  }
  const lang = obj(ctx, t, 'language', 'template', 'The template language');
  if (lang) str(ctx, lang, 'code', 'template.language', 'The template language code');
  if (t.components === undefined) return;
  const comps = arr(ctx, t, 'components', 'template', 'The template components');
  comps?.forEach((c, i) => {
    const p = `template.components[${i}]`;
    if (!isRecord(c)) {
      add(ctx, p, 'invalid_type', `Component ${i + 1} must be an object.`);
      return;
    }
    if (c.type !== 'header' && c.type !== 'body' && c.type !== 'button') {
      add(ctx, `${p}.type`, 'invalid_value', `Component ${i + 1} type must be "header", "body" or "button".`);
    }
    if (c.type === 'button') {
      if (typeof c.sub_type !== 'string') add(ctx, `${p}.sub_type`, 'required', `Button component ${i + 1} needs a sub_type such as "url" or "quick_reply".`);
      const idx = typeof c.index === 'string' ? Number(c.index) : c.index;
      if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx > 9) {
        add(ctx, `${p}.index`, 'invalid_value', `Button component ${i + 1} needs the button's position, "0" to "9".`);
      }
    }
    if (c.parameters !== undefined && !Array.isArray(c.parameters)) {
      add(ctx, `${p}.parameters`, 'invalid_type', `Component ${i + 1} parameters must be a list.`);
    }
  });
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * Every documented limit of a send body. Returns [] when the body can be sent (as far as the body alone goes;
 * window, template status and consent are preflight's job).
 */
export function validateOutbound(body: unknown): Problem[] {
  const ctx: Ctx = { problems: [] };
  if (!isRecord(body)) {
    add(ctx, '', 'invalid_type', 'The message must be a JSON object.');
    return ctx.problems;
  }
  if (body.messaging_product !== 'whatsapp') {
    add(ctx, 'messaging_product', 'invalid_value', 'messaging_product must be "whatsapp".');
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
    add(ctx, 'recipient_type', 'invalid_value', 'recipient_type must be "individual" or "group".');
  }
  checkRecipient(ctx, body);
  const type = body.type;
  if (typeof type !== 'string' || !(OUTBOUND_TYPES as readonly string[]).includes(type)) {
    add(ctx, 'type', 'unsupported', `The message type must be one of ${OUTBOUND_TYPES.join(', ')}.`);
    return ctx.problems;
  }
  if (body.context !== undefined) {
    if (type === 'reaction') {
      add(ctx, 'context', 'context_not_allowed', 'A reaction cannot be a reply to a message; remove "context" (the reaction already names its message).');
    } else {
      const c = obj(ctx, body, 'context', '', 'The reply context');
      if (c) str(ctx, c, 'message_id', 'context', 'The id of the message replied to');
    }
  }
  if (body.biz_opaque_callback_data !== undefined) {
    const v = body.biz_opaque_callback_data;
    if (typeof v !== 'string') add(ctx, 'biz_opaque_callback_data', 'invalid_type', 'biz_opaque_callback_data must be text.');
    else if (byteLength(v) > LIMITS.bizOpaqueBytes) {
      add(ctx, 'biz_opaque_callback_data', 'too_long', `biz_opaque_callback_data is ${byteLength(v)} bytes; the limit is 512.`);
    }
  }

  switch (type as OutboundMessage['type']) {
    case 'text': {
      const t = obj(ctx, body, 'text', '', 'The text');
      if (t) {
        maxLen(ctx, str(ctx, t, 'body', 'text', 'The message text'), LIMITS.textBody, 'text.body', 'The message text');
        if (t.preview_url !== undefined && typeof t.preview_url !== 'boolean') add(ctx, 'text.preview_url', 'invalid_type', 'preview_url must be true or false.');
      }
      break;
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      checkMedia(ctx, body, type as MediaKind);
      break;
    case 'location': {
      const loc = obj(ctx, body, 'location', '', 'The location');
      if (loc) {
        checkCoordinate(ctx, loc, 'latitude');
        checkCoordinate(ctx, loc, 'longitude');
        optStr(ctx, loc, 'name', 'location', 'The place name');
        optStr(ctx, loc, 'address', 'location', 'The address');
      }
      break;
    }
    case 'contacts':
      checkContacts(ctx, body);
      break;
    case 'reaction': {
      const r = obj(ctx, body, 'reaction', '', 'The reaction');
      if (r) {
        str(ctx, r, 'message_id', 'reaction', 'The id of the message reacted to');
        if (r.emoji !== undefined && typeof r.emoji !== 'string') add(ctx, 'reaction.emoji', 'invalid_type', 'The emoji must be text (empty to remove the reaction).');
        else if (typeof r.emoji === 'string' && /\p{L}/u.test(r.emoji)) {
          add(ctx, 'reaction.emoji', 'invalid_value', 'A reaction must be an emoji, not letters.');
        }
      }
      break;
    }
    case 'interactive':
      checkInteractive(ctx, body);
      break;
    case 'template':
      checkTemplateShape(ctx, body);
      break;
  }
  return ctx.problems;
}

function checkRecipient(ctx: Ctx, body: Record<string, unknown>): void {
  const to = body.to;
  const recipient = body.recipient;
  if ((to === undefined || to === null || to === '') && (recipient === undefined || recipient === null || recipient === '')) {
    add(ctx, 'to', 'required', 'Say who receives the message: a phone number in "to" or a business-scoped user ID in "recipient".');
    return;
  }
  if (to !== undefined && to !== null) {
    if (typeof to !== 'string' || !/^\+?[\d\s\-()]{5,}$/.test(to) || to.replace(/\D/g, '').length < 5) {
      add(ctx, 'to', 'invalid_value', '"to" must be a phone number (digits with an optional "+", spaces, dashes, parentheses).');
    }
  }
  if (recipient !== undefined && recipient !== null) {
    if (typeof recipient !== 'string') add(ctx, 'recipient', 'invalid_type', '"recipient" must be a business-scoped user ID.');
    else {
      const r = parseBsuid(recipient);
      if (!r.ok) add(ctx, 'recipient', 'invalid_value', r.error.message);
    }
  }
}

/** Mark-as-read body (spec §1.6). */
export function validateMarkRead(body: unknown): Problem[] {
  const ctx: Ctx = { problems: [] };
  if (!isRecord(body)) return [{ path: '', code: 'invalid_type', message: 'The request must be a JSON object.' }];
  if (body.messaging_product !== 'whatsapp') add(ctx, 'messaging_product', 'invalid_value', 'messaging_product must be "whatsapp".');
  if (body.status !== 'read') add(ctx, 'status', 'invalid_value', 'status must be "read".');
  str(ctx, body, 'message_id', '', 'The id of the message to mark as read');
  if (body.typing_indicator !== undefined) {
    if (!isRecord(body.typing_indicator) || body.typing_indicator.type !== 'text') {
      add(ctx, 'typing_indicator.type', 'invalid_value', 'The typing indicator type must be "text".');
    }
  }
  return ctx.problems;
}

export function isMarkRead(body: unknown): body is MarkReadBody {
  return isRecord(body) && body.status === 'read' && body.type === undefined;
}

// --- Media uploads (spec §1.3, §1.7) ---

const KB = 1024;
const MB = 1024 * 1024;

export const MEDIA_RULES: Record<MediaKind, { mimeTypes: readonly string[]; maxBytes: number; maxBytesAnimated?: number }> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
  audio: { mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  document: {
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  sticker: { mimeTypes: ['image/webp'], maxBytes: 100 * KB, maxBytesAnimated: 500 * KB },
};

function formatBytes(n: number): string {
  if (n >= MB) return `${Math.round((n / MB) * 10) / 10} MB`;
  if (n >= KB) return `${Math.round((n / KB) * 10) / 10} KB`;
  return `${n} bytes`;
}

/** The media kind a MIME type can be sent as (image/webp is a sticker), or undefined. */
export function mediaKindOfMime(mimeType: string): MediaKind | undefined {
  const m = normaliseMime(mimeType);
  return (Object.keys(MEDIA_RULES) as MediaKind[]).find((k) => MEDIA_RULES[k].mimeTypes.includes(m));
}

function normaliseMime(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

/** An upload before it goes to POST /{PHONE_NUMBER_ID}/media: type allowed for the kind, size under the limit. */
export function validateMediaUpload(input: { kind: MediaKind; mimeType: string; sizeBytes: number; animated?: boolean }): Problem[] {
  const rules = MEDIA_RULES[input.kind];
  const problems: Problem[] = [];
  const mime = normaliseMime(input.mimeType);
  if (!rules.mimeTypes.includes(mime)) {
    const fits = mediaKindOfMime(mime);
    problems.push({
      path: 'mime_type',
      code: 'mime_not_allowed',
      message:
        `${KIND_NAME[input.kind]} cannot be of type "${mime || input.mimeType}"; allowed: ${rules.mimeTypes.join(', ')}.` +
        (fits ? ` Send it as ${fits === 'image' ? 'an' : 'a'} ${fits} instead.` : ''),
    });
  }
  const limit = input.kind === 'sticker' && input.animated ? (rules.maxBytesAnimated ?? rules.maxBytes) : rules.maxBytes;
  if (!Number.isFinite(input.sizeBytes) || input.sizeBytes <= 0) {
    problems.push({ path: 'file_size', code: 'empty_file', message: 'The file is empty.' });
  } else if (input.sizeBytes > limit) {
    // Just over the limit rounds to the same text: show exact bytes so the message is not "5 MB; at most 5 MB".
    const exact = formatBytes(input.sizeBytes) === formatBytes(limit);
    const sizeText = exact ? `${input.sizeBytes} bytes` : formatBytes(input.sizeBytes);
    const limitText = exact ? `${formatBytes(limit)} (${limit} bytes)` : formatBytes(limit);
    const what = input.kind === 'sticker' ? `${input.animated ? 'an animated' : 'a static'} sticker` : `${input.kind === 'image' ? 'an' : 'a'} ${input.kind}`;
    problems.push({
      path: 'file_size',
      code: 'file_too_large',
      message:
        `The file is ${sizeText}; ${what} can be at most ${limitText}. ` +
        (input.kind === 'document' ? 'Split or compress it, or share a link instead.' : 'Compress it or send it as a document.'),
    });
  }
  return problems;
}
