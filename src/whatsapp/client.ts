// Cloud API client (spec §1, §1.6, §1.7) on undici with keep-alive connections: the dispatcher keeps up to 64
// requests in flight per number, so sockets are reused instead of opened per message.
import { Agent, FormData, request, type Dispatcher } from 'undici';
import type { AppContext, CloudApiSettings } from '../context.ts';
import type { PhoneNumberRow } from '../messaging/numbers.ts';
import { CloudApiError, networkError, parseGraphError } from './errors.ts';

export { CloudApiError } from './errors.ts';

export interface SendResult {
  wamid: string;
  /** contacts[0].wa_id: phone sends only (may differ from the `to` given). */
  wa_id?: string;
  /** contacts[0].user_id: BSUID sends only (spec §9). */
  user_id?: string;
  /** Template pacing: accepted | held_for_quality_assessment | paused. */
  message_status?: string;
}

export interface MediaUrl {
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  id: string;
}

export interface TemplateListItem {
  id?: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: string;
  components: unknown[];
}

/** A template with the fields the library keeps (quality_score is `{score, date}` on the Graph API). */
export interface TemplateDetail extends TemplateListItem {
  quality_score?: { score?: string } | string | null;
  rejected_reason?: string | null;
}

/** The number a call is made for: Meta's phone_number_id, WABA and the (decrypted) token. */
export type NumberLike = Pick<PhoneNumberRow, 'phoneNumberId' | 'wabaId' | 'accessTokenEnc'>;

export interface ClientOptions {
  /** Per-request timeout (headers and body). */
  timeoutMs?: number;
  /** Sockets per origin. */
  connections?: number;
}

