// The cost of sending one template to an audience (issue 8), from spec §5: per-message pricing (PMP, Meta's model
// since July 1, 2025) or conversation-based pricing (CBP, before it), a rate card, volume tiers, plus the
// messaging-limit plan and send duration. Pure: every fact comes in, the send time included.
import { marketOfRecipient, type Market } from '../market.ts';
import { customerServiceWindow, freeEntryPointWindow, type FepFacts } from '../window.ts';
import { add, dec, discount, formatDecimal, mulInt, roundTo, ZERO, type Decimal } from './decimal.ts';
import type { RateCard, TieredCategory, VolumeTier } from './rate-card.ts';
import { DEFAULT_MPS, planReach, sendDurationMs, type MessagingTier, type PreviousReach, type ReachPlan } from './messaging-limit.ts';

export type PricingModel = 'PMP' | 'CBP';
export type TemplateCategoryName = 'marketing' | 'utility' | 'authentication';
/** The rate a charged message takes: the template's category, or a card column that replaces it. */
export type PricedCategory = TemplateCategoryName | 'authentication_international' | 'marketing_lite';
export type ChargeKind = 'regular' | 'free_customer_service' | 'free_entry_point' | 'free_open_conversation';

export interface EstimateRecipient {
  phone?: string | null;
  bsuid?: string | null;
  /** Whether the customer-service window is open at send time; else derived from lastCustomerMessageAt. */
  cswOpen?: boolean;
  lastCustomerMessageAt?: Date | null;
  /** Whether a free-entry-point window is open at send time; else derived from `fep`. */
  fepOpen?: boolean;
  fep?: FepFacts;
  /** CBP only: categories of conversations already open with this user at send time. */
  openConversations?: readonly ('marketing' | 'utility' | 'authentication' | 'service')[];
}

/** Charged messages this calendar month so far, for volume tiers (spec §5.2: per portfolio × market × category). */
export interface MonthToDate {
  market: Market;
  category: TieredCategory;
  charged: number;
}

export interface EstimateInput {
  recipients: readonly EstimateRecipient[];
  /** MARKETING | UTILITY | AUTHENTICATION, any case. */
  category: string;
  model: PricingModel;
  /** The card valid at sendAt (see selectRateCard). */
  card: RateCard;
  /** When the campaign starts (now for an immediate send). */
  sendAt: Date;
  monthToDate?: readonly MonthToDate[];
  /** The business's own market: authentication to another market takes authentication_international where the card has it. */
  businessMarket?: Market | null;
  /** Sent through the Marketing Messages Lite API: marketing takes the card's marketing_lite rate where present. */
  marketingLite?: boolean;
  limits?: {
    tier: MessagingTier;
    reached?: readonly PreviousReach[];
    /** The sending number's throughput (default 80). */
    mps?: number;
  };
  /** Include one entry per recipient (for storing the expected price on campaign recipients). */
  perRecipient?: boolean;
}

export interface EstimateBand {
  /** The tier band (1-based charged message of the month), null for the card's list rate. */
  tier: { from: number; to: number | null } | null;
  count: number;
  unitPrice: string;
  subtotal: string;
}

export interface EstimateLine {
  market: Market;
  category: PricedCategory;
  count: number;
  chargedCount: number;
  free: { customerService: number; entryPoint: number; openConversation: number };
  /** The card's list rate; null when the card has no row for this market (then the line is not priced). */
  unitPrice: string | null;
  subtotal: string;
  /** How the charged messages split over volume tiers (one band when no tier applies). */
  bands: EstimateBand[];
}

export interface RecipientEstimate {
  index: number;
  market: Market;
  category: PricedCategory;
  charge: ChargeKind;
  cswOpen: boolean;
  fepOpen: boolean;
  /** Null when free, or when the card has no rate for the market. */
  unitPrice: string | null;
}

export interface Estimate {
  model: PricingModel;
  category: TemplateCategoryName;
  currency: string;
  card: { id: string | null; name: string; effectiveFrom: string };
  sendAt: string;
  lines: EstimateLine[];
  totals: {
    recipients: number;
    charged: number;
    free: number;
    /** Exact sum in the card's currency. */
    amount: string;
    /** Rounded half up to the currency's minor unit (2 for USD, 0 for CLP), for display. */
    amountRounded: string;
    /** False when some charged messages go to markets the card has no rates for (they are left out of amount). */
    complete: boolean;
  };
  unpriced: { market: Market; category: PricedCategory; count: number }[];
  /** Recipients outside the CSW count against the messaging limit (spec §4.5). */
  outsideWindow: number;
  duration: { mps: number; messages: number; ms: number; nowMs: number };
  limits: ReachPlan | null;
  recipients?: RecipientEstimate[];
}

