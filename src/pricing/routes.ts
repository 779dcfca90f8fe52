// HTTP for rate cards and the cost estimate (issue 8). Auth is added around this plugin at app assembly.
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errorBodySchema, HttpError } from '../http/errors.ts';
import { MARKETS, type Market } from '../core/market.ts';
import { estimateCost, EstimateError } from '../core/pricing/estimate.ts';
import { MESSAGING_TIERS } from '../core/pricing/messaging-limit.ts';
import { TIERED_CATEGORIES } from '../core/pricing/rate-card.ts';
import { createRateCard, getRateCard, listRateCards, rateCardAt, toRateCard, validUntil, type RateCardRow } from './service.ts';

const MAX_CSV_BYTES = 1024 * 1024;
const MAX_RECIPIENTS = 200_000;

/** "2025-07-01" is 00:00 UTC that day; a full ISO time with an offset is taken as given. */
const effectiveDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, { error: 'must be a date (2025-07-01) or an ISO time with offset' })
  .transform((s, ctx) => {
    const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date' });
      return z.NEVER;
    }
    return d;
  });

const createBody = z.object({
  name: z.string().min(1).max(200),
  csv: z.string().min(1).max(MAX_CSV_BYTES).describe('the CSV text: header market,marketing,utility,authentication[,extra columns]; # comment lines'),
  currency: z.string().max(8).optional().describe('ISO 4217; optional when the CSV has a "# currency: USD" line'),
  effectiveFrom: effectiveDate,
  tiers: z.array(z.unknown()).max(10_000).optional().describe('volume tiers: [{ market, category: utility|authentication|authentication_international, from, to|null, rate | discountPercent }]'),
});

function view(row: RateCardRow, all: readonly RateCardRow[]) {
  const until = validUntil(row, all);
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    effectiveFrom: row.effectiveFrom.toISOString(),
    validUntil: until?.toISOString() ?? null,
    markets: Object.keys(row.rates as object).length,
    rates: row.rates as Record<string, Record<string, string>>,
    tiers: row.tiers as unknown[],
    createdAt: row.createdAt.toISOString(),
  };
}

const cardSchema = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  effectiveFrom: z.string(),
  validUntil: z.string().nullable(),
  markets: z.number().int(),
  rates: z.record(z.string(), z.record(z.string(), z.string())),
  tiers: z.array(z.unknown()),
  createdAt: z.string(),
});

const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const market = z.string().refine((m): m is Market => (MARKETS as readonly string[]).includes(m), { error: `must be a pricing market: ${MARKETS.join(', ')}` });

const estimateBody = z.object({
  recipients: z.array(z.object({
    phone: z.string().max(32).nullish(),
    bsuid: z.string().max(160).nullish(),
    cswOpen: z.boolean().optional(),
    lastCustomerMessageAt: isoTime.nullish(),
    fepOpen: z.boolean().optional(),
    fep: z.object({ referralAt: isoTime.nullable(), firstReplyAt: isoTime.nullable() }).optional(),
    openConversations: z.array(z.enum(['marketing', 'utility', 'authentication', 'service'])).optional(),
  })).max(MAX_RECIPIENTS),
  category: z.string().describe('MARKETING | UTILITY | AUTHENTICATION'),
  model: z.enum(['PMP', 'CBP']).default('PMP'),
  sendAt: isoTime.optional().describe('when the campaign starts; default now. Picks the rate card valid then.'),
  currency: z.string().max(8).optional().describe('pick the card of this currency'),
  rateCardId: z.string().optional().describe('use this card instead of the one valid at sendAt'),
  monthToDate: z.array(z.object({ market, category: z.enum(TIERED_CATEGORIES), charged: z.number().int().min(0) })).optional(),
  businessMarket: market.optional().describe('the business\'s own market, for authentication-international'),
  marketingLite: z.boolean().optional(),
  limits: z.object({
    tier: z.union([z.literal(250), z.literal(2000), z.literal(10_000), z.literal(100_000), z.literal('unlimited')]).describe(`one of ${MESSAGING_TIERS.join(', ')}`),
    reached: z.array(z.object({ user: z.string().nullish(), at: isoTime })).max(1_000_000).optional(),
    mps: z.number().positive().max(10_000).optional(),
  }).optional(),
  perRecipient: z.boolean().optional(),
});

