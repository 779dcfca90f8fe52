// HTTP for outbound messaging: send (queued through the outbox), mark as read, message status, conversation
// history, media upload, and the sender numbers. Auth is added around these plugins at app assembly.
import multipart from '@fastify/multipart';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { loadAccessible } from '../inbox/access.ts';
import { preflight } from '../core/preflight.ts';
import { mediaKindOfMime, validateMediaUpload } from '../core/outbound.ts';
import type { MediaKind } from '../core/message-types.ts';
import { cloudApiFor, type CloudApiClient } from '../whatsapp/client.ts';
import { CloudApiError } from '../whatsapp/errors.ts';
import { conversations, messages } from './schema.ts';
import { getNumber, getNumberByMetaId, listNumbers, publicNumber, updateNumber, upsertNumber, type PhoneNumberRow } from './numbers.ts';
import {
  conversationExists, enqueueMessage, getMessage, getMessageByIdOrWamid, listConversationMessages, type EnqueueInput, type OutboundFacts,
} from './outbox.ts';

export interface MessageRoutesOptions {
  ctx: AppContext;
  /** The local dispatcher's wake(), so queued messages leave at once. */
  wake?: () => void;
  facts?: Partial<OutboundFacts>;
  client?: CloudApiClient;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our uuid or Meta's phone_number_id. */
export async function findNumber(ctx: AppContext, id: string): Promise<PhoneNumberRow> {
  const row = UUID.test(id) ? await getNumber(ctx, id) : await getNumberByMetaId(ctx, id);
  if (!row) throw new HttpError(404, 'number_not_found', `There is no sender number ${id}. List numbers with GET /api/v1/numbers, or add it with POST /api/v1/numbers.`);
  return row;
}

// --- body schemas (shape only; every documented limit is checked by core preflight, which answers 422) ---

const mediaRef = z.object({ id: z.string().min(1).optional(), link: z.string().min(1).optional() });
const text = z.object({ body: z.string(), preview_url: z.boolean().optional() });
const headerMedia = z.object({ id: z.string().optional(), link: z.string().optional(), filename: z.string().optional() });
const interactiveHeader = z.object({
  type: z.enum(['text', 'image', 'video', 'document']),
  text: z.string().optional(),
  image: headerMedia.optional(),
  video: headerMedia.optional(),
  document: headerMedia.optional(),
});
const textObj = z.object({ text: z.string() });
const interactive = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('button'),
    header: interactiveHeader.optional(),
    body: textObj,
    footer: textObj.optional(),
    action: z.object({
      buttons: z.array(z.object({ type: z.literal('reply'), reply: z.object({ id: z.string(), title: z.string() }) })),
    }),
  }),
  z.object({
    type: z.literal('list'),
    header: interactiveHeader.optional(),
    body: textObj,
    footer: textObj.optional(),
    action: z.object({
      button: z.string(),
      sections: z.array(
        z.object({
          title: z.string().optional(),
          rows: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })),
        }),
      ),
    }),
  }),
  z.object({
    type: z.literal('cta_url'),
    header: interactiveHeader.optional(),
    body: textObj,
    footer: textObj.optional(),
    action: z.object({ name: z.literal('cta_url'), parameters: z.object({ display_text: z.string(), url: z.string() }) }),
  }),
]);
const location = z.object({
  latitude: z.union([z.number(), z.string()]),
  longitude: z.union([z.number(), z.string()]),
  name: z.string().optional(),
  address: z.string().optional(),
});
const templateParam = z.looseObject({ type: z.string(), parameter_name: z.string().optional() });
const template = z.object({
  name: z.string().min(1),
  language: z.object({ code: z.string().min(2), policy: z.string().optional() }),
  components: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('header'), parameters: z.array(templateParam) }),
        z.object({ type: z.literal('body'), parameters: z.array(templateParam) }),
        z.object({
          type: z.literal('button'),
          sub_type: z.string(),
          index: z.union([z.string(), z.number()]),
          parameters: z.array(templateParam),
        }),
      ]),
    )
    .optional(),
});