export class EstimateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EstimateError';
  }
}

function categoryOf(text: string): TemplateCategoryName {
  const c = text.trim().toLowerCase();
  if (c === 'marketing' || c === 'utility' || c === 'authentication') return c;
  throw new EstimateError(`Template category "${text}" is not priced; use MARKETING, UTILITY or AUTHENTICATION.`);
}

/** Currency minor units from ICU (USD 2, CLP 0, …); 2 for codes ICU does not know. */
export function minorUnits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

function recipientKey(r: EstimateRecipient, index: number): string {
  if (r.phone) return `p:${r.phone.replace(/^\+/, '')}`;
  if (r.bsuid) return `b:${r.bsuid}`;
  return `#${index}`;
}

/** The card column a message is priced by: replacements apply only where the card has them for the market. */
function pricedCategory(input: EstimateInput, category: TemplateCategoryName, market: Market): PricedCategory {
  const row = input.card.rates[market];
  if (category === 'authentication' && input.businessMarket && input.businessMarket !== market && row?.authentication_international !== undefined) {
    return 'authentication_international';
  }
  if (category === 'marketing' && input.marketingLite && row?.marketing_lite !== undefined) return 'marketing_lite';
  return category;
}

/** Whether the message is charged, and if not why (spec §5.1 for CBP, §5.2 for PMP). */
function chargeOf(model: PricingModel, category: TemplateCategoryName, cswOpen: boolean, fepOpen: boolean, openConversation: boolean): ChargeKind {
  if (fepOpen) return 'free_entry_point';
  if (model === 'PMP') return category === 'utility' && cswOpen ? 'free_customer_service' : 'regular';
  // CBP: a template opens (and is charged as) a 24 h conversation of its category unless one is open already.
  return openConversation ? 'free_open_conversation' : 'regular';
}

/** Split `charged` messages that start after `already` charged ones this month over the tier bands. */
function priceWithTiers(list: Decimal, tiers: readonly VolumeTier[], already: number, charged: number): { band: VolumeTier | null; count: number; unit: Decimal }[] {
  const sorted = [...tiers].sort((a, b) => a.from - b.from);
  const out: { band: VolumeTier | null; count: number; unit: Decimal }[] = [];
  let next = already + 1; // ordinal of the next charged message this month
  let left = charged;
  const push = (band: VolumeTier | null, count: number, unit: Decimal) => {
    const last = out[out.length - 1];
    if (last && last.band === band) last.count += count;
    else out.push({ band, count, unit });
  };
  while (left > 0) {
    const band = sorted.find((t) => t.from <= next && (t.to === null || next <= t.to)) ?? null;
    let count: number;
    if (band) {
      count = band.to === null ? left : Math.min(left, band.to - next + 1);
    } else {
      // Outside every band: list rate up to where the next band starts.
      const upcoming = sorted.find((t) => t.from > next);
      count = upcoming ? Math.min(left, upcoming.from - next) : left;
    }
    const unit = band ? (band.rate !== undefined ? dec(band.rate) : discount(list, dec(band.discountPercent ?? '0'))) : list;
    push(band, count, unit);
    next += count;
    left -= count;
  }
  return out;
}

/** Messages of one market × rate-card column, already classified as charged or free (and why). */
export interface ChargeCounts {
  market: Market;
  category: PricedCategory;
  count: number;
  charged: number;
  free: EstimateLine['free'];
}

export interface PricedCharges {
  lines: (EstimateLine & { exactSubtotal: Decimal })[];
  /** Exact sum of the priced lines. */
  amount: Decimal;
  charged: number;
  unpriced: Estimate['unpriced'];
}

/**
 * The price of classified messages with a card: list rate × charged, split over the month's volume tiers
 * under PMP (spec §5.2; CBP had none). Shared by the per-recipient estimate below, the campaign estimate
 * (which classifies in SQL) and actual cost from Meta's pricing facts, so they cannot disagree.
 */
