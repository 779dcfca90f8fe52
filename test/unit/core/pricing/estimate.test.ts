import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRateCardCsv, type RateCard, type VolumeTier } from '../../../../src/core/pricing/rate-card.ts';
import { estimateCost, EstimateError, minorUnits, type EstimateInput, type EstimateRecipient } from '../../../../src/core/pricing/estimate.ts';

const parsed = parseRateCardCsv(readFileSync(new URL('../../../../../shared/ratecards/example-usd.csv', import.meta.url), 'utf8'), { currency: 'USD' });
if (!parsed.ok) throw new Error('example card does not parse');
const card: RateCard = { id: 'card-1', name: 'Example USD', currency: 'USD', effectiveFrom: new Date('2025-07-01T00:00:00Z'), rates: parsed.rates, tiers: [] };
const sendAt = new Date('2025-09-10T10:00:00Z');
const H = 3_600_000;

const mx = (i: number, extra: Partial<EstimateRecipient> = {}): EstimateRecipient => ({ phone: `+5255${String(10_000_000 + i)}`, ...extra });
const many = <T = EstimateRecipient>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const run = (over: Partial<EstimateInput>) => estimateCost({ recipients: [], category: 'MARKETING', model: 'PMP', card, sendAt, ...over });

describe('estimateCost under PMP (spec §5.2)', () => {
  it('the rate-card example: 1,000 marketing sends to Mexico cost USD 43.60 exactly', () => {
    const e = run({ recipients: many(1000, (i) => mx(i)) });
    expect(e.lines).toEqual([{
      market: 'Mexico', category: 'marketing', count: 1000, chargedCount: 1000,
      free: { customerService: 0, entryPoint: 0, openConversation: 0 },
      unitPrice: '0.0436', subtotal: '43.60', bands: [{ tier: null, count: 1000, unitPrice: '0.0436', subtotal: '43.60' }],
    }]);
    expect(e.totals).toEqual({ recipients: 1000, charged: 1000, free: 0, amount: '43.60', amountRounded: '43.60', complete: true });
    expect(e.currency).toBe('USD');
    expect(e.card).toEqual({ id: 'card-1', name: 'Example USD', effectiveFrom: '2025-07-01T00:00:00.000Z' });
  });

  it.each([
    // category, csw open, fep open, charge
    ['MARKETING', false, false, 'regular'],
    ['MARKETING', true, false, 'regular'], // marketing is charged inside the CSW too
    ['UTILITY', false, false, 'regular'],
    ['UTILITY', true, false, 'free_customer_service'], // utility inside an open CSW is free
    ['AUTHENTICATION', false, false, 'regular'],
    ['AUTHENTICATION', true, false, 'regular'],
    ['MARKETING', false, true, 'free_entry_point'], // everything inside an FEP window is free
    ['UTILITY', true, true, 'free_entry_point'],
    ['AUTHENTICATION', true, true, 'free_entry_point'],
  ] as const)('%s with CSW %s, FEP %s → %s', (category, cswOpen, fepOpen, charge) => {
    const e = run({ category, recipients: [mx(1, { cswOpen, fepOpen })], perRecipient: true });
    expect(e.recipients?.[0]?.charge).toBe(charge);
    const price = { MARKETING: '0.0436', UTILITY: '0.01', AUTHENTICATION: '0.0239' }[category];
    expect(e.totals.amount).toBe(charge === 'regular' ? (price === '0.01' ? '0.01' : price) : '0.00');
  });

  it('a utility template to a contact with an open window costs 0 (window derived from the last message)', () => {
    const e = run({
      category: 'utility',
      recipients: [mx(1, { lastCustomerMessageAt: new Date(sendAt.getTime() - 23 * H) }), mx(2, { lastCustomerMessageAt: new Date(sendAt.getTime() - 24 * H) })],
    });
    expect(e.lines[0]).toMatchObject({ market: 'Mexico', category: 'utility', count: 2, chargedCount: 1, free: { customerService: 1, entryPoint: 0, openConversation: 0 }, subtotal: '0.01' });
    expect(e.totals).toMatchObject({ charged: 1, free: 1, amount: '0.01' });
    expect(e.outsideWindow).toBe(1); // only the closed window counts against the messaging limit
  });

  it('FEP window derived from its facts: free for 72 h from the reply, charged after', () => {
    const referralAt = new Date(sendAt.getTime() - 50 * H);
    const e = run({
      recipients: [
        mx(1, { fep: { referralAt, firstReplyAt: new Date(referralAt.getTime() + H) } }), // open: 49 h into 72 h
        mx(2, { fep: { referralAt: new Date(sendAt.getTime() - 80 * H), firstReplyAt: new Date(sendAt.getTime() - 79 * H) } }), // expired
        mx(3, { fep: { referralAt, firstReplyAt: new Date(referralAt.getTime() + 25 * H) } }), // reply too late: no FEP
      ],
      perRecipient: true,
    });
    expect(e.recipients?.map((r) => r.charge)).toEqual(['free_entry_point', 'regular', 'regular']);
    expect(e.totals.amount).toBe('0.0872');
    expect(e.totals.amountRounded).toBe('0.09');
  });

  it('prices by market: +1 809 is Rest of Latin America, +1 650 North America, a BSUID-only contact its country', () => {
    const e = run({
      recipients: [{ phone: '+18095551234' }, { phone: '+16505551234' }, { bsuid: 'MX.13491208655302741918' }, { bsuid: 'DO.998877' }, { phone: '+34612345678', bsuid: 'MX.1' }],
      perRecipient: true,
    });
    expect(e.recipients?.map((r) => [r.market, r.unitPrice])).toEqual([
      ['Rest of Latin America', '0.074'], ['North America', '0.025'], ['Mexico', '0.0436'], ['Rest of Latin America', '0.074'], ['Spain', '0.0615'],
    ]);
    expect(e.lines.map((l) => [l.market, l.count, l.subtotal])).toEqual([
      ['Mexico', 1, '0.0436'], ['North America', 1, '0.025'], ['Rest of Latin America', 2, '0.148'], ['Spain', 1, '0.0615'],
    ]);
    expect(e.totals.amount).toBe('0.2781');
  });

  it('markets the card has no row for are listed as unpriced and the total says it is incomplete', () => {
    const e = run({ recipients: [mx(1), { phone: '+4915112345678' }, { phone: '+4915112345679', cswOpen: true, fepOpen: true }] });
    expect(e.unpriced).toEqual([{ market: 'Germany', category: 'marketing', count: 1 }]);
    expect(e.lines.find((l) => l.market === 'Germany')).toMatchObject({ count: 2, chargedCount: 1, unitPrice: null, subtotal: '0', bands: [] });
    expect(e.totals).toMatchObject({ amount: '0.0436', complete: false });
    // Only free messages to an unpriced market: the estimate is still complete.
    expect(run({ recipients: [{ phone: '+4915112345679', fepOpen: true }] }).totals.complete).toBe(true);
  });

  it('authentication-international applies where the card has it and the business is in another market', () => {
    const intl: RateCard = { ...card, rates: { ...card.rates, India: { marketing: '0.0107', utility: '0.0014', authentication: '0.0014', authentication_international: '0.028' } } };
    const india = { phone: '+919812345678' };
    const base = { category: 'AUTHENTICATION', card: intl, recipients: [india, mx(1)] } as const;
    expect(run({ ...base, businessMarket: 'Spain' }).lines.map((l) => [l.market, l.category, l.subtotal])).toEqual([
      ['India', 'authentication_international', '0.028'], ['Mexico', 'authentication', '0.0239'], // Mexico's row has no international rate
    ]);
    expect(run({ ...base, businessMarket: 'India' }).lines[0]).toMatchObject({ category: 'authentication', subtotal: '0.0014' });
    expect(run(base).lines[0]).toMatchObject({ category: 'authentication' }); // business market unknown
  });

  it('marketing_lite rate for Marketing Messages Lite sends where the card has it', () => {
    const lite: RateCard = { ...card, rates: { ...card.rates, Mexico: { ...card.rates.Mexico!, marketing_lite: '0.04' } } };
    expect(run({ card: lite, marketingLite: true, recipients: [mx(1), { phone: '+34612345678' }] }).lines.map((l) => [l.category, l.subtotal]))
      .toEqual([['marketing_lite', '0.04'], ['marketing', '0.0615']]);
  });

  it('refuses a category that is not priced', () => {
    expect(() => run({ category: 'SERVICE' })).toThrow(EstimateError);
  });

  it('totals in a currency without minor units round to whole units', () => {
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('CLP')).toBe(0);
    const clp: RateCard = { ...card, currency: 'CLP', rates: { Chile: { marketing: '84.45', utility: '19', authentication: '50.06' } } };
    const e = run({ card: clp, recipients: many(3, () => ({ phone: '+56912345678' })) });
    expect(e.totals).toMatchObject({ amount: '253.35', amountRounded: '253' });
  });
});

