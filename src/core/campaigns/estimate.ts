// The cost and duration of a campaign before it is launched (issue 8), pure. Prices come from the rate card valid
// at the send date (spec §5.2 PMP): charged = a delivered template outside the free cases; free = utility inside an
// open customer-service window, anything inside a free-entry-point window. Volume tiers (utility, authentication)
// continue from the month's charged count per market × category. Amounts are exact decimals.
import { add, dec, discount, formatDecimal, mulInt, roundTo, ZERO, type Decimal } from '../pricing/decimal.ts';
import type { RateCard, VolumeTier } from '../pricing/rate-card.ts';
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

function tierBands(tiers: readonly VolumeTier[], market: string, category: string): VolumeTier[] {
  return tiers.filter((t) => t.market === market && t.category === category).sort((a, b) => a.from - b.from);
}

/** Cost of `n` charged messages, numbered from `after + 1` in the month, at `base` with volume bands. */
export function chargedCost(base: Decimal, bands: readonly VolumeTier[], after: number, n: number): Decimal {
  if (n <= 0) return ZERO;
  if (bands.length === 0) return mulInt(base, n);
  let total = ZERO;
  let i = after + 1;
  const end = after + n;
  while (i <= end) {
    const band = bands.find((b) => i >= b.from && (b.to === null || i <= b.to));
    const next = bands.filter((b) => b.from > i).map((b) => b.from)[0];
    const stop = band ? Math.min(end, band.to ?? end) : Math.min(end, (next ?? end + 1) - 1);
    const count = stop - i + 1;
    const rate = band ? (band.rate !== undefined ? dec(band.rate) : band.discountPercent !== undefined ? discount(base, dec(band.discountPercent)) : base) : base;
    total = add(total, mulInt(rate, count));
    i = stop + 1;
  }
  return total;
}

export function estimateCampaign(input: EstimateInput): CampaignEstimate {
  const rows = new Map<string, EstimateRow & { total: Decimal }>();
  const missing = new Set<string>();
  let charged = 0;
  let fcs = 0;
  let fep = 0;
  let total = ZERO;
  const card = input.card;
  for (const line of input.lines) {
    if (line.count <= 0) continue;
    const key = `${line.market}|${line.category}`;
    let row = rows.get(key);
    const rateText = card?.rates[line.market as keyof typeof card.rates]?.[line.category] ?? null;
    if (!row) {
      row = { market: line.market, category: line.category, charged: 0, free: 0, rate: rateText, cost: '0', total: ZERO };
      rows.set(key, row);
    }
    if (line.pricing !== 'regular') {
      row.free += line.count;
      if (line.pricing === 'free_entry_point') fep += line.count;
      else fcs += line.count;
      continue;
    }
    charged += line.count;
    if (rateText === null) {
      missing.add(key);
      row.charged += line.count;
      continue;
    }
    const after = (input.monthToDate?.[key] ?? 0) + row.charged;
    const cost = chargedCost(dec(rateText), card ? tierBands(card.tiers, line.market, line.category) : [], after, line.count);
    row.charged += line.count;
    row.total = add(row.total, cost);
    total = add(total, cost);
  }
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
    charged,
    free: fcs + fep,
    freeCustomerService: fcs,
    freeEntryPoint: fep,
    total: formatDecimal(total),
    totalRounded: formatDecimal(roundTo(total, 2), 2),
    rows: [...rows.values()]
      .map(({ total: t, ...r }) => ({ ...r, cost: formatDecimal(t) }))
      .sort((a, b) => b.charged - a.charged || a.market.localeCompare(b.market)),
    missingRates: [...missing].sort(),
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

/** Cost of delivered messages from their stored pricing facts (actual cost), with the same card. */
export function actualCost(
  card: EstimateInput['card'],
  lines: readonly { market: string; category: string; billable: boolean; count: number }[],
  monthToDate: Readonly<Record<string, number>> = {},
): { total: string; totalRounded: string; charged: number; missingRates: string[] } {
  let total = ZERO;
  let charged = 0;
  const missing = new Set<string>();
  const seen = new Map<string, number>();
  for (const l of lines) {
    if (!l.billable || l.count <= 0) continue;
    charged += l.count;
    const key = `${l.market}|${l.category}`;
    const rate = card?.rates[l.market as keyof typeof card.rates]?.[l.category];
    if (!rate) {
      missing.add(key);
      continue;
    }
    const after = (monthToDate[key] ?? 0) + (seen.get(key) ?? 0);
    total = add(total, chargedCost(dec(rate), card ? tierBands(card.tiers, l.market, l.category) : [], after, l.count));
    seen.set(key, (seen.get(key) ?? 0) + l.count);
  }
  return { total: formatDecimal(total), totalRounded: formatDecimal(roundTo(total, 2), 2), charged, missingRates: [...missing].sort() };
}
