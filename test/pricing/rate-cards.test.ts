import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine } from '../helpers/store.ts';
import { testContext, TestClock } from '../helpers/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { pricingRoutes } from '../../src/pricing/routes.ts';
import { createRateCard, rateCardAt, toRateCard } from '../../src/pricing/service.ts';

const example = readFileSync(new URL('../../../shared/ratecards/example-usd.csv', import.meta.url), 'utf8');

/** A multipart/form-data body with text fields and one file. */
function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----charla-pricing-test';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
  parts.push(`--${boundary}--\r\n`);
  return { payload: parts.join(''), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachEngine('rate cards (store)', (ctx) => {
  it('stores a card exactly and finds the one valid at a date, per currency', async () => {
    const db = ctx.store.db;
    const q3 = await createRateCard(db, { name: 'Q3', csv: example, currency: 'USD', effectiveFrom: new Date('2025-07-01T00:00:00Z') });
    await createRateCard(db, { name: 'Q4', csv: example.replace('Mexico,0.0436', 'Mexico,0.0450'), currency: 'USD', effectiveFrom: new Date('2025-10-01T00:00:00Z') });
    await createRateCard(db, { name: 'EUR', csv: '# currency: EUR\nmarket,marketing,utility,authentication\nSpain,0.0509,0.0166,0.0283\n', effectiveFrom: new Date('2025-08-01T00:00:00Z') });
    const card = toRateCard(q3);
    expect(card.rates.Mexico).toEqual({ marketing: '0.0436', utility: '0.01', authentication: '0.0239' });
    expect((await rateCardAt(db, new Date('2025-06-30T23:59:59Z'), 'USD'))).toBeNull();
    expect((await rateCardAt(db, new Date('2025-07-01T00:00:00Z'), 'USD'))?.name).toBe('Q3');
    expect((await rateCardAt(db, new Date('2025-09-30T23:59:59Z'), 'usd'))?.name).toBe('Q3');
    expect((await rateCardAt(db, new Date('2025-10-01T00:00:00Z'), 'USD'))?.name).toBe('Q4');
    expect((await rateCardAt(db, new Date('2025-09-01T00:00:00Z'), 'EUR'))?.name).toBe('EUR');
    expect((await rateCardAt(db, new Date('2025-09-01T00:00:00Z')))?.name).toBe('EUR'); // any currency: latest started
    await expect(createRateCard(db, { name: 'again', csv: example, currency: 'USD', effectiveFrom: new Date('2025-07-01T00:00:00Z') })).rejects.toMatchObject({ statusCode: 409, code: 'rate_card_exists' });
  });
});

describeEachEngine('rate cards and estimate (HTTP)', (ctx) => {
  let app: FastifyInstance;
  const clock = new TestClock(Date.parse('2025-09-10T10:00:00Z'));
  beforeAll(async () => {
    app = await buildApp({ store: ctx.store, logger: false });
    await app.register(pricingRoutes, { ctx: testContext(ctx.store, { clock }) });
    await app.ready();
  });
  afterAll(() => app.close());

  let usdId = '';
  it('POST /api/v1/rate-cards with JSON: 201, the card with exact rates', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', payload: { name: 'Example USD', csv: example, currency: 'usd', effectiveFrom: '2025-07-01' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    usdId = body.id;
    expect(res.headers.location).toBe(`/api/v1/rate-cards/${body.id}`);
    expect(body).toMatchObject({ name: 'Example USD', currency: 'USD', effectiveFrom: '2025-07-01T00:00:00.000Z', validUntil: null, markets: 9, tiers: [] });
    expect(body.rates.Mexico).toEqual({ marketing: '0.0436', utility: '0.01', authentication: '0.0239' });
  });

  it('POST multipart (file + fields, tiers as JSON) and text/csv with the query string', async () => {
    const csv = '# currency: USD\nmarket,marketing,utility,authentication\nMexico,0.0450,0.0100,0.0239\n';
    const tiers = JSON.stringify([{ market: 'Mexico', category: 'utility', from: 1001, to: null, discountPercent: 10 }]);
    const form = multipart({ name: 'Q4 USD', effectiveFrom: '2025-10-01', tiers }, { name: 'q4.csv', content: csv });
    const res = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', ...form });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ currency: 'USD', effectiveFrom: '2025-10-01T00:00:00.000Z', markets: 1, tiers: [{ market: 'Mexico', category: 'utility', from: 1001, to: null, discountPercent: '10' }] });

    const raw = await app.inject({
      method: 'POST', url: '/api/v1/rate-cards?name=EUR%20card&currency=EUR&effectiveFrom=2025-07-01', headers: { 'content-type': 'text/csv' },
      payload: 'market,marketing,utility,authentication\nSpain,0.0509,0.0166,0.0283\n',
    });
    expect(raw.statusCode).toBe(201);
    expect(raw.json()).toMatchObject({ name: 'EUR card', currency: 'EUR', markets: 1 });
  });

  it('answers a bad card with 400 and every problem with its line', async () => {
    const csv = 'market,marketing,utility,authentication\nMexico,0.0436,0.01,0.0239\nUSA,0.025,0.004,0.0135\nSpain,-1,0.02,0.0342\nmexico,1,1,1\n';
    const res = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', payload: { name: 'bad', csv, currency: 'USD', effectiveFrom: '2026-01-01' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_rate_card');
    expect(error.message).toMatch(/^Line 3: "USA" is not a Meta pricing market\. Known markets: .*\(and 2 more problem\(s\), see details\)$/);
    expect(error.details.problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([[3, 'unknown_market'], [4, 'negative_rate'], [5, 'duplicate_market']]);

    const tiers = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', payload: { name: 't', csv: example, currency: 'USD', effectiveFrom: '2026-01-01', tiers: [{ market: 'Mexico', category: 'marketing', from: 1, to: null, rate: '0' }] } });
    expect(tiers.statusCode).toBe(400);
    expect(tiers.json().error.details.problems[0].code).toBe('invalid_category');

    const date = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', payload: { name: 'd', csv: example, currency: 'USD', effectiveFrom: 'next monday' } });
    expect(date.statusCode).toBe(400);
    expect(date.json().error).toMatchObject({ code: 'invalid_request', message: 'Invalid effectiveFrom: must be a date (2025-07-01) or an ISO time with offset' });

    const dup = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', payload: { name: 'dup', csv: example, currency: 'USD', effectiveFrom: '2025-07-01T00:00:00Z' } });
    expect(dup.statusCode).toBe(409);
    const none = await app.inject({ method: 'POST', url: '/api/v1/rate-cards', ...multipart({ name: 'x', effectiveFrom: '2026-01-01' }) });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/^Invalid csv/);
  });

  it('lists cards per currency newest first, each with the date the next one takes over; reads one', async () => {
    const res = await app.inject({ url: '/api/v1/rate-cards' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((c: { name: string; validUntil: string | null }) => [c.name, c.validUntil])).toEqual([
      ['EUR card', null], ['Q4 USD', null], ['Example USD', '2025-10-01T00:00:00.000Z'],
    ]);
    const one = await app.inject({ url: `/api/v1/rate-cards/${usdId}` });
    expect(one.json()).toMatchObject({ id: usdId, validUntil: '2025-10-01T00:00:00.000Z' });
    expect((await app.inject({ url: '/api/v1/rate-cards/nope' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/rate-cards/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  const mexico = (n: number) => Array.from({ length: n }, (_, i) => ({ phone: `+5255${10_000_000 + i}` }));

  it('estimates with the card valid now: 1,000 marketing sends to Mexico = USD 43.60', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients: mexico(1000), category: 'MARKETING', currency: 'USD', limits: { tier: 250 } } });
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e).toMatchObject({ model: 'PMP', currency: 'USD', card: { id: usdId, name: 'Example USD' }, sendAt: '2025-09-10T10:00:00.000Z' });
    expect(e.totals).toEqual({ recipients: 1000, charged: 1000, free: 0, amount: '43.60', amountRounded: '43.60', complete: true });
    expect(e.duration).toEqual({ mps: 80, messages: 1000, ms: 12_500, nowMs: 3125 });
    expect(e.limits).toMatchObject({ canSendNow: 250, later: 750, allSentBy: '2025-09-13T10:00:00.000Z' });
  });

  it('picks the next card from its effective date, with its volume tiers', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/pricing/estimate',
      payload: { recipients: mexico(20), category: 'utility', currency: 'USD', sendAt: '2025-10-05T09:00:00Z', monthToDate: [{ market: 'Mexico', category: 'utility', charged: 990 }] },
    });
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e.card.name).toBe('Q4 USD');
    expect(e.lines[0].bands).toEqual([
      { tier: null, count: 10, unitPrice: '0.01', subtotal: '0.10' },
      { tier: { from: 1001, to: null }, count: 10, unitPrice: '0.009', subtotal: '0.09' },
    ]);
    expect(e.totals.amount).toBe('0.19');
  });

  it('CBP vs PMP, windows, BSUIDs and per-recipient detail over HTTP', async () => {
    const recipients = [
      { phone: '+525510000001', lastCustomerMessageAt: '2025-09-10T09:00:00Z' },
      { bsuid: 'DO.12345678' },
      { phone: '+18095551234', fepOpen: true },
    ];
    const pmp = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients, category: 'UTILITY', rateCardId: usdId, perRecipient: true } });
    expect(pmp.json().recipients.map((r: { market: string; charge: string }) => [r.market, r.charge])).toEqual([
      ['Mexico', 'free_customer_service'], ['Rest of Latin America', 'regular'], ['Rest of Latin America', 'free_entry_point'],
    ]);
    expect(pmp.json().totals.amount).toBe('0.0113');
    const cbp = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients, category: 'UTILITY', rateCardId: usdId, model: 'CBP' } });
    expect(cbp.json().totals.amount).toBe('0.0213');
  });

  it('422 when no card is effective yet; 400 for a bad category or market', async () => {
    const early = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients: mexico(1), category: 'MARKETING', sendAt: '2024-01-01T00:00:00Z' } });
    expect(early.statusCode).toBe(422);
    expect(early.json().error).toMatchObject({ code: 'no_rate_card', message: 'No rate card is effective at 2024-01-01T00:00:00.000Z. Add one with POST /api/v1/rate-cards.' });
    const cat = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients: mexico(1), category: 'SERVICE' } });
    expect(cat.statusCode).toBe(400);
    expect(cat.json().error.message).toBe('Invalid category: Template category "SERVICE" is not priced; use MARKETING, UTILITY or AUTHENTICATION.');
    const mkt = await app.inject({ method: 'POST', url: '/api/v1/pricing/estimate', payload: { recipients: mexico(1), category: 'MARKETING', businessMarket: 'Narnia' } });
    expect(mkt.statusCode).toBe(400);
    expect(mkt.json().error.code).toBe('invalid_request');
  });
});
