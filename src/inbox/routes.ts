// HTTP for the shared inbox: conversation list and counts, one thread and its timeline, actions,
// quick replies and labels. Authentication is added around this plugin at app assembly; every
// conversation query and action here applies the caller's access (see access.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { CloudApiClient } from '../whatsapp/client.ts';
import { principalOf } from './principal.ts';
import { CATEGORIES, STATES, VIEWS, conversationDetail, countConversations, listConversations, timeline } from './queries.ts';
import {
  addInternalNote, addLabel, assignConversation, markConversationRead, removeLabel, setConversationState, setImportant, transferConversation,
} from './actions.ts';
import {
  createLabel, createQuickReply, deleteLabel, deleteQuickReply, listLabels, listQuickReplies, updateLabel, updateQuickReply,
} from './library.ts';

export interface InboxRoutesOptions {
  ctx: AppContext;
  /** Cloud API client for marking messages read (tests pass a fake). */
  client?: CloudApiClient;
}

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');
const idParams = z.object({ id: z.string() });
const tags = ['inbox'];

export const inboxRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, opts) => {
  const { ctx } = opts;

  app.get(
    '/api/v1/inbox/conversations',
    {
      schema: {
        tags,
        summary: 'Conversations for the inbox list, most recent activity first (pass nextCursor back as cursor)',
        querystring: z.object({
          view: z.enum(VIEWS).default('all'),
          state: z.enum(STATES).default('open'),
          teamId: z.uuid().optional(),
          phoneNumberId: z.uuid().optional(),
          labelId: z.uuid().optional(),
          unread: bool.optional(),
          category: z.enum(CATEGORIES).optional(),
          q: z.string().max(100).optional(),
          searchMessages: bool.optional(),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(30),
        }),
      },
    },
    async (request) => listConversations(ctx, principalOf(request), request.query),
  );

  app.get('/api/v1/inbox/counts', { schema: { tags, summary: 'Open and pending conversations per view, and unread ones, for the sidebar' } }, async (request) =>
    countConversations(ctx, principalOf(request)),
  );

  app.get(
    '/api/v1/inbox/conversations/:id',
    { schema: { tags, params: idParams, summary: 'One conversation: contact, window, assignee, team, labels, notes count' } },
    async (request) => conversationDetail(ctx, principalOf(request), request.params.id),
  );

  app.get(
    '/api/v1/inbox/conversations/:id/timeline',
    {
      schema: {
        tags,
        params: idParams,
        querystring: z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        summary: 'Messages and internal notes interleaved, newest first (pass nextCursor back as cursor for older ones)',
      },
    },
    async (request) => timeline(ctx, principalOf(request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/read',
    { schema: { tags, params: idParams, summary: 'Mark read: unread count to zero, and the last customer message read on WhatsApp (best effort)' } },
    async (request) => markConversationRead(ctx, principalOf(request), request.params.id, opts.client),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/assign',
    { schema: { tags, params: idParams, body: z.object({ userId: z.uuid().nullable() }), summary: 'Assign to a user, or unassign with null' } },
    async (request) => assignConversation(ctx, principalOf(request), request.params.id, request.body.userId),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/transfer',
    {
      schema: {
        tags,
        params: idParams,
        body: z.object({ teamId: z.uuid(), note: z.string().max(4000).optional() }),
        summary: "Move to another team's queue (routed by its rule), leaving a note for them",
      },
    },
    async (request) => transferConversation(ctx, principalOf(request), request.params.id, request.body.teamId, request.body.note),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/state',
    { schema: { tags, params: idParams, body: z.object({ state: z.enum(STATES) }), summary: 'Resolve, reopen or set pending' } },
    async (request) => setConversationState(ctx, principalOf(request), request.params.id, request.body.state),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/important',
    { schema: { tags, params: idParams, body: z.object({ important: z.boolean() }), summary: 'Mark or unmark as important' } },
    async (request) => setImportant(ctx, principalOf(request), request.params.id, request.body.important),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/labels',
    { schema: { tags, params: idParams, body: z.object({ labelId: z.uuid() }), summary: 'Add a label' } },
    async (request) => addLabel(ctx, principalOf(request), request.params.id, request.body.labelId),
  );

  app.delete(
    '/api/v1/inbox/conversations/:id/labels/:labelId',
    { schema: { tags, params: z.object({ id: z.string(), labelId: z.uuid() }), summary: 'Remove a label' } },
    async (request) => removeLabel(ctx, principalOf(request), request.params.id, request.params.labelId),
  );

  app.post(
    '/api/v1/inbox/conversations/:id/notes',
    { schema: { tags, params: idParams, body: z.object({ body: z.string().trim().min(1).max(10_000) }), summary: 'Add an internal note (never sent to WhatsApp)' } },
    async (request, reply) => reply.status(201).send(await addInternalNote(ctx, principalOf(request), request.params.id, request.body.body)),
  );

  // --- quick replies ---
  const qrTags = ['quick replies'];
  const qrBody = z.object({
    shortcut: z.string().min(1).max(40),
    title: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(4096),
    language: z.enum(['es', 'en']).nullable().optional(),
  });
  app.get(
    '/api/v1/quick-replies',
    { schema: { tags: qrTags, querystring: z.object({ search: z.string().max(100).optional(), language: z.string().max(10).optional() }), summary: 'Quick replies (search matches the shortcut prefix or the title)' } },
    async (request) => ({ data: await listQuickReplies(ctx, request.query) }),
  );
  app.post('/api/v1/quick-replies', { schema: { tags: qrTags, body: qrBody } }, async (request, reply) =>
    reply.status(201).send(await createQuickReply(ctx, principalOf(request), request.body)),
  );
  app.patch('/api/v1/quick-replies/:id', { schema: { tags: qrTags, params: idParams, body: qrBody.partial() } }, async (request) =>
    updateQuickReply(ctx, principalOf(request), request.params.id, request.body),
  );
  app.delete('/api/v1/quick-replies/:id', { schema: { tags: qrTags, params: idParams } }, async (request, reply) => {
    await deleteQuickReply(ctx, principalOf(request), request.params.id);
    return reply.status(204).send();
  });

  // --- labels ---
  const labelTags = ['labels'];
  const labelBody = z.object({ name: z.string().trim().min(1).max(60), color: z.string().max(32).nullable().optional() });
  app.get('/api/v1/labels', { schema: { tags: labelTags } }, async () => ({ data: await listLabels(ctx) }));
  app.post('/api/v1/labels', { schema: { tags: labelTags, body: labelBody } }, async (request, reply) =>
    reply.status(201).send(await createLabel(ctx, principalOf(request), request.body)),
  );
  app.patch('/api/v1/labels/:id', { schema: { tags: labelTags, params: idParams, body: labelBody.partial() } }, async (request) =>
    updateLabel(ctx, principalOf(request), request.params.id, request.body),
  );
  app.delete('/api/v1/labels/:id', { schema: { tags: labelTags, params: idParams } }, async (request, reply) => {
    await deleteLabel(ctx, principalOf(request), request.params.id);
    return reply.status(204).send();
  });
};
