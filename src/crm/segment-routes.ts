// HTTP for saved segments and the live filter preview. Auth is added around this plugin at app assembly.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errorBodySchema } from '../http/errors.ts';
import { countSegment, createSegment, deleteSegment, FILTER_MAX_LENGTH, getSegment, listSegments, previewFilter, updateSegment, type SegmentRow } from './segments.ts';

const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  filter: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function view(s: SegmentRow): z.infer<typeof segmentSchema> {
  return { id: s.id, name: s.name, filter: s.filter, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
}

const filter = z.string().min(1).max(FILTER_MAX_LENGTH).describe('a filter in the segment language (docs/segments.md), e.g. kind = lead and tag = "vip"');
const name = z.string().max(200);
const idParams = z.object({ id: z.string() });
const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export const segmentRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const db = ctx.store.db;

  app.get('/api/v1/segments', {
    schema: { tags: ['segments'], summary: 'List saved segments', response: { 200: z.object({ data: z.array(segmentSchema) }) } },
  }, async () => ({ data: (await listSegments(db)).map(view) }));

  app.post('/api/v1/segments', {
    schema: { tags: ['segments'], summary: 'Save a segment (the filter is checked first)', body: z.object({ name, filter }), response: { 201: segmentSchema, ...errors } },
  }, async (request, reply) => {
    const row = await createSegment(db, request.body, ctx.clock.now());
    return reply.status(201).send(view(row));
  });

  app.post('/api/v1/segments/preview', {
    schema: {
      tags: ['segments'],
      summary: 'Count and sample the contacts a filter selects, or say where the filter is wrong',
      body: z.object({ filter }),
      response: {
        200: z.object({
          count: z.number().int(),
          sample: z.array(z.object({
            id: z.string(), displayName: z.string().nullable(), name: z.string().nullable(), profileName: z.string().nullable(), waId: z.string().nullable(),
            email: z.string().nullable(), kind: z.string(), country: z.string().nullable(), market: z.string().nullable(),
          })),
        }),
        ...errors,
      },
    },
  }, async (request) => previewFilter(db, request.body.filter, ctx.clock.now()));

  app.get('/api/v1/segments/:id', {
    schema: { tags: ['segments'], summary: 'A saved segment', params: idParams, response: { 200: segmentSchema, ...errors } },
  }, async (request) => view(await getSegment(db, request.params.id)));

  app.patch('/api/v1/segments/:id', {
    schema: {
      tags: ['segments'], summary: 'Rename a segment or change its filter', params: idParams,
      body: z.object({ name: name.optional(), filter: filter.optional() }), response: { 200: segmentSchema, ...errors },
    },
  }, async (request) => view(await updateSegment(db, request.params.id, request.body, ctx.clock.now())));

  app.delete('/api/v1/segments/:id', {
    schema: { tags: ['segments'], summary: 'Delete a saved segment', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await deleteSegment(db, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/segments/:id/count', {
    schema: {
      tags: ['segments'], summary: 'How many contacts the segment selects now', params: idParams,
      response: { 200: z.object({ count: z.number().int(), at: z.string() }), ...errors },
    },
  }, async (request) => countSegment(db, request.params.id, ctx.clock.now()));
};