/** Multipart form: "file" (the CSV) plus fields name, currency, effectiveFrom, tiers (JSON). */
async function formOf(request: FastifyRequest): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      out.csv = (await part.toBuffer()).toString('utf8');
      if (part.file.truncated) throw new HttpError(413, 'file_too_large', 'A rate card CSV is at most 1 MB.');
    } else if (part.fieldname === 'tiers') {
      try {
        out.tiers = JSON.parse(String(part.value));
      } catch {
        throw new HttpError(400, 'invalid_request', 'Invalid tiers: must be a JSON list.', [{ field: 'tiers', message: 'invalid JSON' }]);
      }
    } else {
      out[part.fieldname] = String(part.value);
    }
  }
  return out;
}

function parseCreate(raw: unknown) {
  const r = createBody.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
  const first = problems[0]!;
  throw new HttpError(400, 'invalid_request', `Invalid ${first.field}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), see details)` : ''}`, problems);
}

export const pricingRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const db = ctx.store.db;
  await app.register(multipart, { limits: { fileSize: MAX_CSV_BYTES, files: 1, fields: 10 } });
  // A bare CSV body (curl --data-binary @card.csv -H 'content-type: text/csv') with the rest in the query string.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => done(null, body));

  app.post('/api/v1/rate-cards', {
    schema: {
      tags: ['pricing'],
      summary: 'Add a rate card: JSON { name, csv, currency?, effectiveFrom, tiers? }, multipart (file + fields), or text/csv with ?name=&effectiveFrom=&currency=',
      description: 'Answers 400 invalid_rate_card with details.problems [{ row, column?, market?, code, message }] (row = file line). See docs/pricing.md.',
      response: { 201: cardSchema, 400: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema },
    },
  }, async (request, reply) => {
    let raw: unknown;
    if (request.isMultipart()) raw = await formOf(request);
    else if (typeof request.body === 'string') raw = { ...(request.query as Record<string, unknown>), csv: request.body };
    else raw = request.body;
    const input = parseCreate(raw);
    const row = await createRateCard(db, input);
    return reply.status(201).header('location', `/api/v1/rate-cards/${row.id}`).send(view(row, await listRateCards(db)));
  });

  app.get('/api/v1/rate-cards', {
    schema: { tags: ['pricing'], summary: 'Rate cards per currency, newest first, each with the date it stops applying', response: { 200: z.object({ data: z.array(cardSchema) }) } },
  }, async () => {
    const all = await listRateCards(db);
    return { data: all.map((r) => view(r, all)) };
  });

  app.get('/api/v1/rate-cards/:id', {
    schema: { tags: ['pricing'], summary: 'One rate card', params: z.object({ id: z.string() }), response: { 200: cardSchema, 404: errorBodySchema } },
  }, async (request) => {
    const row = await getRateCard(db, request.params.id);
    return view(row, await listRateCards(db));
  });

  app.post('/api/v1/pricing/estimate', {
    schema: {
      tags: ['pricing'],
      summary: 'Cost, duration and messaging-limit plan of sending one template to recipients (PMP or CBP)',
      description: 'See docs/pricing.md for the rules and the output.',
      body: estimateBody,
      response: { 200: z.unknown(), 400: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema },
    },
  }, async (request) => {
    const b = request.body;
    const sendAt = b.sendAt ?? ctx.clock.now();
    const row = b.rateCardId ? await getRateCard(db, b.rateCardId) : await rateCardAt(db, sendAt, b.currency);
    if (!row) {
      throw new HttpError(422, 'no_rate_card', `No${b.currency ? ` ${b.currency.toUpperCase()}` : ''} rate card is effective at ${sendAt.toISOString()}. Add one with POST /api/v1/rate-cards.`, { sendAt: sendAt.toISOString() });
    }
    try {
      return estimateCost({
        recipients: b.recipients.map((r) => ({ ...r, fep: r.fep ?? undefined })),
        category: b.category,
        model: b.model,
        card: toRateCard(row),
        sendAt,
        monthToDate: b.monthToDate as { market: Market; category: (typeof TIERED_CATEGORIES)[number]; charged: number }[] | undefined,
        businessMarket: (b.businessMarket as Market | undefined) ?? null,
        marketingLite: b.marketingLite,
        limits: b.limits,
        perRecipient: b.perRecipient,
      });
    } catch (err) {
      if (err instanceof EstimateError) throw new HttpError(400, 'invalid_request', `Invalid category: ${err.message}`, [{ field: 'category', message: err.message }]);
      throw err;
    }
  });
};