describe('CBP vs PMP on the same audience (spec §5.1, §5.2)', () => {
  // 10 Mexican contacts: 4 with an open CSW (2 of them with a utility conversation already open), 2 in an FEP
  // window, 4 with nothing open; one of the nothing-open contacts appears twice in the list.
  const audience: EstimateRecipient[] = [
    ...many(2, (i) => mx(i, { cswOpen: true, openConversations: ['service', 'utility'] })),
    ...many(2, (i) => mx(10 + i, { cswOpen: true, openConversations: ['service'] })),
    ...many(2, (i) => mx(20 + i, { fepOpen: true, cswOpen: true })),
    ...many(4, (i) => mx(30 + i)),
    mx(30),
  ];

  it('utility: PMP charges only outside the CSW; CBP charges a conversation unless one of that category is open', () => {
    const pmp = run({ category: 'UTILITY', model: 'PMP', recipients: audience });
    const cbp = run({ category: 'UTILITY', model: 'CBP', recipients: audience });
    expect(pmp.lines[0]).toMatchObject({ count: 11, chargedCount: 5, free: { customerService: 4, entryPoint: 2, openConversation: 0 }, subtotal: '0.05' });
    // CBP: 2 open service-only conversations still need a utility one; the duplicate rides on the conversation just opened.
    expect(cbp.lines[0]).toMatchObject({ count: 11, chargedCount: 6, free: { customerService: 0, entryPoint: 2, openConversation: 3 }, subtotal: '0.06' });
  });

  it('marketing: PMP charges every message (the duplicate too); CBP one conversation per user', () => {
    const pmp = run({ model: 'PMP', recipients: audience });
    const cbp = run({ model: 'CBP', recipients: audience });
    expect(pmp.totals).toMatchObject({ charged: 9, amount: '0.3924' });
    expect(cbp.totals).toMatchObject({ charged: 8, amount: '0.3488' });
  });

  it('CBP has no volume tiers', () => {
    const tiered: RateCard = { ...card, tiers: [{ market: 'Mexico', category: 'utility', from: 1, to: null, rate: '0' }] };
    expect(run({ card: tiered, category: 'UTILITY', model: 'CBP', recipients: [mx(1)] }).totals.amount).toBe('0.01');
    expect(run({ card: tiered, category: 'UTILITY', model: 'PMP', recipients: [mx(1)] }).totals.amount).toBe('0.00');
  });
});

