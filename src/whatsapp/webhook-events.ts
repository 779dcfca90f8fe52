/**
 * Meta's webhook envelope → flat domain events (pure). Every entry, change, message, status and
 * error is expanded, never just the first. Problems are reported with the path of what is wrong,
 * so a malformed item is skipped with a clear reason while the rest of the payload still applies.
 */

export interface InboundIdentity {
  waId: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  username: string | null;
  profileName: string | null;
}

export interface InboundMessageEvent {
  kind: 'message';
  wabaId: string | null;
  phoneNumberId: string;
  identity: InboundIdentity;
  wamid: string;
  type: string;
  at: Date;
  contextWamid: string | null;
  referral: Record<string, unknown> | null;
  /** Meta's message object, kept whole. */
  message: Record<string, unknown>;
}

export interface WebhookError {
  code: number;
  title?: string;
  message?: string;
  details?: string;
  href?: string;
}

export interface StatusEvent {
  kind: 'status';
  wabaId: string | null;
  phoneNumberId: string;
  wamid: string;
  status: string;
  at: Date;
  recipientId: string | null;
  recipientUserId: string | null;
  /** Our message id, parsed from biz_opaque_callback_data (`<uuid>` or `<uuid>:<attempt>`). */
  ourId: string | null;
  pricing: Record<string, unknown> | null;
  conversation: Record<string, unknown> | null;
  errors: WebhookError[] | null;
  raw: Record<string, unknown>;
}

export interface SystemErrorEvent {
  kind: 'errors';
  wabaId: string | null;
  phoneNumberId: string | null;
  errors: WebhookError[];
}

export interface AccountEvent {
  kind: 'account';
  wabaId: string | null;
  field: string;
  at: Date | null;
  value: Record<string, unknown>;
}

export type WebhookEvent = InboundMessageEvent | StatusEvent | SystemErrorEvent | AccountEvent;

