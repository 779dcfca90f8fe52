// Pair rate limit (spec §4.7): 1 message per 6 s to the same customer; bursts of up to 45 within 6 s are allowed
// but borrow from the budget: after a burst of N the next message waits until N × 6 s after the burst began.
// The model is deliberately stricter than any token bucket (capacity 45, 1 per 6 s), GCRA or 6-second sliding
// window with the same numbers: a burst only starts once all earlier sends are paid back.
export interface PairRateConfig {
  intervalMs: number;
  maxBurst: number;
  /** Length of the window in which a burst must fit. */
  burstWindowMs: number;
}

export const META_PAIR_RATE: PairRateConfig = { intervalMs: 6_000, maxBurst: 45, burstWindowMs: 6_000 };

/** What the dispatcher uses: stricter than Meta's, so clock skew between us and Meta never tips into 131056. */
export const CONSERVATIVE_PAIR_RATE: PairRateConfig = { intervalMs: 6_000, maxBurst: 40, burstWindowMs: 5_000 };

export interface PairRateState {
  /** When all sends so far are paid back (each send adds intervalMs). */
  paidUntil: number;
  /** Start of the current burst. */
  burstStart: number;
  /** Sends in the current burst. */
  burstCount: number;
}

/** Earliest time (epoch ms, ≥ now) a message to this customer may be sent. */
export function earliestSendAt(state: PairRateState | null, now: number, config: PairRateConfig = META_PAIR_RATE): number {
  if (state === null || now >= state.paidUntil) return now;
  if (state.burstCount < config.maxBurst && now < state.burstStart + config.burstWindowMs) return now;
  return state.paidUntil;
}

/** The state after a message was sent at `at` (normally at or after earliestSendAt). */
export function recordSend(state: PairRateState | null, at: number, config: PairRateConfig = META_PAIR_RATE): PairRateState {
  if (state === null || at >= state.paidUntil) {
    return { paidUntil: at + config.intervalMs, burstStart: at, burstCount: 1 };
  }
  return { paidUntil: state.paidUntil + config.intervalMs, burstStart: state.burstStart, burstCount: state.burstCount + 1 };
}

/**
 * Plan send times for `count` queued messages to one customer from `now`: the dispatcher can schedule them
 * without asking again. Returns the times and the resulting state.
 */
export function planSends(
  state: PairRateState | null,
  count: number,
  now: number,
  config: PairRateConfig = META_PAIR_RATE,
): { times: number[]; state: PairRateState | null } {
  const times: number[] = [];
  let s = state;
  let t = now;
  for (let i = 0; i < count; i++) {
    t = earliestSendAt(s, t, config);
    times.push(t);
    s = recordSend(s, t, config);
  }
  return { times, state: s };
}