const base = {
  /** Our number id (uuid) or Meta's phone_number_id. */
  phoneNumberId: z.string().min(1),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  contactId: z.uuid().optional(),
  context: z.object({ message_id: z.string().min(1) }).optional(),
  priority: z.number().int().min(0).max(100).optional(),
  notBefore: z.iso.datetime({ offset: true }).optional(),
};

export const sendBodySchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('text'), text }),
  z.object({ ...base, type: z.literal('image'), image: mediaRef.extend({ caption: z.string().optional() }) }),
  z.object({ ...base, type: z.literal('video'), video: mediaRef.extend({ caption: z.string().optional() }) }),
  z.object({ ...base, type: z.literal('audio'), audio: mediaRef.extend({ voice: z.boolean().optional() }) }),
  z.object({ ...base, type: z.literal('document'), document: mediaRef.extend({ caption: z.string().optional(), filename: z.string().optional() }) }),
  z.object({ ...base, type: z.literal('sticker'), sticker: mediaRef }),
  z.object({ ...base, type: z.literal('location'), location }),
  z.object({ ...base, type: z.literal('contacts'), contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string() }) })).min(1) }),
  z.object({ ...base, type: z.literal('reaction'), reaction: z.object({ message_id: z.string().min(1), emoji: z.string().optional() }) }),
  z.object({ ...base, type: z.literal('interactive'), interactive }),
  z.object({ ...base, type: z.literal('template'), template }),
]);
export type SendBody = z.infer<typeof sendBodySchema>;

const readBodySchema = z.object({
  /** Our message id or its wamid. */
  messageId: z.string().min(1),
  /** Needed only when the message is not stored here (a wamid we never received). */
  phoneNumberId: z.string().min(1).optional(),
  typingIndicator: z.boolean().optional(),
});

function metaErrorToHttp(e: CloudApiError): HttpError {
  const status = e.retryable ? 502 : 422;
  return new HttpError(status, 'whatsapp_error', `${e.info.explanation.en} (WhatsApp error ${e.code}: ${e.title}) ${e.info.advice.en}`, {
    code: e.code,
    title: e.title,
    details: e.details,
    fbtraceId: e.fbtraceId,
  });
}

