import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { sendError } from '../http/errors.ts';
import { mediaFiles, messages } from './schema.ts';
import { loadAccessible } from '../inbox/access.ts';

/** Inbound media as stored by the media fetcher. */
export const mediaFileRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/api/v1/messages/:id/media',
    { schema: { tags: ['messages'], summary: 'Download the media file of an inbound message', params: z.object({ id: z.uuid() }) } },
    async (request, reply) => {
      const [file] = await ctx.store.db.select().from(mediaFiles).where(eq(mediaFiles.messageId, request.params.id));
      if (!file) return sendError(reply, 404, 'no_media', 'This message has no media file.');
      if (request.principal) {
        const [m] = await ctx.store.db.select({ conversationId: messages.conversationId }).from(messages).where(eq(messages.id, request.params.id));
        if (m) await loadAccessible(ctx.store.db, request.principal, m.conversationId);
      }
      if (file.state === 'pending') {
        return sendError(reply, 409, 'media_pending', `The file is still being downloaded from WhatsApp (attempt ${file.attempts}); try again shortly.`);
      }
      if (file.state === 'failed' || !file.path) {
        return sendError(reply, 410, 'media_failed', `The file could not be downloaded from WhatsApp: ${file.lastError ?? 'unknown reason'}.`);
      }
      reply.type(file.mimeType ?? 'application/octet-stream');
      if (file.sizeBytes !== null) reply.header('content-length', file.sizeBytes);
      return reply.send(createReadStream(file.path));
    },
  );
};
