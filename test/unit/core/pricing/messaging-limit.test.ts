import { describe, expect, it } from 'vitest';
import { planReach, sendDurationMs } from '../../../../src/core/pricing/messaging-limit.ts';

const now = new Date('2025-09-10T10:00:00Z');
const H = 3_600_000;
const ago = (h: number) => new Date(now.getTime() - h * H);
const inH = (h: number) => new Date(now.getTime() + h * H);
const users = (n: number, prefix = 'n') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('planReach: unique users outside a CSW in a moving 24 h (spec §4.5)', () => {
  it('everyone goes now when the tier has room', () => {
    expect(planReach({ tier: 2000, reached: [], users: users(1500), now })).toEqual({
      limit: 2000, usedInLast24h: 0, availableNow: 2000, users: 1500, alreadyCounted: 0, canSendNow: 1500, later: 0,
      waves: [{ at: now, count: 1500 }], allSentBy: now,
    });
  });

  it('splits now vs later with the exact time earlier reaches age out', () => {
    const reached = [
      { user: 'a', at: ago(23) }, // frees at +1 h
      { user: 'b', at: ago(22.5) }, // frees at +1.5 h
      { user: 'c', at: ago(22.5) },
      ...users(245, 'old').map((user) => ({ user, at: ago(2) })), // frees at +22 h
      { user: 'gone', at: ago(24) }, // exactly 24 h ago: already out of the window
    ];
    const p = planReach({ tier: 250, reached, users: users(10), now });
    expect(p).toMatchObject({ usedInLast24h: 248, availableNow: 2, canSendNow: 2, later: 8 });
    expect(p.waves).toEqual([{ at: now, count: 2 }, { at: inH(1), count: 1 }, { at: inH(1.5), count: 2 }, { at: inH(22), count: 5 }]);
    expect(p.allSentBy).toEqual(inH(22));
  });

  it('after the earlier reaches, our own sends free their slots 24 h later', () => {
    const p = planReach({ tier: 250, reached: [], users: users(600), now });
    expect(p.waves).toEqual([{ at: now, count: 250 }, { at: inH(24), count: 250 }, { at: inH(48), count: 100 }]);
  });

  it('users already reached in the window take no new slot; duplicates count once', () => {
    const p = planReach({ tier: 250, reached: users(250, 'n').map((user) => ({ user, at: ago(1) })), users: [...users(3), 'n0', 'x', 'x'], now });
    expect(p).toMatchObject({ users: 4, alreadyCounted: 3, availableNow: 0, canSendNow: 3, later: 1 });
    expect(p.waves).toEqual([{ at: now, count: 3 }, { at: inH(23), count: 1 }]);
  });

  it('a user reached twice holds one slot until the later reach ages out; anonymous reaches each hold one', () => {
    const p = planReach({ tier: 250, reached: [{ user: 'a', at: ago(20) }, { user: 'a', at: ago(5) }, ...Array.from({ length: 249 }, () => ({ at: ago(10) }))], users: ['z', 'y'], now });
    expect(p.usedInLast24h).toBe(250);
    expect(p.waves).toEqual([{ at: inH(14), count: 2 }]);
    expect(p.canSendNow).toBe(0);
  });

  it('a window fuller than the limit (a lowered tier) waits for the excess to age out first', () => {
    const reached = [...users(5, 'early').map((user) => ({ user, at: ago(20) })), ...users(250, 'late').map((user) => ({ user, at: ago(10) }))];
    const p = planReach({ tier: 250, reached, users: ['z'], now });
    expect(p).toMatchObject({ usedInLast24h: 255, availableNow: 0, canSendNow: 0 });
    expect(p.waves).toEqual([{ at: inH(14), count: 1 }]);
  });

  it('unlimited: everyone now; nobody: no waves', () => {
    expect(planReach({ tier: 'unlimited', reached: [{ at: ago(1) }], users: users(5), now })).toMatchObject({ limit: null, availableNow: null, canSendNow: 5, later: 0, waves: [{ at: now, count: 5 }] });
    expect(planReach({ tier: 250, reached: [], users: [], now })).toMatchObject({ canSendNow: 0, later: 0, waves: [], allSentBy: null });
  });
});

describe('sendDurationMs (spec §4.6)', () => {
  it.each([[1000, 80, 12_500], [1, 80, 13], [0, 80, 0], [100_000, 1000, 100_000], [250, 20, 12_500]])('%d messages at %d mps: %d ms', (n, mps, ms) => {
    expect(sendDurationMs(n, mps)).toBe(ms);
  });
  it('refuses a throughput of 0', () => {
    expect(() => sendDurationMs(1, 0)).toThrow(RangeError);
  });
});