export const messageRoutes: FastifyPluginAsyncZod<MessageRoutesOptions> = async (app, opts) => {
  const { ctx } = opts;
  const client = () => opts.client ?? cloudApiFor(ctx);

  app.post(
    '/api/v1/messages',
    { schema: { body: sendBodySchema, tags: ['messages'], summary: 'Send a message (queued, paced per number, sent by the dispatcher)' } },
    async (request, reply) => {
      const b = request.body;
      const number = await findNumber(ctx, b.phoneNumberId);
      const body: Record<string, unknown> = { ...b };
      for (const k of ['phoneNumberId', 'to', 'recipient', 'contactId', 'priority', 'notBefore']) delete body[k];
      const input: EnqueueInput = { phoneNumberId: number.id, body };
      if (b.to) input.to = b.to;
      if (b.recipient) input.recipient = b.recipient;
      if (b.contactId) input.contactId = b.contactId;
      if (b.priority !== undefined) input.priority = b.priority;
      if (b.notBefore) input.notBefore = new Date(b.notBefore);
      const view = await enqueueMessage(ctx, input, { ...(opts.facts ? { facts: opts.facts } : {}), ...(opts.wake ? { wake: opts.wake } : {}) });
      return reply.status(202).send(view);
    },
  );

  app.post(
    '/api/v1/messages/read',
    { schema: { body: readBodySchema, tags: ['messages'], summary: 'Mark a received message (and earlier ones) as read, optionally showing a typing indicator' } },
    async (request) => {
      const b = request.body;
      const target = await getMessageByIdOrWamid(ctx.store.db, b.messageId);
      if (!target && UUID.test(b.messageId)) throw new HttpError(404, 'message_not_found', `There is no message ${b.messageId}.`);
      let number: PhoneNumberRow;
      if (target) {
        const [conv] = await ctx.store.db.select().from(conversations).where(eq(conversations.id, target.conversationId));
        number = await findNumber(ctx, conv!.phoneNumberId);
      } else if (b.phoneNumberId) {
        number = await findNumber(ctx, b.phoneNumberId);
      } else {
        throw new HttpError(404, 'message_not_found', `There is no message ${b.messageId} here; give phoneNumberId to mark a WhatsApp message id read anyway.`, { field: 'phoneNumberId' });
      }
      const wamid = target?.wamid ?? b.messageId;
      const body = { messaging_product: 'whatsapp', status: 'read', message_id: wamid, ...(b.typingIndicator ? { typing_indicator: { type: 'text' } } : {}) };
      const now = ctx.clock.now();
      const check = preflight({
        body,
        conversation: { lastCustomerMessageAt: null },
        consent: { marketing: 'unknown' },
        recipient: { bsuidOnly: false },
        target: target ? { at: target.at, direction: target.direction === 'in' ? 'inbound' : 'outbound', type: target.type } : null,
        now,
      });
      if (!check.ok) throw new HttpError(422, check.refusal.code, check.refusal.message, check.refusal.details);
      try {
        await client().markRead(number, wamid, { typingIndicator: b.typingIndicator ?? false });
      } catch (err) {
        if (err instanceof CloudApiError) throw metaErrorToHttp(err);
        throw err;
      }
      if (target) {
        // Marking one message read marks the earlier ones too (spec §1.6).
        await ctx.store.db
          .update(messages)
          .set({ status: 'read', readAt: now })
          .where(and(eq(messages.conversationId, target.conversationId), eq(messages.direction, 'in'), lte(messages.at, target.at), sql`${messages.status} <> 'read'`));
        await ctx.store.db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, target.conversationId));
        ctx.events.emit('conversation.updated', { conversationId: target.conversationId });
      }
      return { success: true, messageId: target?.id ?? null, wamid, typingIndicator: b.typingIndicator ?? false };
    },
  );

  app.get(
    '/api/v1/messages/:id',
    { schema: { params: z.object({ id: z.string() }), tags: ['messages'], summary: 'A message with its status, timestamps and errors in words' } },
    async (request) => {
      const view = await getMessage(ctx.store.db, request.params.id);
      if (!view) throw new HttpError(404, 'message_not_found', `There is no message ${request.params.id}.`);
      // Agents only see messages of conversations they may open (same rule as the inbox).
      if (request.principal) await loadAccessible(ctx.store.db, request.principal, view.conversationId);
      return view;
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        params: z.object({ id: z.string() }),
        querystring: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        tags: ['messages'],
        summary: 'Messages of a conversation, newest first (pass nextCursor back as cursor for older ones)',
      },
    },
    async (request) => {
      if (!(await conversationExists(ctx.store.db, request.params.id))) {
        throw new HttpError(404, 'conversation_not_found', `There is no conversation ${request.params.id}.`);
      }
      const q = request.query;
      return listConversationMessages(ctx.store.db, request.params.id, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) });
    },
  );

  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024 + 1, files: 1, fields: 5 } });
  app.post('/api/v1/media', { schema: { tags: ['media'], summary: 'Upload a file to WhatsApp (multipart: phoneNumberId, kind?, file) and get its media id' } }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new HttpError(415, 'unsupported_media_type', 'Send the file as multipart/form-data with fields phoneNumberId, optional kind, and file.');
    }
    const part = await request.file();
    if (!part) throw new HttpError(400, 'invalid_request', 'Invalid file: no file in the form. Add a "file" field.', [{ field: 'file', message: 'required' }]);
    const field = (name: string): string | undefined => {
      const f = part.fields[name];
      const one = Array.isArray(f) ? f[0] : f;
      return one && one.type === 'field' ? String(one.value) : undefined;
    };
    const phoneNumberId = field('phoneNumberId');
    if (!phoneNumberId) {
      throw new HttpError(400, 'invalid_request', 'Invalid phoneNumberId: required (put the form field before the file).', [{ field: 'phoneNumberId', message: 'required' }]);
    }
    const number = await findNumber(ctx, phoneNumberId);
    const data = await part.toBuffer().catch((err: unknown) => {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, 'file_too_large', 'The file is larger than 100 MB, the most WhatsApp accepts.');
      throw err;
    });
    const mimeType = part.mimetype;
    const kindField = field('kind');
    const kind = (kindField ?? mediaKindOfMime(mimeType)) as MediaKind | undefined;
    if (!kind || !['image', 'video', 'audio', 'document', 'sticker'].includes(kind)) {
      throw new HttpError(422, 'media_type_not_supported', `WhatsApp does not accept files of type "${mimeType}". Convert it to a supported image, video, audio or document type.`, {
        field: kindField ? 'kind' : 'file',
      });
    }
    const problems = validateMediaUpload({ kind, mimeType, sizeBytes: data.length, animated: field('animated') === 'true' });
    if (problems.length > 0) throw new HttpError(422, 'invalid_media', problems[0]!.message, { problems });
    try {
      const { id } = await client().uploadMedia(number, { data, mimeType, filename: part.filename });
      return reply.status(201).send({ id, kind, mimeType, sizeBytes: data.length, phoneNumberId: number.id });
    } catch (err) {
      if (err instanceof CloudApiError) throw metaErrorToHttp(err);
      throw err;
    }
  });
};

