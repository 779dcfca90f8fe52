// Token bucket for a sender number's throughput (spec §4.6). Times are epoch milliseconds.
export interface TokenBucketConfig {
  /** Most tokens the bucket holds: the largest burst. */
  capacity: number;
  /** Tokens added per second. */
  ratePerSec: number;
}

export interface TokenBucketState {
  tokens: number;
  /** When `tokens` was last computed. */
  at: number;
}

export interface TakeResult {
  /** How many of the requested tokens were granted now (0…n). */
  granted: number;
  state: TokenBucketState;
  /** Ms until the rest (capped at capacity) is available; 0 when everything was granted. */
  waitMs: number;
}

export function fullBucket(config: TokenBucketConfig, now: number): TokenBucketState {
  return { tokens: config.capacity, at: now };
}

/** Tokens at `now`. A clock that goes backwards adds nothing and does not move `at` back. */
export function refill(config: TokenBucketConfig, state: TokenBucketState, now: number): TokenBucketState {
  if (now <= state.at) return state;
  const tokens = Math.min(config.capacity, state.tokens + ((now - state.at) * config.ratePerSec) / 1000);
  return { tokens, at: now };
}

// Float error must never grant a token that has not fully arrived, so round down with a tiny tolerance only for
// values that are integers up to representation error (e.g. 2.9999999999999996 from 0.1 + 0.2 style sums).
const EPS = 1e-9;
function wholeTokens(tokens: number): number {
  return Math.floor(tokens + EPS);
}

/** Take up to n tokens at `now`; partial grants let the dispatcher send what it may and wait for the rest. */
export function take(config: TokenBucketConfig, state: TokenBucketState, n: number, now: number): TakeResult {
  if (!(config.capacity >= 1) || !(config.ratePerSec > 0)) {
    throw new RangeError('A token bucket needs capacity ≥ 1 and a rate above 0.');
  }
  const want = Math.max(0, Math.floor(n));
  const s = refill(config, state, now);
  const granted = Math.min(want, wholeTokens(s.tokens));
  const left = Math.max(0, s.tokens - granted);
  const next: TokenBucketState = { tokens: left, at: s.at };
  const missing = Math.min(want - granted, config.capacity) - left;
  const waitMs = want === granted || missing <= 0 ? 0 : Math.ceil((missing * 1000) / config.ratePerSec - EPS);
  return { granted, state: next, waitMs };
}

/** Ms until `n` tokens (≤ capacity) are available, without taking any. */
export function waitFor(config: TokenBucketConfig, state: TokenBucketState, n: number, now: number): number {
  const s = refill(config, state, now);
  const missing = Math.min(n, config.capacity) - s.tokens;
  return missing <= EPS ? 0 : Math.ceil((missing * 1000) / config.ratePerSec - EPS);
}
