import { describe, expect, it } from 'vitest';
import { mergeStatus, type OutboundStatus, type StatusEvent, type StatusState } from '../../../src/core/status.ts';

const t = (s: number) => new Date(Date.UTC(2026, 4, 1, 10, 0, s));
const ev = (status: OutboundStatus, s: number, errors?: StatusEvent['errors']): StatusEvent => ({ status, at: t(s), ...(errors ? { errors } : {}) });

function run(events: StatusEvent[]): StatusState {
  let state: StatusState | null = null;
  for (const e of events) state = mergeStatus(state, e).state;
  return state as StatusState;
}

const ERR = [{ code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement', message: 'x', details: 'd' }];

describe('mergeStatus: monotonic (spec §3.5, DESIGN §4)', () => {
  it.each([
    { name: 'in order', events: [ev('sent', 1), ev('delivered', 2), ev('read', 3)], status: 'read', sent: 1, delivered: 2, read: 3 },
    { name: 'reversed', events: [ev('read', 3), ev('delivered', 2), ev('sent', 1)], status: 'read', sent: 1, delivered: 2, read: 3 },
    { name: 'read without delivered implies delivered', events: [ev('sent', 1), ev('read', 3)], status: 'read', sent: 1, delivered: 3, read: 3 },
    { name: 'late delivered corrects the implied time', events: [ev('read', 3), ev('delivered', 2)], status: 'read', sent: 2, delivered: 2, read: 3 },
    { name: 'played is at least read', events: [ev('played', 4), ev('read', 3)], status: 'played', sent: 3, delivered: 3, read: 3 },
    { name: 'accepted only', events: [ev('accepted', 0)], status: 'accepted', sent: null, delivered: null, read: null },
  ])('$name', ({ events, status, sent, delivered, read }) => {
    const s = run(events);
    expect(s.status).toBe(status);
    expect(s.sent_at).toEqual(sent === null ? null : t(sent));
    expect(s.delivered_at).toEqual(delivered === null ? null : t(delivered));
    expect(s.read_at).toEqual(read === null ? null : t(read));
  });

  it('a lower status after a higher one changes nothing', () => {
    const state = run([ev('sent', 1), ev('delivered', 2)]);
    const r = mergeStatus(state, ev('sent', 1));
    expect(r).toEqual({ state, changed: false, statusChanged: false, set: {} });
  });

  it('duplicates are idempotent', () => {
    const once = mergeStatus(null, ev('delivered', 2));
    expect(once.changed).toBe(true);
    expect(once.set).toEqual({ status: 'delivered', sent_at: t(2), delivered_at: t(2) });
    const twice = mergeStatus(once.state, ev('delivered', 2));
    expect(twice.changed).toBe(false);
    expect(twice.set).toEqual({});
  });

  it('says which timestamps to set', () => {
    const s = run([ev('sent', 1)]);
    expect(mergeStatus(s, ev('read', 5)).set).toEqual({ status: 'read', delivered_at: t(5), read_at: t(5) });
  });

  it('failed is terminal and keeps Meta\'s error', () => {
    const failed = mergeStatus(run([ev('sent', 1)]), ev('failed', 2, ERR));
    expect(failed.set).toEqual({ status: 'failed', failed_at: t(2), errors: ERR });
    const after = mergeStatus(failed.state, ev('delivered', 3));
    expect(after.state.status).toBe('failed');
    expect(after.statusChanged).toBe(false);
    expect(after.state.errors).toEqual(ERR);
    // A duplicate failure with different text does not replace the first error.
    const dup = mergeStatus(failed.state, ev('failed', 2, [{ code: 1 }]));
    expect(dup.changed).toBe(false);
  });

  it('is order-independent: every permutation gives the same state', () => {
    const events = [ev('sent', 1), ev('delivered', 2), ev('read', 3), ev('read', 3), ev('accepted', 0)];
    const expected = run(events);
    const perms = (xs: StatusEvent[]): StatusEvent[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const p of perms(events)) expect(run(p)).toEqual(expected);
  });
});