export interface ParseResult {
  events: WebhookEvent[];
  problems: { path: string; message: string }[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Meta timestamps are unix seconds as strings. */
function unixTime(v: unknown): Date | null {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : null;
}

export function ourIdFromCallbackData(data: unknown): string | null {
  if (typeof data !== 'string') return null;
  const id = data.split(':')[0] ?? '';
  return UUID.test(id) ? id.toLowerCase() : null;
}

function errorsOf(v: unknown): WebhookError[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  return v.filter(isObject).map((e) => {
    const data = isObject(e.error_data) ? e.error_data : {};
    return {
      code: typeof e.code === 'number' ? e.code : Number(e.code) || 0,
      ...(str(e.title) ? { title: str(e.title)! } : {}),
      ...(str(e.message) ? { message: str(e.message)! } : {}),
      ...(str(data.details) ? { details: str(data.details)! } : {}),
      ...(str(e.href) ? { href: str(e.href)! } : {}),
    };
  });
}

function identityFor(message: Json, contacts: Json[]): InboundIdentity {
  const from = str(message.from);
  const fromUser = str(message.from_user_id);
  // The contact entry for this sender: match by wa_id or user_id; with one contact, that one.
  const contact =
    contacts.find((c) => (from && str(c.wa_id) === from) || (fromUser && str(c.user_id) === fromUser)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const profile = contact && isObject(contact.profile) ? contact.profile : {};
  return {
    waId: from ?? (contact ? str(contact.wa_id) : null),
    bsuid: fromUser ?? (contact ? str(contact.user_id) : null),
    parentBsuid: contact ? str(contact.parent_user_id) : null,
    username: str(profile.username),
    profileName: str(profile.name),
  };
}

export function parseWebhook(body: unknown): ParseResult {
  const events: WebhookEvent[] = [];
  const problems: ParseResult['problems'] = [];
  if (!isObject(body)) return { events, problems: [{ path: '$', message: 'the body is not a JSON object' }] };
  if (body.object !== 'whatsapp_business_account') {
    problems.push({ path: 'object', message: `expected "whatsapp_business_account", got ${JSON.stringify(body.object)}` });
  }
  if (!Array.isArray(body.entry)) return { events, problems: [...problems, { path: 'entry', message: 'missing or not an array' }] };

  body.entry.forEach((entry, ei) => {
    const ep = `entry[${ei}]`;
    if (!isObject(entry)) return void problems.push({ path: ep, message: 'not an object' });
    const wabaId = str(entry.id);
    const entryTime = unixTime(entry.time);
    if (!Array.isArray(entry.changes)) return void problems.push({ path: `${ep}.changes`, message: 'missing or not an array' });
    entry.changes.forEach((change, ci) => {
      const cp = `${ep}.changes[${ci}]`;
      if (!isObject(change) || !isObject(change.value)) return void problems.push({ path: cp, message: 'missing value object' });
      const field = str(change.field) ?? '';
      const value = change.value;
      if (field !== 'messages') {
        events.push({ kind: 'account', wabaId, field: field || 'unknown', at: entryTime, value });
        return;
      }
      const metadata = isObject(value.metadata) ? value.metadata : {};
      const phoneNumberId = str(metadata.phone_number_id);
      const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
      const sysErrors = errorsOf(value.errors);
      if (sysErrors) events.push({ kind: 'errors', wabaId, phoneNumberId, errors: sysErrors });
      if (!phoneNumberId && (Array.isArray(value.messages) || Array.isArray(value.statuses))) {
        return void problems.push({ path: `${cp}.value.metadata.phone_number_id`, message: 'missing: cannot tell which business number this is for' });
      }
      (Array.isArray(value.messages) ? value.messages : []).forEach((m, mi) => {
        const mp = `${cp}.value.messages[${mi}]`;
        if (!isObject(m)) return void problems.push({ path: mp, message: 'not an object' });
        const wamid = str(m.id);
        const at = unixTime(m.timestamp);
        const identity = identityFor(m, contacts);
        if (!wamid) return void problems.push({ path: `${mp}.id`, message: 'missing wamid' });
        if (!at) return void problems.push({ path: `${mp}.timestamp`, message: 'missing or not unix seconds' });
        if (!identity.waId && !identity.bsuid) {
          return void problems.push({ path: `${mp}.from`, message: 'no sender: neither from/wa_id nor from_user_id/user_id is given' });
        }
        const context = isObject(m.context) ? m.context : null;
        events.push({
          kind: 'message',
          wabaId,
          phoneNumberId: phoneNumberId!,
          identity,
          wamid,
          type: str(m.type) ?? 'unknown',
          at,
          contextWamid: context ? str(context.id) : null,
          referral: isObject(m.referral) ? m.referral : null,
          message: m,
        });
      });
      (Array.isArray(value.statuses) ? value.statuses : []).forEach((s, si) => {
        const sp = `${cp}.value.statuses[${si}]`;
        if (!isObject(s)) return void problems.push({ path: sp, message: 'not an object' });
        const wamid = str(s.id);
        const status = str(s.status);
        const at = unixTime(s.timestamp);
        if (!wamid) return void problems.push({ path: `${sp}.id`, message: 'missing wamid' });
        if (!status) return void problems.push({ path: `${sp}.status`, message: 'missing status' });
        if (!at) return void problems.push({ path: `${sp}.timestamp`, message: 'missing or not unix seconds' });
        events.push({
          kind: 'status',
          wabaId,
          phoneNumberId: phoneNumberId!,
          wamid,
          status,
          at,
          recipientId: str(s.recipient_id),
          recipientUserId: str(s.recipient_user_id),
          ourId: ourIdFromCallbackData(s.biz_opaque_callback_data),
          pricing: isObject(s.pricing) ? s.pricing : null,
          conversation: isObject(s.conversation) ? s.conversation : null,
          errors: errorsOf(s.errors),
          raw: s,
        });
      });
    });
  });
  return { events, problems };
}
