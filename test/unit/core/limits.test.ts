import { describe, expect, it } from 'vitest';
import { fullBucket, take, waitFor, type TokenBucketState } from '../../../src/core/limits/token-bucket.ts';
import { CONSERVATIVE_PAIR_RATE, earliestSendAt, META_PAIR_RATE, planSends, recordSend, type PairRateState } from '../../../src/core/limits/pair-rate.ts';

const cfg80 = { capacity: 80, ratePerSec: 80 };

describe('token bucket (spec §4.6: 80 mps per number)', () => {
  it.each([
    { name: 'full bucket grants all', state: { tokens: 80, at: 0 }, n: 50, now: 0, granted: 50, left: 30, wait: 0 },
    { name: 'partial grant and wait for the rest', state: { tokens: 10, at: 0 }, n: 20, now: 0, granted: 10, left: 0, wait: 125 },
    { name: 'refills at 80/s: 100 ms → 8 tokens', state: { tokens: 0, at: 0 }, n: 8, now: 100, granted: 8, left: 0, wait: 0 },
    { name: 'never above capacity', state: { tokens: 0, at: 0 }, n: 200, now: 60_000, granted: 80, left: 0, wait: 1_000 },
    { name: 'fractional token is not granted', state: { tokens: 0, at: 0 }, n: 1, now: 12, granted: 0, left: 0.96, wait: 1 },
    { name: 'exactly one token after 12.5 ms', state: { tokens: 0, at: 0 }, n: 1, now: 12.5, granted: 1, left: 0, wait: 0 },
    { name: 'clock going back adds nothing', state: { tokens: 5, at: 1_000 }, n: 10, now: 500, granted: 5, left: 0, wait: 63 },
    { name: 'zero requested', state: { tokens: 3, at: 0 }, n: 0, now: 0, granted: 0, left: 3, wait: 0 },
  ])('$name', ({ state, n, now, granted, left, wait }) => {
    const r = take(cfg80, state, n, now);
    expect(r.granted).toBe(granted);
    expect(r.state.tokens).toBeCloseTo(left, 9);
    expect(r.waitMs).toBe(wait);
  });

  it('never grants more than capacity + rate × elapsed over any run (exact, no drift)', () => {
    const cfg = { capacity: 20, ratePerSec: 80 };
    let state: TokenBucketState = fullBucket(cfg, 0);
    let total = 0;
    for (let now = 0; now <= 10_000; now += 7) {
      const r = take(cfg, state, 3, now);
      state = r.state;
      total += r.granted;
      expect(total).toBeLessThanOrEqual(cfg.capacity + Math.floor((now * cfg.ratePerSec) / 1000));
    }
    // Stayed busy the whole time, so the grant is within one burst of the ideal.
    expect(total).toBeGreaterThanOrEqual(Math.floor((10_000 * 80) / 1000));
  });

  it('waitFor reports the time until n tokens without taking', () => {
    expect(waitFor(cfg80, { tokens: 0, at: 0 }, 40, 0)).toBe(500);
    expect(waitFor(cfg80, { tokens: 0, at: 0 }, 40, 500)).toBe(0);
    expect(waitFor(cfg80, { tokens: 0, at: 0 }, 500, 0)).toBe(1_000); // capped at capacity
  });

  it('rejects a bucket that could never grant', () => {
    expect(() => take({ capacity: 0, ratePerSec: 1 }, { tokens: 0, at: 0 }, 1, 0)).toThrow(RangeError);
  });
});

