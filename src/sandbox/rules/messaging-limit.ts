import { CSW_MS } from './window.ts';

/** Portfolio messaging limits (spec §4.5): unique users reached outside a CSW in a rolling 24 h. */
export const TIERS = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type Tier = (typeof TIERS)[number];

export function tierLimit(tier: Tier): number {
  switch (tier) {
    case 'TIER_250':
      return 250;
    case 'TIER_2K':
      return 2_000;
    case 'TIER_10K':
      return 10_000;
    case 'TIER_100K':
      return 100_000;
    case 'TIER_UNLIMITED':
      return Infinity;
  }
}

/** Value of business_capability_update.max_daily_conversations_per_business (-1 = unlimited). */
export function tierCapability(tier: Tier): number {
  const n = tierLimit(tier);
  return Number.isFinite(n) ? n : -1;
}

/**
 * Rolling 24 h set of users reached outside a window. An append-only log plus "latest time per
 * user" makes counting O(1) amortised, which the throughput benchmark needs.
 */
export class ReachLedger {
  private readonly latest = new Map<string, number>();
  private readonly log: { user: string; at: number }[] = [];
  private head = 0;

  private expire(now: number): void {
    while (this.head < this.log.length) {
      const e = this.log[this.head] as { user: string; at: number };
      if (now - e.at < CSW_MS) break;
      if (this.latest.get(e.user) === e.at) this.latest.delete(e.user);
      this.head++;
    }
    if (this.head > 10_000 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
  }

  count(now: number): number {
    this.expire(now);
    return this.latest.size;
  }

  /** Would reaching `user` stay within `limit`? Users already reached in the last 24 h are free. */
  allows(user: string, limit: number, now: number): boolean {
    this.expire(now);
    return this.latest.has(user) || this.latest.size < limit;
  }

  record(user: string, now: number): void {
    this.latest.set(user, now);
    this.log.push({ user, at: now });
  }
}
