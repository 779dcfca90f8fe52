// The cost and duration of a campaign before it is launched (issue 8), pure. The campaign classifies its audience
// in SQL (charged, or free: utility inside an open customer-service window, anything inside a free-entry-point
// window) and the pricing core (core/pricing/estimate.ts, priceCharges) prices the counts: rate card valid at the
// send date, volume tiers continuing from the month's charged count, exact decimals. Actual cost uses the same.
import { formatDecimal, roundTo, type Decimal } from '../pricing/decimal.ts';
import type { RateCard, TieredCategory } from '../pricing/rate-card.ts';
import { minorUnits, priceCharges, type ChargeCounts, type MonthToDate, type PricedCategory } from '../pricing/estimate.ts';
import type { Market } from '../market.ts';
import type { TierPlan } from './tier.ts';

export type PricingKind = 'regular' | 'free_customer_service' | 'free_entry_point';

export interface EstimateLine {
  market: string;
  /** Rate-card column: marketing | utility | authentication | authentication_international… */
  category: string;
  pricing: PricingKind;
  count: number;
}

export interface EstimateInput {
  lines: readonly EstimateLine[];
  card: Pick<RateCard, 'name' | 'currency' | 'effectiveFrom' | 'rates' | 'tiers'> & { id?: string | null } | null;
  /** Charged messages so far this month per `${market}|${category}` (volume tiers count from there). */
  monthToDate?: Readonly<Record<string, number>>;
  /** Number throughput (mps) and the fraction kept free by the dispatcher. */
  mps: number;
  headroom?: number;
  /** When sending starts (first due time) and the messaging-tier plan for recipients outside a window. */
  start: Date;
  tier: TierPlan;
}

export interface EstimateRow {
  market: string;
  category: string;
  charged: number;
  free: number;
  /** The card's base rate (volume tiers may lower some messages). */
  rate: string | null;
  cost: string;
}

export interface CampaignEstimate {
  currency: string | null;
  rateCard: { id: string | null; name: string; effectiveFrom: string } | null;
  messages: number;
  charged: number;
  free: number;
  freeCustomerService: number;
  freeEntryPoint: number;
  /** Exact sum; `totalRounded` to cents for display. */
  total: string;
  totalRounded: string;
  rows: EstimateRow[];
  /** Markets × categories the card has no rate for (their cost is left out of the total). */
  missingRates: string[];
  durationSeconds: number;
  finishesAt: string;
  tier: { limit: number | null; used: number; now: number; later: { at: string; count: number }[] };
}

/** Campaign lines (classified in SQL) as the pricing core's charge counts, one per market × category. */
function chargeCounts(lines: readonly EstimateLine[]): ChargeCounts[] {
  const by = new Map<string, ChargeCounts>();
  for (const l of lines) {
    if (l.count <= 0) continue;
    const key = `${l.market}|${l.category}`;
    const c = by.get(key) ?? { market: l.market as Market, category: l.category as PricedCategory, count: 0, charged: 0, free: { customerService: 0, entryPoint: 0, openConversation: 0 } };
    by.set(key, c);
    c.count += l.count;
    if (l.pricing === 'regular') c.charged += l.count;
    else if (l.pricing === 'free_entry_point') c.free.entryPoint += l.count;
    else c.free.customerService += l.count;
  }
  return [...by.values()];
}

function monthToDateList(m: Readonly<Record<string, number>> = {}): MonthToDate[] {
  return Object.entries(m).map(([key, charged]) => {
    const [market, category] = key.split('|');
    return { market: market as Market, category: category as TieredCategory, charged };
  });
}

const NO_RATES: Pick<RateCard, 'rates' | 'tiers'> = { rates: {}, tiers: [] };

/** Exact and rounded (to the currency's minor unit) totals. */
function totals(amount: Decimal, currency: string | null): { total: string; totalRounded: string } {
  const minor = currency ? minorUnits(currency) : 2;
  return { total: formatDecimal(amount), totalRounded: formatDecimal(roundTo(amount, minor), minor) };
}

export function estimateCampaign(input: EstimateInput): CampaignEstimate {
  const card = input.card;
  // Campaigns price under PMP, Meta's model for every send since July 2025 (spec §5.2).
  const priced = priceCharges(card ?? NO_RATES, 'PMP', chargeCounts(input.lines), monthToDateList(input.monthToDate));
  const fcs = priced.lines.reduce((n, l) => n + l.free.customerService, 0);
  const fep = priced.lines.reduce((n, l) => n + l.free.entryPoint, 0);
  const messages = input.lines.reduce((n, l) => n + Math.max(0, l.count), 0);
  const rate = Math.max(0.1, input.mps * (1 - (input.headroom ?? 0.01)));
  // Sending takes messages / rate; recipients held back by the messaging tier go in later waves.
  const nowCount = Math.max(0, messages - input.tier.later.reduce((n, w) => n + w.count, 0));
  let finish = input.start.getTime() + (nowCount / rate) * 1000;
  for (const w of input.tier.later) finish = Math.max(finish, w.at.getTime() + (w.count / rate) * 1000);
  return {
    currency: card?.currency ?? null,
    rateCard: card ? { id: card.id ?? null, name: card.name, effectiveFrom: card.effectiveFrom.toISOString() } : null,
    messages,
    charged: priced.charged,
    free: fcs + fep,
    freeCustomerService: fcs,
    freeEntryPoint: fep,
    ...totals(priced.amount, card?.currency ?? null),
    rows: priced.lines
      .map((l) => ({ market: l.market, category: l.category, charged: l.chargedCount, free: l.count - l.chargedCount, rate: l.unitPrice, cost: formatDecimal(l.exactSubtotal) }))
      .sort((a, b) => b.charged - a.charged || a.market.localeCompare(b.market)),
    missingRates: priced.unpriced.map((u) => `${u.market}|${u.category}`).sort(),
    durationSeconds: Math.ceil((finish - input.start.getTime()) / 1000),
    finishesAt: new Date(finish).toISOString(),
    tier: {
      limit: Number.isFinite(input.tier.limit) ? input.tier.limit : null,
      used: input.tier.used,
      now: input.tier.now,
      later: input.tier.later.map((w) => ({ at: w.at.toISOString(), count: w.count })),
    },
  };
}

/** Cost of delivered messages from their stored pricing facts (actual cost), with the same card and rules. */
export function actualCost(
  card: EstimateInput['card'],
  lines: readonly { market: string; category: string; billable: boolean; count: number }[],
  monthToDate: Readonly<Record<string, number>> = {},
): { total: string; totalRounded: string; charged: number; missingRates: string[] } {
  const billed = chargeCounts(lines.filter((l) => l.billable).map((l) => ({ market: l.market, category: l.category, pricing: 'regular', count: l.count })));
  const priced = priceCharges(card ?? NO_RATES, 'PMP', billed, monthToDateList(monthToDate));
  return { ...totals(priced.amount, card?.currency ?? null), charged: priced.charged, missingRates: priced.unpriced.map((u) => `${u.market}|${u.category}`).sort() };
}