describe('volume tiers (PMP, utility and authentication, charged messages this month)', () => {
  const tiers: VolumeTier[] = [
    { market: 'Mexico', category: 'utility', from: 1, to: 1000, rate: '0.01' },
    { market: 'Mexico', category: 'utility', from: 1001, to: 5000, discountPercent: '10' },
    { market: 'Mexico', category: 'utility', from: 5001, to: null, discountPercent: '25' },
    { market: 'Mexico', category: 'authentication', from: 101, to: null, rate: '0.02' }, // list rate up to 100
  ];
  const tiered: RateCard = { ...card, tiers };

  it('a campaign crossing a boundary splits at the exact message', () => {
    const e = run({ card: tiered, category: 'UTILITY', recipients: many(300, (i) => mx(i)), monthToDate: [{ market: 'Mexico', category: 'utility', charged: 900 }] });
    expect(e.lines[0]?.bands).toEqual([
      { tier: { from: 1, to: 1000 }, count: 100, unitPrice: '0.01', subtotal: '1.00' },
      { tier: { from: 1001, to: 5000 }, count: 200, unitPrice: '0.009', subtotal: '1.80' },
    ]);
    expect(e.totals.amount).toBe('2.80');
  });

  it('crosses two boundaries in one campaign', () => {
    const e = run({ card: tiered, category: 'UTILITY', recipients: many(4200, (i) => mx(i)), monthToDate: [{ market: 'Mexico', category: 'utility', charged: 999 }] });
    expect(e.lines[0]?.bands.map((b) => [b.tier?.from ?? null, b.count, b.unitPrice, b.subtotal])).toEqual([
      [1, 1, '0.01', '0.01'], [1001, 4000, '0.009', '36.00'], [5001, 199, '0.0075', '1.4925'],
    ]);
    expect(e.totals.amount).toBe('37.5025');
    expect(e.totals.amountRounded).toBe('37.50');
  });

  it('exactly at the boundary: the 1,000th message is in the first band, the 1,001st in the next', () => {
    const at = (mtd: number) => run({ card: tiered, category: 'UTILITY', recipients: [mx(1)], monthToDate: [{ market: 'Mexico', category: 'utility', charged: mtd }] }).totals.amount;
    expect(at(999)).toBe('0.01');
    expect(at(1000)).toBe('0.009');
  });

  it('free messages do not advance the tier counter; gaps before the first band use the list rate', () => {
    const e = run({
      card: tiered, category: 'AUTHENTICATION',
      recipients: [...many(5, (i) => mx(i, { fepOpen: true })), ...many(10, (i) => mx(100 + i))],
      monthToDate: [{ market: 'Mexico', category: 'authentication', charged: 95 }],
    });
    expect(e.lines[0]?.bands).toEqual([
      { tier: null, count: 5, unitPrice: '0.0239', subtotal: '0.1195' },
      { tier: { from: 101, to: null }, count: 5, unitPrice: '0.02', subtotal: '0.10' },
    ]);
  });

  it('tiers of another market or category do not apply', () => {
    expect(run({ card: tiered, category: 'UTILITY', recipients: [{ phone: '+34612345678' }] }).totals.amount).toBe('0.02');
    expect(run({ card: tiered, recipients: many(2, (i) => mx(i)) }).totals.amount).toBe('0.0872');
  });
});