describe('pair rate (spec §4.7: 1 per 6 s, bursts to 45 that borrow from the budget)', () => {
  it('steady: one every 6 s', () => {
    const { times } = planSends(null, 4, 0, { ...META_PAIR_RATE, maxBurst: 1 });
    expect(times).toEqual([0, 6_000, 12_000, 18_000]);
  });

  it('a burst of 20 then waits 20 × 6 s = 2 min from the burst start', () => {
    let s: PairRateState | null = null;
    for (let i = 0; i < 20; i++) s = recordSend(s, i * 100, META_PAIR_RATE);
    expect(earliestSendAt(s, 2_000)).toBe(2_000); // still inside the 6 s burst with room
    expect(earliestSendAt(s, 6_000)).toBe(120_000); // burst over: pay back 20 × 6 s
  });

  it.each([
    { name: 'first message goes now', state: null, now: 5, at: 5 },
    { name: 'inside a burst with room', state: { paidUntil: 60_000, burstStart: 0, burstCount: 10 }, now: 5_999, at: 5_999 },
    { name: 'burst window over', state: { paidUntil: 60_000, burstStart: 0, burstCount: 10 }, now: 6_000, at: 60_000 },
    { name: 'burst full at 45', state: { paidUntil: 270_000, burstStart: 0, burstCount: 45 }, now: 1_000, at: 270_000 },
    { name: 'debt paid back', state: { paidUntil: 270_000, burstStart: 0, burstCount: 45 }, now: 270_000, at: 270_000 },
  ])('$name', ({ state, now, at }) => {
    expect(earliestSendAt(state, now)).toBe(at);
  });

  it('45 at once, then the 46th waits 270 s', () => {
    const { times } = planSends(null, 47, 0);
    expect(times.slice(0, 45)).toEqual(Array(45).fill(0));
    expect(times[45]).toBe(270_000);
    expect(times[46]).toBe(270_000); // a new burst may start once the debt is paid
  });

  it('never exceeds a token bucket of 45 refilling 1 per 6 s, nor 45 in any 6 s window', () => {
    // Many queued messages arriving at uneven times; plan them and replay against both models.
    const arrivals = [0, 0, 0, 1_000, 50_000, 50_001, 400_000, 400_000, 401_000, 900_000];
    let s: PairRateState | null = null;
    const sent: number[] = [];
    let clock = 0;
    for (const a of arrivals) {
      for (let k = 0; k < 30; k++) {
        clock = earliestSendAt(s, Math.max(clock, a));
        s = recordSend(s, clock);
        sent.push(clock);
      }
    }
    let tokens = 45;
    let last = 0;
    for (const t of sent) {
      tokens = Math.min(45, tokens + (t - last) / 6_000);
      last = t;
      expect(tokens).toBeGreaterThanOrEqual(1 - 1e-9);
      tokens -= 1;
    }
    for (const t of sent) expect(sent.filter((u) => u >= t && u < t + 6_000).length).toBeLessThanOrEqual(45);
  });

  it("the dispatcher's conservative schedule stays inside Meta's limits even when each message takes up to 1 s longer to arrive", () => {
    const arrivals = [0, 0, 1_000, 50_000, 50_001, 239_000, 400_000, 400_000, 401_000, 900_000];
    let s: PairRateState | null = null;
    const atMeta: number[] = [];
    let clock = 0;
    let seed = 7;
    const jitter = () => ((seed = (seed * 48_271) % 2_147_483_647) % 1_001); // 0–1000 ms, deterministic
    for (const a of arrivals) {
      for (let k = 0; k < 30; k++) {
        clock = earliestSendAt(s, Math.max(clock, a), CONSERVATIVE_PAIR_RATE);
        s = recordSend(s, clock, CONSERVATIVE_PAIR_RATE);
        atMeta.push(clock + jitter());
      }
    }
    atMeta.sort((x, y) => x - y);
    // Meta's numbers: 45 in any 6 s, and a bucket of 45 refilling one per 6 s.
    for (const t of atMeta) expect(atMeta.filter((u) => u >= t && u < t + 6_000).length).toBeLessThanOrEqual(META_PAIR_RATE.maxBurst);
    let tokens = 45;
    let last = 0;
    for (const t of atMeta) {
      tokens = Math.min(45, tokens + (t - last) / META_PAIR_RATE.intervalMs);
      last = t;
      expect(tokens).toBeGreaterThanOrEqual(1 - 1e-9);
      tokens -= 1;
    }
  });
});
