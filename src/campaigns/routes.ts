// HTTP for campaigns (issue 8). Auth is added around this plugin at app assembly.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errorBodySchema } from '../http/errors.ts';
import {
  campaignInputSchema, campaignPatchSchema, cancelCampaign, createCampaign, deleteCampaign, getCampaignRow, campaignView, launchCampaign,
  listCampaigns, pauseCampaign, previewCampaign, resumeCampaign, updateCampaign,
} from './service.ts';
import { createList, listLists } from './lists.ts';
import { campaignResults, exclusionsCsv, LANGS, listRecipients, RECIPIENT_STATES, recipientsCsv } from './results.ts';

const idParams = z.object({ id: z.string() });
const errors = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 422: errorBodySchema };
// Responses are documented in docs/campaigns.md; the shapes come from typed service functions.
const anyObject = z.any();

export interface CampaignRoutesOptions {
  ctx: AppContext;
  /** Nudges the local feeder after launch/resume (services: feeder.wake). */
  wake?: () => void;
}

export const campaignRoutes: FastifyPluginAsyncZod<CampaignRoutesOptions> = async (app, { ctx, wake }) => {
  const db = ctx.store.db;
  const tags = ['campaigns'];

  app.get('/api/v1/campaigns', {
    schema: { tags, summary: 'List campaigns, newest first', querystring: z.object({ state: z.string().optional() }), response: { 200: z.object({ data: z.array(anyObject) }) } },
  }, async (request) => ({ data: await listCampaigns(db, request.query.state ? { state: request.query.state } : {}) }));

  app.post('/api/v1/campaigns', {
    schema: { tags, summary: 'Create a draft campaign (number, approved template, mapping, audience, schedule, sending hours, end time)', body: campaignInputSchema, response: { 201: anyObject, ...errors } },
  }, async (request, reply) => reply.status(201).send(await createCampaign(ctx, request.body)));

  app.post('/api/v1/campaigns/lists', {
    schema: {
      tags,
      summary: 'Upload a recipient list (CSV text): phones matched to contacts (created when new), other columns kept as send-time values',
      body: z.object({ name: z.string().min(1).max(200), csv: z.string().min(1).max(50 * 1024 * 1024), phoneColumn: z.string().optional(), defaultCountry: z.string().length(2).optional() }),
      response: { 201: anyObject, ...errors },
    },
    bodyLimit: 60 * 1024 * 1024,
  }, async (request, reply) => {
    const b = request.body;
    return reply.status(201).send(await createList(db, {
      name: b.name, csv: b.csv, ...(b.phoneColumn ? { phoneColumn: b.phoneColumn } : {}), ...(b.defaultCountry ? { defaultCountry: b.defaultCountry } : {}),
    }, ctx.clock.now()));
  });

  app.get('/api/v1/campaigns/lists', {
    schema: { tags, summary: 'Uploaded recipient lists', response: { 200: z.object({ data: z.array(anyObject) }) } },
  }, async () => ({ data: await listLists(db) }));

  app.get('/api/v1/campaigns/:id', {
    schema: { tags, summary: 'A campaign with progress, funnel, errors by code and cost (estimate beside actual)', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => {
    const row = await getCampaignRow(db, request.params.id);
    return { ...campaignView(row), results: row.state === 'draft' ? null : await campaignResults(db, row.id) };
  });

  app.patch('/api/v1/campaigns/:id', {
    schema: { tags, summary: 'Edit a draft', params: idParams, body: campaignPatchSchema, response: { 200: anyObject, ...errors } },
  }, async (request) => updateCampaign(ctx, request.params.id, request.body));

  app.delete('/api/v1/campaigns/:id', {
    schema: { tags, summary: 'Delete a draft', params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    await deleteCampaign(ctx, request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/v1/campaigns/:id/preview', {
    schema: { tags, summary: 'Resolve the audience (exclusions by reason) and estimate cost, duration and messaging-tier split, without launching', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => previewCampaign(ctx, request.params.id));

  app.post('/api/v1/campaigns/:id/launch', {
    schema: { tags, summary: 'Launch: recipients fixed with due times, estimate frozen; the feeder starts sending when due', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => launchCampaign(ctx, request.params.id, wake ? { wake } : {}));

  app.post('/api/v1/campaigns/:id/pause', {
    schema: { tags, summary: 'Pause: nothing more is fed or sent until resumed', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => pauseCampaign(ctx, request.params.id));

  app.post('/api/v1/campaigns/:id/resume', {
    schema: { tags, summary: 'Resume a paused campaign', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => resumeCampaign(ctx, request.params.id, wake ? { wake } : {}));

  app.post('/api/v1/campaigns/:id/cancel', {
    schema: { tags, summary: 'Cancel: queued messages are withdrawn and nothing more is sent', params: idParams, response: { 200: anyObject, ...errors } },
  }, async (request) => cancelCampaign(ctx, request.params.id));

  app.get('/api/v1/campaigns/:id/recipients', {
    schema: {
      tags,
      summary: 'Recipients with their state (queued, sent, delivered, read, replied, failed with the error in words, skipped with why)',
      params: idParams,
      querystring: z.object({ state: z.enum(RECIPIENT_STATES).optional(), cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ data: z.array(anyObject), nextCursor: z.string().nullable() }), ...errors },
    },
  }, async (request) => {
    const q = request.query;
    return listRecipients(db, request.params.id, { limit: q.limit, ...(q.state ? { state: q.state } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });
  });

  app.get('/api/v1/campaigns/:id/recipients.csv', {
    schema: { tags, summary: 'Recipients as CSV (error texts in `lang`)', params: idParams, querystring: z.object({ state: z.enum(RECIPIENT_STATES).optional(), lang: z.enum(LANGS).default('en') }) },
  }, async (request, reply) => {
    await getCampaignRow(db, request.params.id);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="campaign-${request.params.id}-recipients.csv"`);
    return reply.send(Readable.from(recipientsCsv(db, request.params.id, request.query.state, request.query.lang)));
  });

  app.get('/api/v1/campaigns/:id/exclusions.csv', {
    schema: { tags, summary: 'Who is left out and why, as CSV (explanations in `lang`)', params: idParams, querystring: z.object({ lang: z.enum(LANGS).default('en') }) },
  }, async (request, reply) => {
    await getCampaignRow(db, request.params.id);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="campaign-${request.params.id}-exclusions.csv"`);
    return reply.send(Readable.from(exclusionsCsv(db, request.params.id, ctx.clock.now(), request.query.lang)));
  });
};