// --- numbers ---

const numberCreateSchema = z.object({
  phoneNumberId: z.string().min(1),
  wabaId: z.string().min(1),
  displayPhoneNumber: z.string().min(1),
  verifiedName: z.string().nullable().optional(),
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  throughputMps: z.number().int().min(1).max(10_000).optional(),
});
const numberPatchSchema = z.object({
  displayPhoneNumber: z.string().min(1).optional(),
  verifiedName: z.string().nullable().optional(),
  accessToken: z.string().min(1).optional(),
  appSecret: z.string().min(1).optional(),
  verifyToken: z.string().min(1).optional(),
  throughputMps: z.number().int().min(1).max(10_000).optional(),
  qualityRating: z.string().nullable().optional(),
  messagingLimitTier: z.string().nullable().optional(),
});

export const numberRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/api/v1/numbers', { schema: { tags: ['numbers'], summary: 'Sender numbers (never their credentials)' } }, async () => ({
    data: (await listNumbers(ctx)).map(publicNumber),
  }));
  app.post(
    '/api/v1/numbers',
    { schema: { body: numberCreateSchema, tags: ['numbers'], summary: 'Add a sender number, or update it by Meta phone_number_id' } },
    async (request, reply) => {
      const b = request.body;
      const existed = await getNumberByMetaId(ctx, b.phoneNumberId);
      const row = await upsertNumber(ctx, {
        phoneNumberId: b.phoneNumberId,
        wabaId: b.wabaId,
        displayPhoneNumber: b.displayPhoneNumber,
        verifiedName: b.verifiedName ?? null,
        accessToken: b.accessToken,
        appSecret: b.appSecret,
        verifyToken: b.verifyToken,
        ...(b.throughputMps !== undefined ? { throughputMps: b.throughputMps } : {}),
      });
      return reply.status(existed ? 200 : 201).send(publicNumber(row));
    },
  );
  app.get('/api/v1/numbers/:id', { schema: { params: z.object({ id: z.string() }), tags: ['numbers'] } }, async (request) =>
    publicNumber(await findNumber(ctx, request.params.id)),
  );
  app.patch(
    '/api/v1/numbers/:id',
    { schema: { params: z.object({ id: z.string() }), body: numberPatchSchema, tags: ['numbers'] } },
    async (request) => {
      const row = await findNumber(ctx, request.params.id);
      const patch = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      const updated = await updateNumber(ctx, row.id, patch);
      if (!updated) throw new HttpError(404, 'number_not_found', `There is no sender number ${request.params.id}.`);
      return publicNumber(updated);
    },
  );
};