describe('duration and messaging limits in the estimate', () => {
  it('duration at the number\'s throughput: 1,000 at 80 mps take 12.5 s; 20 mps for coexistence numbers', () => {
    expect(run({ recipients: many(1000, (i) => mx(i)) }).duration).toEqual({ mps: 80, messages: 1000, ms: 12_500, nowMs: 12_500 });
    expect(run({ recipients: many(1000, (i) => mx(i)), limits: { tier: 'unlimited', mps: 20 } }).duration.ms).toBe(50_000);
  });

  it('only recipients outside a CSW count against the tier; the rest go now', () => {
    const e = run({
      recipients: [...many(300, (i) => mx(i)), ...many(100, (i) => mx(1000 + i, { cswOpen: true }))],
      limits: { tier: 250, reached: many(50, (i) => ({ user: `u${i}`, at: new Date(sendAt.getTime() - 20 * H) })) },
    });
    expect(e.outsideWindow).toBe(300);
    expect(e.limits).toMatchObject({ limit: 250, usedInLast24h: 50, availableNow: 200, users: 300, canSendNow: 200, later: 100 });
    expect(e.limits?.waves).toEqual([
      { at: sendAt, count: 200 },
      { at: new Date(sendAt.getTime() + 4 * H), count: 50 }, // the 50 earlier reaches age out
      { at: new Date(sendAt.getTime() + 24 * H), count: 50 }, // then our own first wave
    ]);
    expect(e.duration.nowMs).toBe(3750); // 100 inside the window + 200 outside, at 80 mps
  });
});
