import { describe, expect, it } from 'vitest';
import { planTier, tierDueAt, tierLimit, portfolioTier, DAY_MS } from '../../../../src/core/campaigns/tier.ts';
import { estimateCampaign, actualCost } from '../../../../src/core/campaigns/estimate.ts';
import { estimateCost } from '../../../../src/core/pricing/estimate.ts';

const now = new Date('2026-11-03T10:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('messaging tier', () => {
  it.each([
    ['TIER_250', 250], ['TIER_2K', 2000], ['tier_10k', 10_000], ['TIER_100K', 100_000], ['TIER_UNLIMITED', Infinity], [null, 250], ['WHAT', 250],
  ] as const)('%s → %s', (t, n) => expect(tierLimit(t)).toBe(n));
  it('takes the highest tier of the portfolio', () => expect(portfolioTier([null, 'TIER_2K', 'TIER_250'])).toBe('TIER_2K'));

  it('everything goes now when the budget allows', () => {
    expect(planTier({ limit: 250, reachedAt: [ago(1000)], count: 249, now })).toEqual({ limit: 250, used: 1, now: 249, later: [] });
  });
  it('the rest goes when earlier reaches turn 24 h old, then a day after our own sends', () => {
    const reached = [ago(23 * 3600_000), ago(22 * 3600_000), ago(25 * 3600_000) /* already expired */];
    const p = planTier({ limit: 4, reachedAt: reached, count: 6, now });
    expect(p.used).toBe(2);
    expect(p.now).toBe(2);
    expect(p.later).toEqual([
      { at: new Date(now.getTime() + 3600_000), count: 1 },
      { at: new Date(now.getTime() + 2 * 3600_000), count: 1 },
      { at: new Date(now.getTime() + DAY_MS), count: 2 },
    ]);
    expect(tierDueAt(p, 0, now)).toEqual(now);
    expect(tierDueAt(p, 2, now)).toEqual(new Date(now.getTime() + 3600_000));
    expect(tierDueAt(p, 5, now)).toEqual(new Date(now.getTime() + DAY_MS));
  });
  it('unlimited never waits', () => {
    expect(planTier({ limit: Infinity, reachedAt: [ago(1)], count: 1_000_000, now }).later).toEqual([]);
  });
});

const card = {
  id: 'c1', name: 'Q4', currency: 'USD', effectiveFrom: new Date('2026-10-01T00:00:00Z'),
  rates: { Spain: { marketing: '0.0615', utility: '0.0200', authentication: '0.0200' }, Mexico: { marketing: '0.0436', utility: '0.0100', authentication: '0.0100' } },
  tiers: [
    { market: 'Spain' as const, category: 'utility' as const, from: 1, to: 1000, rate: '0.0200' },
    { market: 'Spain' as const, category: 'utility' as const, from: 1001, to: null, discountPercent: '25' },
  ],
};

describe('estimate', () => {
  it('volume bands continue from the month so far', () => {
    const utility = (count: number, monthToDate: Record<string, number>) => actualCost(card, [{ market: 'Spain', category: 'utility', billable: true, count }], monthToDate).total;
    expect(utility(20, { 'Spain|utility': 990 })).toBe('0.35'); // 10 × 0.02 + 10 × 0.015
    expect(utility(20, {})).toBe('0.4');
    // Marketing has no volume tiers, whatever the month so far.
    expect(actualCost(card, [{ market: 'Mexico', category: 'marketing', billable: true, count: 1000 }], { 'Mexico|marketing': 5000 }).total).toBe('43.6');
  });
  it('charges only regular messages, exactly, and plans duration and tier waves', () => {
    const tier = planTier({ limit: 2000, reachedAt: [], count: 3000, now });
    const e = estimateCampaign({
      card,
      lines: [
        { market: 'Mexico', category: 'marketing', pricing: 'regular', count: 1000 },
        { market: 'Spain', category: 'marketing', pricing: 'regular', count: 2000 },
        { market: 'Spain', category: 'marketing', pricing: 'free_entry_point', count: 5 },
        { market: 'Peru', category: 'marketing', pricing: 'regular', count: 3 },
      ],
      mps: 80,
      start: now,
      tier,
    });
    expect(e.total).toBe('166.6'); // 1000 × 0.0436 + 2000 × 0.0615
    expect(e.totalRounded).toBe('166.60');
    expect(e.charged).toBe(3003);
    expect(e.freeEntryPoint).toBe(5);
    expect(e.missingRates).toEqual(['Peru|marketing']);
    expect(e.tier.now).toBe(2000);
    expect(e.tier.later).toEqual([{ at: new Date(now.getTime() + DAY_MS).toISOString(), count: 1000 }]);
    expect(new Date(e.finishesAt).getTime()).toBeGreaterThan(now.getTime() + DAY_MS);
  });
  it('actual cost from pricing facts uses the same card', () => {
    const a = actualCost(card, [
      { market: 'Mexico', category: 'marketing', billable: true, count: 1000 },
      { market: 'Spain', category: 'utility', billable: false, count: 50 },
    ]);
    expect(a.total).toBe('43.6');
    expect(a.charged).toBe(1000);
  });
});

describe('the campaign estimate is the pricing core', () => {
  // The same audience two ways: per recipient through estimateCost, and as counts the campaign classified in SQL.
  it.each([
    ['UTILITY', { 'Spain|utility': 995 }],
    ['UTILITY', {}],
    ['MARKETING', { 'Spain|marketing': 10 }],
  ] as const)('%s with month so far %j', (category, monthToDate) => {
    const open = new Date(now.getTime() - 3600_000);
    const recipients = [
      ...Array.from({ length: 12 }, (_, i) => ({ phone: `+3461234${String(i).padStart(4, '0')}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ phone: `+3461299${String(i).padStart(4, '0')}`, lastCustomerMessageAt: open })),
      ...Array.from({ length: 7 }, (_, i) => ({ phone: `+5215512${String(i).padStart(4, '0')}` })),
    ];
    const core = estimateCost({
      recipients, category, model: 'PMP', card, sendAt: now,
      monthToDate: Object.entries(monthToDate).map(([k, charged]) => ({ market: k.split('|')[0] as 'Spain', category: 'utility' as const, charged })),
    });
    const cat = category.toLowerCase();
    const utility = cat === 'utility';
    const campaign = estimateCampaign({
      card, mps: 80, start: now, tier: planTier({ limit: Infinity, reachedAt: [], count: 0, now }), monthToDate,
      lines: [
        { market: 'Spain', category: cat, pricing: 'regular', count: 12 },
        { market: 'Spain', category: cat, pricing: utility ? 'free_customer_service' : 'regular', count: 3 },
        { market: 'Mexico', category: cat, pricing: 'regular', count: 7 },
      ],
    });
    expect(campaign.totalRounded).toBe(core.totals.amountRounded);
    expect(campaign.charged).toBe(core.totals.charged);
  });
});