export function priceCharges(card: Pick<RateCard, 'rates' | 'tiers'>, model: PricingModel, counts: readonly ChargeCounts[], monthToDate: readonly MonthToDate[] = []): PricedCharges {
  let amount: Decimal = ZERO;
  let charged = 0;
  const unpriced: Estimate['unpriced'] = [];
  const out: PricedCharges['lines'] = [];
  const sortedLines = [...counts].sort((a, b) => a.market.localeCompare(b.market) || a.category.localeCompare(b.category));
  for (const l of sortedLines) {
    charged += l.charged;
    const rate = card.rates[l.market]?.[l.category];
    const base = { market: l.market, category: l.category, count: l.count, chargedCount: l.charged, free: l.free };
    if (rate === undefined) {
      if (l.charged > 0) unpriced.push({ market: l.market, category: l.category, count: l.charged });
      out.push({ ...base, unitPrice: null, subtotal: '0', bands: [], exactSubtotal: ZERO });
      continue;
    }
    const list = dec(rate);
    const tiers = model === 'PMP' && (l.category === 'utility' || l.category === 'authentication' || l.category === 'authentication_international')
      ? card.tiers.filter((t) => t.market === l.market && t.category === l.category)
      : [];
    const already = monthToDate.find((m) => m.market === l.market && m.category === l.category)?.charged ?? 0;
    const parts = tiers.length > 0 ? priceWithTiers(list, tiers, already, l.charged) : l.charged > 0 ? [{ band: null, count: l.charged, unit: list }] : [];
    let subtotal: Decimal = ZERO;
    const bands: EstimateBand[] = parts.map((p) => {
      const s = mulInt(p.unit, p.count);
      subtotal = add(subtotal, s);
      return { tier: p.band ? { from: p.band.from, to: p.band.to } : null, count: p.count, unitPrice: formatDecimal(p.unit), subtotal: formatDecimal(s, 2) };
    });
    amount = add(amount, subtotal);
    out.push({ ...base, unitPrice: rate, subtotal: formatDecimal(subtotal, 2), bands, exactSubtotal: subtotal });
  }
  return { lines: out, amount, charged, unpriced };
}

export function estimateCost(input: EstimateInput): Estimate {
  const category = categoryOf(input.category);
  const { card, model } = input;
  const sendAt = input.sendAt;
  const lines = new Map<string, ChargeCounts>();
  const perRecipient: RecipientEstimate[] = [];
  const outsideUsers: string[] = [];
  // CBP: a second send to the same user in this campaign falls in the conversation the first one opened.
  const opened = new Set<string>();

  input.recipients.forEach((r, index) => {
    const market = marketOfRecipient(r);
    const cswOpen = r.cswOpen ?? customerServiceWindow(r.lastCustomerMessageAt ?? null, sendAt).state === 'open';
    const fepOpen = r.fepOpen ?? (r.fep ? freeEntryPointWindow(r.fep, sendAt).state === 'open' : false);
    const key = recipientKey(r, index);
    const priced = pricedCategory(input, category, market);
    const openConversation = (r.openConversations ?? []).includes(category) || opened.has(key);
    const charge = chargeOf(model, category, cswOpen, fepOpen, openConversation);
    if (model === 'CBP' && charge === 'regular') opened.add(key);
    if (!cswOpen) outsideUsers.push(key);

    const lineKey = `${market}\u0000${priced}`;
    const line = lines.get(lineKey) ?? { market, category: priced, count: 0, charged: 0, free: { customerService: 0, entryPoint: 0, openConversation: 0 } };
    lines.set(lineKey, line);
    line.count++;
    if (charge === 'regular') line.charged++;
    else if (charge === 'free_customer_service') line.free.customerService++;
    else if (charge === 'free_entry_point') line.free.entryPoint++;
    else line.free.openConversation++;

    if (input.perRecipient) {
      const rate = card.rates[market]?.[priced];
      perRecipient.push({ index, market, category: priced, charge, cswOpen, fepOpen, unitPrice: charge === 'regular' && rate !== undefined ? rate : null });
    }
  });

  const { lines: out, amount, charged, unpriced } = priceCharges(card, model, [...lines.values()], input.monthToDate);
  const total = input.recipients.length;
  const mps = input.limits?.mps ?? DEFAULT_MPS;
  const limits = input.limits ? planReach({ tier: input.limits.tier, reached: input.limits.reached ?? [], users: outsideUsers, now: sendAt }) : null;
  // What can go now: everyone inside a window, plus the users the limit lets through now.
  const insideWindow = total - outsideUsers.length;
  const duplicatesOutside = outsideUsers.length - new Set(outsideUsers).size;
  const nowMessages = limits ? insideWindow + limits.canSendNow + duplicatesOutside : total;
  const minor = minorUnits(card.currency);
  return {
    model,
    category,
    currency: card.currency,
    card: { id: card.id ?? null, name: card.name, effectiveFrom: card.effectiveFrom.toISOString() },
    sendAt: sendAt.toISOString(),
    lines: out.map(({ exactSubtotal: _, ...l }) => l),
    totals: {
      recipients: total,
      charged,
      free: total - charged,
      amount: formatDecimal(amount, minor),
      amountRounded: formatDecimal(roundTo(amount, minor), minor),
      complete: unpriced.length === 0,
    },
    unpriced,
    outsideWindow: outsideUsers.length,
    duration: { mps, messages: total, ms: sendDurationMs(total, mps), nowMs: sendDurationMs(nowMessages, mps) },
    limits,
    ...(input.perRecipient ? { recipients: perRecipient } : {}),
  };
}
