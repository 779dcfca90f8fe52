// Portfolio messaging limit (spec §4.5), pure: unique users reached outside a customer-service window in a
// moving 24 h, shared by every number of the portfolio. Given who was reached when, how many more may go now
// and when the rest can go.

export const DAY_MS = 24 * 60 * 60 * 1000;

const LIMITS: Readonly<Record<string, number>> = {
  TIER_50: 50, TIER_250: 250, TIER_1K: 1_000, TIER_2K: 2_000, TIER_10K: 10_000, TIER_100K: 100_000, TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** Users per 24 h for a tier name (TIER_2K…). Unknown or missing: 250, the limit of a new portfolio (never over-send). */
export function tierLimit(tier: string | null | undefined): number {
  if (!tier) return 250;
  return LIMITS[tier.toUpperCase()] ?? 250;
}

/** The highest tier among the portfolio's numbers (all share one limit; the freshest report is the highest). */
export function portfolioTier(tiers: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const t of tiers) if (t && (best === null || tierLimit(t) > tierLimit(best))) best = t;
  return best;
}

export interface TierWave {
  at: Date;
  count: number;
}

export interface TierPlan {
  limit: number;
  /** Unique users reached outside a window in the 24 h before `now`. */
  used: number;
  /** How many of `count` may go now. */
  now: number;
  /** The rest, in waves: when capacity frees up (an earlier reach turns 24 h old) and how many go then. */
  later: TierWave[];
}

/**
 * Plan `count` new users against the limit. `reachedAt` = when each user counted in the last 24 h was first
 * reached (any order). Capacity frees when a reach turns 24 h old; our own sends free theirs 24 h after they go
 * (assumed at their wave's start: the campaign sends far faster than a day).
 */
export function planTier(input: { limit: number; reachedAt: readonly Date[]; count: number; now: Date }): TierPlan {
  const { limit, count, now } = input;
  const since = now.getTime() - DAY_MS;
  const live = input.reachedAt.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => a - b);
  const used = live.length;
  if (!Number.isFinite(limit)) return { limit, used, now: count, later: [] };
  const first = Math.max(0, Math.min(count, limit - used));
  let left = count - first;
  const later: TierWave[] = [];
  // Frees from earlier reaches: one slot each, grouped by minute so the plan stays short.
  const overflowUsed = Math.max(0, used - limit); // already over: these must expire before anything frees
  const frees: number[] = live.slice(overflowUsed).map((t) => t + DAY_MS);
  const push = (at: number, n: number) => {
    if (n <= 0) return;
    const last = later[later.length - 1];
    const minute = Math.ceil(at / 60_000) * 60_000;
    if (last && last.at.getTime() === minute) last.count += n;
    else later.push({ at: new Date(minute), count: n });
  };
  for (const at of frees) {
    if (left <= 0) break;
    push(at, 1);
    left--;
  }
  // Then our own waves free a day after they went.
  let waveAt = now.getTime() + DAY_MS;
  let waveSize = first;
  while (left > 0) {
    const n = Math.min(left, Math.max(waveSize, 1), limit);
    push(waveAt, n);
    left -= n;
    waveSize = n;
    waveAt += DAY_MS;
  }
  return { limit, used, now: first, later };
}

/** The due time of the i-th (0-based) recipient that counts against the limit, under a plan. */
export function tierDueAt(plan: TierPlan, index: number, start: Date): Date {
  if (index < plan.now) return start;
  let i = index - plan.now;
  for (const w of plan.later) {
    if (i < w.count) return w.at.getTime() > start.getTime() ? w.at : start;
    i -= w.count;
  }
  const last = plan.later[plan.later.length - 1];
  return last ? last.at : start;
}