export interface CloudApiClient {
  readonly settings: CloudApiSettings;
  sendMessage(number: NumberLike, body: Record<string, unknown>): Promise<SendResult>;
  markRead(number: NumberLike, messageId: string, options?: { typingIndicator?: boolean }): Promise<void>;
  uploadMedia(number: NumberLike, file: { data: Uint8Array; mimeType: string; filename?: string }): Promise<{ id: string }>;
  getMediaUrl(number: NumberLike, mediaId: string): Promise<MediaUrl>;
  downloadMedia(number: NumberLike, url: string): Promise<{ data: Buffer; mimeType: string | null }>;
  listTemplates(number: NumberLike, filter?: { name?: string }): Promise<TemplateListItem[]>;
  /** Every template of the number's WABA with quality and rejection reason (library sync, spec §6). */
  listTemplateDetails(number: NumberLike): Promise<TemplateDetail[]>;
  /** `POST /{WABA_ID}/message_templates` (spec §6). */
  createTemplate(number: NumberLike, def: Record<string, unknown>): Promise<{ id: string; status: string; category: string | null }>;
  /** `POST /{TEMPLATE_ID}`: category and/or components (replaced wholesale). */
  editTemplate(number: NumberLike, templateId: string, patch: Record<string, unknown>): Promise<{ category: string | null }>;
  /** `DELETE /{WABA_ID}/message_templates?name=X[&hsm_id=ID]`: all languages, or one with its id. */
  deleteTemplate(number: NumberLike, name: string, hsmId?: string): Promise<void>;
  /** `GET /{TEMPLATE_ID}`. */
  getTemplate(number: NumberLike, templateId: string): Promise<TemplateDetail>;
  /** `POST /{TEMPLATE_ID}/unpause` (spec §4.3). */
  unpauseTemplate(number: NumberLike, templateId: string): Promise<void>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function createCloudApiClient(ctx: Pick<AppContext, 'cloudApi' | 'secrets'>, options: ClientOptions = {}): CloudApiClient {
  const base = new URL(ctx.cloudApi.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const version = ctx.cloudApi.version;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agent: Dispatcher = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  // Only the access token is decrypted (credentials() would also decrypt the app secret, which lanes do not carry).
  // Decrypting per request would cost an AES-GCM call per message; tokens change rarely and the ciphertext is the key.
  const tokens = new Map<string, string>();
  const tokenOf = (n: NumberLike): string => {
    let t = tokens.get(n.accessTokenEnc);
    if (t === undefined) {
      t = ctx.secrets.decrypt(n.accessTokenEnc);
      if (tokens.size > 1000) tokens.clear();
      tokens.set(n.accessTokenEnc, t);
    }
    return t;
  };
  const graphUrl = (path: string, query?: Record<string, string>): string => {
    const u = new URL(`${prefix}/${version}/${path}`, base.origin);
    for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  };

  async function call(number: NumberLike, method: 'GET' | 'POST' | 'DELETE', url: string, body?: Json | FormData): Promise<Json> {
    let res: Dispatcher.ResponseData;
    const authorization = `Bearer ${tokenOf(number)}`;
    try {
      res = await request(url, {
        dispatcher: agent,
        method,
        headers: {
          authorization,
          ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      });
    } catch (err) {
      throw networkError(err);
    }
    let parsed: unknown;
    try {
      const text = await res.body.text();
      parsed = text ? JSON.parse(text) : {};
    } catch (err) {
      if (res.statusCode >= 200 && res.statusCode < 300) throw networkError(err);
      parsed = null;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) throw parseGraphError(res.statusCode, parsed);
    if (!isRecord(parsed)) throw parseGraphError(502, { error: { message: 'The Cloud API answered with something that is not a JSON object.' } });
    return parsed;
  }

  return {
    settings: ctx.cloudApi,

    async sendMessage(number, body) {
      const json = await call(number, 'POST', graphUrl(`${number.phoneNumberId}/messages`), { messaging_product: 'whatsapp', ...body });
      const msg = Array.isArray(json.messages) && isRecord(json.messages[0]) ? json.messages[0] : null;
      const contact = Array.isArray(json.contacts) && isRecord(json.contacts[0]) ? json.contacts[0] : null;
      if (!msg || typeof msg.id !== 'string') {
        throw parseGraphError(502, { error: { message: 'The Cloud API accepted the request but returned no message id.' } });
      }
      const result: SendResult = { wamid: msg.id };
      if (contact && typeof contact.wa_id === 'string' && contact.wa_id) result.wa_id = contact.wa_id;
      if (contact && typeof contact.user_id === 'string' && contact.user_id) result.user_id = contact.user_id;
      if (typeof msg.message_status === 'string') result.message_status = msg.message_status;
      return result;
    },

    async markRead(number, messageId, opts = {}) {
      await call(number, 'POST', graphUrl(`${number.phoneNumberId}/messages`), {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: messageId,
        ...(opts.typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
      });
    },

    async uploadMedia(number, file) {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', file.mimeType);
      form.append('file', new Blob([file.data], { type: file.mimeType }), file.filename ?? 'file');
      const json = await call(number, 'POST', graphUrl(`${number.phoneNumberId}/media`), form);
      if (typeof json.id !== 'string') throw parseGraphError(502, { error: { message: 'The media upload returned no id.' } });
      return { id: json.id };
    },

    async getMediaUrl(number, mediaId) {
      const json = await call(number, 'GET', graphUrl(encodeURIComponent(mediaId), { phone_number_id: number.phoneNumberId }));
      if (typeof json.url !== 'string') throw parseGraphError(502, { error: { message: 'The media lookup returned no url.' } });
      return {
        url: json.url,
        mime_type: String(json.mime_type ?? ''),
        sha256: String(json.sha256 ?? ''),
        file_size: Number(json.file_size ?? 0),
        id: String(json.id ?? mediaId),
      };
    },

    async downloadMedia(number, url) {
      let res: Dispatcher.ResponseData;
      const authorization = `Bearer ${tokenOf(number)}`;
      try {
        res = await request(url, { dispatcher: agent, method: 'GET', headers: { authorization } });
      } catch (err) {
        throw networkError(err);
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await res.body.text().catch(() => '');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Media hosts answer errors in HTML or plain text.
        }
        throw parseGraphError(res.statusCode, parsed ?? { error: { message: `Media download failed with HTTP ${res.statusCode}${res.statusCode === 404 ? ' (the URL expired; fetch a new one)' : ''}.` } });
      }
      const data = Buffer.from(await res.body.arrayBuffer());
      const type = res.headers['content-type'];
      return { data, mimeType: typeof type === 'string' ? type : null };
    },

    async listTemplates(number, filter = {}) {
      const query: Record<string, string> = { fields: 'name,status,category,language,components,parameter_format', limit: '100' };
      if (filter.name) query.name = filter.name;
      const out: TemplateListItem[] = [];
      let url: string | null = graphUrl(`${number.wabaId}/message_templates`, query);
      for (let page = 0; url && page < 50; page++) {
        const json = await call(number, 'GET', url);
        for (const item of Array.isArray(json.data) ? json.data : []) {
          if (isRecord(item) && typeof item.name === 'string') out.push(item as unknown as TemplateListItem);
        }
        const next: unknown = isRecord(json.paging) ? json.paging.next : null;
        url = typeof next === 'string' ? next : null;
      }
      return out;
    },

    async listTemplateDetails(number) {
      const query = { fields: 'id,name,status,category,language,components,parameter_format,quality_score,rejected_reason', limit: '100' };
      const out: TemplateDetail[] = [];
      let url: string | null = graphUrl(`${number.wabaId}/message_templates`, query);
      for (let page = 0; url && page < 100; page++) {
        const json = await call(number, 'GET', url);
        for (const item of Array.isArray(json.data) ? json.data : []) {
          if (isRecord(item) && typeof item.name === 'string') out.push(item as unknown as TemplateDetail);
        }
        const next: unknown = isRecord(json.paging) ? json.paging.next : null;
        url = typeof next === 'string' ? next : null;
      }
      return out;
    },

    async createTemplate(number, def) {
      const json = await call(number, 'POST', graphUrl(`${number.wabaId}/message_templates`), def);
      if (typeof json.id !== 'string' && typeof json.id !== 'number') {
        throw parseGraphError(502, { error: { message: 'The template was accepted but no template id came back.' } });
      }
      return { id: String(json.id), status: typeof json.status === 'string' ? json.status : 'PENDING', category: typeof json.category === 'string' ? json.category : null };
    },

    async editTemplate(number, templateId, patch) {
      const json = await call(number, 'POST', graphUrl(encodeURIComponent(templateId)), patch);
      return { category: typeof json.category === 'string' ? json.category : null };
    },

    async deleteTemplate(number, name, hsmId) {
      await call(number, 'DELETE', graphUrl(`${number.wabaId}/message_templates`, hsmId ? { name, hsm_id: hsmId } : { name }));
    },

    async getTemplate(number, templateId) {
      const json = await call(number, 'GET', graphUrl(encodeURIComponent(templateId), { fields: 'id,name,status,category,language,components,parameter_format,quality_score,rejected_reason' }));
      return json as unknown as TemplateDetail;
    },

    async unpauseTemplate(number, templateId) {
      await call(number, 'POST', graphUrl(`${encodeURIComponent(templateId)}/unpause`), {});
    },

    async close() {
      await agent.close();
    },
  };
}

export function isCloudApiError(err: unknown): err is CloudApiError {
  return err instanceof CloudApiError;
}

// One client (one connection pool) per app context, shared by enqueue (template lookups), routes and the dispatcher.
const shared = new WeakMap<object, CloudApiClient>();

export function cloudApiFor(ctx: Pick<AppContext, 'cloudApi' | 'secrets'>): CloudApiClient {
  let c = shared.get(ctx);
  if (!c) {
    c = createCloudApiClient(ctx);
    shared.set(ctx, c);
  }
  return c;
}

/** Close the shared client of a context (server shutdown, tests). */
export async function closeCloudApiFor(ctx: object): Promise<void> {
  const c = shared.get(ctx);
  shared.delete(ctx);
  await c?.close();
}
