import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../engine.ts';
import { GraphError, badParam } from '../errors.ts';
import { parseProfilePatch } from '../rules/business-profile.ts';
import { parseMessagesBody } from '../rules/send-request.ts';
import { liveMedia, mediaForDownload, mediaInfo, uploadMedia, type UploadInput } from '../world/media.ts';
import { numberView } from '../world/numbers.ts';
import { acceptSend, markRead } from '../world/outbound.ts';
import type { PhoneNumber } from '../world/state.ts';
import { createTemplate, deleteTemplates, editTemplate, templateView, unpause } from '../world/templates.ts';

type Req = FastifyRequest<{ Params: { version: string; id: string }; Querystring: Record<string, string | undefined> }>;

const VERSION = /^v\d{1,3}\.\d{1,2}$/;

function unsupported(method: string, id: string): GraphError {
  return new GraphError(
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { subcode: 33 },
  );
}

function fieldsOf(q: Record<string, string | undefined>): string[] | undefined {
  return q.fields ? q.fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
}

/** Bearer token (or access_token query param, as Graph also accepts). */
function authenticate(engine: Engine, req: FastifyRequest): void {
  const header = req.headers.authorization;
  const fromQuery = (req.query as Record<string, string | undefined>).access_token;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : fromQuery;
  if (!token) throw new GraphError(190, 'An active access token must be used to query information about the current user.');
  if (token !== engine.opts.accessToken) throw new GraphError(190, 'Invalid OAuth access token - Cannot parse access token');
}

function paginate<T>(items: T[], q: Record<string, string | undefined>): { data: T[]; paging?: unknown } {
  const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 1000);
  const start = q.after ? Number(Buffer.from(q.after, 'base64').toString()) || 0 : 0;
  const data = items.slice(start, start + limit);
  if (items.length === 0) return { data };
  const cursor = (n: number): string => Buffer.from(String(n)).toString('base64');
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + data.length) } };
  return { data, paging };
}

export function registerGraphRoutes(app: FastifyInstance, engine: Engine): void {
  const w = () => engine.world;
  const number = (id: string): PhoneNumber | undefined => w().numbers.get(id);

  app.addHook('preHandler', async (req) => {
    const params = req.params as { version?: string } | undefined;
    if (params?.version === undefined) return; // control API and media download are not Graph calls
    if (!VERSION.test(params.version)) throw new GraphError(100, `Unknown path components: /${params.version}`);
    authenticate(engine, req);
  });

  app.post('/:version/:id/messages', async (req: Req) => {
    const pn = number(req.params.id);
    if (!pn) throw unsupported('post', req.params.id);
    const parsed = parseMessagesBody(req.body);
    return parsed.kind === 'read' ? markRead(engine, pn, parsed) : acceptSend(engine, pn, parsed, req.params.version);
  });

  app.post('/:version/:id/media', async (req: Req) => {
    const pn = number(req.params.id);
    if (!pn) throw unsupported('post', req.params.id);
    if (!req.isMultipart()) throw badParam('Media upload must be multipart/form-data with fields messaging_product, type and file.');
    const input: UploadInput = { messagingProduct: undefined, type: undefined, file: undefined };
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file') input.file = { bytes, filename: part.filename, mimetype: part.mimetype };
      } else if (part.fieldname === 'messaging_product') input.messagingProduct = String(part.value);
      else if (part.fieldname === 'type') input.type = String(part.value);
    }
    return uploadMedia(engine, pn.id, input);
  });

  app.get('/:version/:id', async (req: Req) => {
    const { id } = req.params;
    const pn = number(id);
    if (pn) return numberView(engine, pn, fieldsOf(req.query));
    const media = liveMedia(engine, id, req.query.phone_number_id);
    if (media) return mediaInfo(engine, media);
    const tpl = w().templates.get(id);
    if (tpl) return templateView(tpl, fieldsOf(req.query));
    if (id === w().waba.id) {
      const waba = w().waba;
      return { id: waba.id, name: waba.name, currency: waba.currency, timezone_id: waba.timezoneId, message_template_namespace: waba.namespace };
    }
    throw unsupported('get', id);
  });

  app.delete('/:version/:id', async (req: Req) => {
    const media = liveMedia(engine, req.params.id, req.query.phone_number_id);
    if (!media) throw unsupported('delete', req.params.id);
    media.deleted = true;
    return { success: true };
  });

  app.post('/:version/:id', async (req: Req) => {
    const tpl = w().templates.get(req.params.id);
    if (!tpl) throw unsupported('post', req.params.id);
    return editTemplate(engine, tpl, req.body);
  });

  app.post('/:version/:id/unpause', async (req: Req) => {
    const tpl = w().templates.get(req.params.id);
    if (!tpl) throw unsupported('post', req.params.id);
    return unpause(engine, tpl);
  });

  app.get('/:version/:id/phone_numbers', async (req: Req) => {
    if (req.params.id !== w().waba.id) throw unsupported('get', req.params.id);
    const fields = fieldsOf(req.query);
    return paginate([...w().numbers.values()].map((pn) => numberView(engine, pn, fields)), req.query);
  });

  const wabaOnly = (req: Req): void => {
    if (req.params.id !== w().waba.id) throw unsupported(req.method, req.params.id);
  };

  app.get('/:version/:id/message_templates', async (req: Req) => {
    wabaOnly(req);
    const q = req.query;
    const fields = fieldsOf(q);
    const list = [...w().templates.values()].filter(
      (t) =>
        (!q.name || t.name === q.name) &&
        (!q.status || q.status.split(',').includes(t.status)) &&
        (!q.category || q.category.split(',').includes(t.category)) &&
        (!q.language || t.language === q.language),
    );
    return paginate(list.map((t) => templateView(t, fields)), q);
  });

  app.post('/:version/:id/message_templates', async (req: Req) => {
    wabaOnly(req);
    return createTemplate(engine, req.body);
  });

  app.delete('/:version/:id/message_templates', async (req: Req) => {
    wabaOnly(req);
    return deleteTemplates(engine, req.query.name, req.query.hsm_id);
  });

  app.get('/:version/:id/whatsapp_business_profile', async (req: Req) => {
    const pn = number(req.params.id);
    if (!pn) throw unsupported('get', req.params.id);
    const fields = fieldsOf(req.query) ?? ['about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical'];
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (!(f in pn.profile)) throw badParam(`Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessProfile)`);
      out[f] = pn.profile[f as keyof typeof pn.profile];
    }
    return { data: [{ ...out, messaging_product: 'whatsapp' }] };
  });

  app.post('/:version/:id/whatsapp_business_profile', async (req: Req) => {
    const pn = number(req.params.id);
    if (!pn) throw unsupported('post', req.params.id);
    const patch = parseProfilePatch(req.body);
    const { profile_picture_handle: handle, ...rest } = patch;
    Object.assign(pn.profile, rest);
    if (handle) pn.profile.profile_picture_url = `${engine.baseUrl()}/profile-pictures/${encodeURIComponent(handle)}`;
    return { success: true };
  });

  // Media download URL (lookaside-style); needs the same bearer token.
  app.get('/whatsapp_business/attachments/', async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply: FastifyReply) => {
    authenticate(engine, req);
    const q = req.query;
    const m = mediaForDownload(engine, q.mid ?? '', q.ext ?? '', q.hash ?? '');
    if (!m) throw new GraphError(100, 'The media URL has expired or is not valid; request a new URL.', { httpStatus: 404 });
    return reply.header('content-type', m.mimeType).header('content-length', m.bytes.length).send(m.bytes);
  });
}
