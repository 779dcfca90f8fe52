import { describe, expect, it } from 'vitest';
import {
  customerServiceWindow,
  formatAgo,
  freeEntryPointWindow,
  lastCustomerMessageAfter,
  replyOpensFep,
} from '../../../src/core/window.ts';

const H = 3_600_000;
const T0 = new Date('2026-05-01T10:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * H);

describe('customer-service window (spec §4.1): 24 h from the last customer message', () => {
  it.each([
    { last: 0, now: 0, state: 'open', remaining: 24 * H, wrote: 'last wrote just now' },
    { last: 0, now: 23.5, state: 'open', remaining: 0.5 * H, wrote: 'last wrote 23 h ago' },
    { last: 0, now: 24, state: 'closed', remaining: 0, wrote: 'last wrote 24 h ago' },
    { last: 0, now: 26, state: 'closed', remaining: 0, wrote: 'last wrote 26 h ago' },
    { last: 0, now: 24 * 5, state: 'closed', remaining: 0, wrote: 'last wrote 5 days ago' },
  ])('last message at +$last h, now +$now h → $state', ({ last, now, state, remaining, wrote }) => {
    const w = customerServiceWindow(at(last), at(now));
    expect(w.state).toBe(state);
    expect(w.remainingMs).toBe(remaining);
    expect(w.expiresAt).toEqual(at(last + 24));
    expect(w.lastWrote).toBe(wrote);
  });

  it('is closed, with no expiry, when the customer never wrote', () => {
    expect(customerServiceWindow(null, T0)).toEqual({
      state: 'closed',
      expiresAt: null,
      remainingMs: 0,
      lastCustomerMessageAt: null,
      lastWrote: 'has not written yet',
    });
  });

  it('each new customer message resets it; an older one arriving late does not', () => {
    let last = lastCustomerMessageAfter(null, at(0));
    last = lastCustomerMessageAfter(last, at(20));
    expect(customerServiceWindow(last, at(30)).state).toBe('open');
    expect(customerServiceWindow(last, at(30)).expiresAt).toEqual(at(44));
    last = lastCustomerMessageAfter(last, at(5)); // out-of-order webhook
    expect(last).toEqual(at(20));
  });

  it.each([
    [0, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000, '59 min ago'],
    [H, '1 h ago'],
    [71.9 * H, '71 h ago'],
    [72 * H, '3 days ago'],
    [-5, 'just now'],
  ])('formatAgo(%d) = %s', (ms, text) => {
    expect(formatAgo(ms)).toBe(text);
  });
});

describe('free-entry-point window (spec §4.2)', () => {
  it.each([
    { name: 'reply 2 h after the ad referral opens 72 h from the reply', referral: 0, reply: 2, now: 50, state: 'open', expires: 74 },
    { name: 'FEP still open after the CSW closed', referral: 0, reply: 2, now: 73.9, state: 'open', expires: 74 },
    { name: 'closed 72 h after the reply', referral: 0, reply: 2, now: 74, state: 'closed', expires: 74 },
    { name: 'reply 25 h after the referral opens none', referral: 0, reply: 25, now: 26, state: 'closed', expires: null },
    { name: 'no reply yet', referral: 0, reply: null, now: 1, state: 'closed', expires: null },
    { name: 'no referral', referral: null, reply: 1, now: 2, state: 'closed', expires: null },
  ])('$name', ({ referral, reply, now, state, expires }) => {
    const w = freeEntryPointWindow(
      { referralAt: referral === null ? null : at(referral), firstReplyAt: reply === null ? null : at(reply) },
      at(now),
    );
    expect(w.state).toBe(state);
    expect(w.expiresAt).toEqual(expires === null ? null : at(expires));
  });

  it('FEP is independent of the CSW: open FEP with a closed CSW', () => {
    const now = at(40);
    expect(customerServiceWindow(at(0), now).state).toBe('closed');
    expect(freeEntryPointWindow({ referralAt: at(0), firstReplyAt: at(1) }, now).state).toBe('open');
  });

  it.each([
    [{ referralAt: at(0), firstReplyAt: null }, at(23), true],
    [{ referralAt: at(0), firstReplyAt: null }, at(24), false],
    [{ referralAt: at(0), firstReplyAt: at(1) }, at(2), false], // only the first reply opens it
    [{ referralAt: null, firstReplyAt: null }, at(1), false],
  ])('replyOpensFep %#', (facts, replyAt, opens) => {
    expect(replyOpensFep(facts, replyAt)).toBe(opens);
  });
});
