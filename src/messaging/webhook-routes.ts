import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { sendError } from '../http/errors.ts';
import { verifySignature } from '../whatsapp/signature.ts';
import type { WebhookIngest } from './ingest.ts';
import { webhookCredentials } from './numbers.ts';
import { replayWebhookEvents } from './processor.ts';

/**
 * Meta → Charla. GET answers the verification handshake; POST verifies X-Hub-Signature-256 over the
 * raw bytes, appends the body durably, and only then answers 200 (a failed write answers 503 so
 * Meta retries).
 */
export const webhookRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; ingest: WebhookIngest }> = async (app, { ctx, ingest }) => {
  // Scoped to this plugin: the signature is over the exact bytes, so the body must stay a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 3 * 1024 * 1024 + 64 * 1024 }, (_req, body, done) => done(null, body));

  app.get(
    '/webhooks/whatsapp',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Meta's webhook verification handshake",
        querystring: z.object({
          'hub.mode': z.string().optional(),
          'hub.challenge': z.string().optional(),
          'hub.verify_token': z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { verifyTokens } = await webhookCredentials(ctx);
      if (q['hub.mode'] !== 'subscribe' || !q['hub.challenge']) {
        return sendError(reply, 400, 'invalid_handshake', 'Expected hub.mode=subscribe with a hub.challenge (this URL is for Meta\'s webhook verification).');
      }
      if (!q['hub.verify_token'] || !verifyTokens.includes(q['hub.verify_token'])) {
        return sendError(reply, 403, 'wrong_verify_token', 'hub.verify_token does not match the verify token of any configured number.');
      }
      return reply.type('text/plain').send(q['hub.challenge']);
    },
  );

  app.post('/webhooks/whatsapp', { schema: { tags: ['webhooks'], summary: 'Receive WhatsApp webhooks (signed by Meta)' } }, async (request, reply) => {
    const raw = request.body as Buffer | undefined;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return sendError(reply, 400, 'empty_body', 'The webhook body is empty.');
    const { appSecrets } = await webhookCredentials(ctx);
    const header = request.headers['x-hub-signature-256'];
    if (!verifySignature(raw, typeof header === 'string' ? header : undefined, appSecrets)) {
      return sendError(
        reply,
        401,
        'bad_signature',
        header
          ? 'X-Hub-Signature-256 does not match the body for any configured app secret. Check the number\'s app secret.'
          : 'Missing X-Hub-Signature-256 header: webhooks must be signed with the app secret.',
      );
    }
    const text = raw.toString('utf8');
    try {
      JSON.parse(text);
    } catch (err) {
      return sendError(reply, 400, 'invalid_json', `The webhook body is not valid JSON: ${(err as Error).message}`);
    }
    try {
      await ingest.append(text);
    } catch (err) {
      request.log.error({ err }, 'webhook body could not be stored');
      return sendError(reply, 503, 'storage_unavailable', 'The event could not be stored; Meta will retry.');
    }
    return reply.type('text/plain').send('EVENT_RECEIVED');
  });
};

export const webhookAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext; wake: () => void }> = async (app, { ctx, wake }) => {
  app.post(
    '/admin/webhooks/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Re-apply stored webhook events (idempotent)',
        body: z
          .object({
            fromId: z.number().int().positive().optional(),
            toId: z.number().int().positive().optional(),
            onlyFailed: z.boolean().optional().describe('only events that recorded an error'),
          })
          .default({}),
        response: { 200: z.object({ replayed: z.number() }) },
      },
    },
    async (request) => {
      const replayed = await replayWebhookEvents(ctx.store.db, request.body);
      wake();
      return { replayed };
    },
  );
};
