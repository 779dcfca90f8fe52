/**
 * Token buckets for throughput (per number, mps) and the pair rate (per number × user:
 * 1 message per 6 s, bursts up to 45 that borrow from later budget). Pure: state in, state out.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface BucketRule {
  capacity: number;
  /** Tokens added per millisecond. */
  refillPerMs: number;
}

export function throughputRule(mps: number): BucketRule {
  return { capacity: mps, refillPerMs: mps / 1000 };
}

export const PAIR_RATE_RULE: BucketRule = { capacity: 45, refillPerMs: 1 / 6000 };

export function takeToken(bucket: Bucket | undefined, rule: BucketRule, now: number): { ok: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: rule.capacity, at: now };
  // A clock moved backwards refills nothing instead of draining.
  const elapsed = Math.max(0, now - start.at);
  const tokens = Math.min(rule.capacity, start.tokens + elapsed * rule.refillPerMs);
  // The epsilon absorbs float error (5/6 + 1/6 must make a whole token).
  if (tokens < 1 - 1e-9) return { ok: false, bucket: { tokens, at: Math.max(now, start.at) } };
  return { ok: true, bucket: { tokens: Math.max(0, tokens - 1), at: Math.max(now, start.at) } };
}
