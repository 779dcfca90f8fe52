import { describe, expect, it } from 'vitest';
import { checkSchedule, firstDueAt, insideSendHours, nextInsideSendHours, recipientTimeZone, zonedToUtc, type Schedule } from '../../../../src/core/campaigns/schedule.ts';

const at = (s: string) => new Date(s);

describe('recipientTimeZone', () => {
  it.each([
    [{ timeZone: 'America/Bogota', country: 'ES' }, 'America/Bogota'],
    [{ timeZone: 'Not/AZone', country: 'MX' }, 'America/Mexico_City'],
    [{ timeZone: null, country: 'ES' }, 'Europe/Madrid'],
    [{ timeZone: null, country: 'AR' }, 'America/Argentina/Buenos_Aires'],
    [{ timeZone: null, country: 'UY' }, 'America/Montevideo'],
    [{ timeZone: null, country: null }, 'Atlantic/Canary'],
  ])('%j → %s', (contact, zone) => {
    expect(recipientTimeZone(contact, 'Atlantic/Canary')).toBe(zone);
  });
});

describe('zonedToUtc', () => {
  it.each([
    [[2026, 11, 3, 10, 0], 'Europe/Madrid', '2026-11-03T09:00:00.000Z'],
    [[2026, 7, 3, 10, 0], 'Europe/Madrid', '2026-07-03T08:00:00.000Z'],
    [[2026, 11, 3, 10, 0], 'America/Mexico_City', '2026-11-03T16:00:00.000Z'],
    // Spring forward in Madrid (29 Mar 2026 02:00 → 03:00): 02:30 does not exist, it moves forward by the gap (03:30 CEST).
    [[2026, 3, 29, 2, 30], 'Europe/Madrid', '2026-03-29T01:30:00.000Z'],
    // Autumn (25 Oct 2026 03:00 → 02:00): 02:30 happens twice, the first one is used.
    [[2026, 10, 25, 2, 30], 'Europe/Madrid', '2026-10-25T00:30:00.000Z'],
  ] as const)('%j in %s', (p, tz, iso) => {
    expect(zonedToUtc(p[0], p[1], p[2], p[3], p[4], tz).toISOString()).toBe(iso);
  });
});

describe('sending hours', () => {
  const day = { from: '09:00', to: '21:00' };
  const night = { from: '22:00', to: '06:00' };
  it.each([
    ['2026-11-03T08:00:00Z', 'Europe/Madrid', day, true], // 09:00 local
    ['2026-11-03T07:59:00Z', 'Europe/Madrid', day, false],
    ['2026-11-03T20:00:00Z', 'Europe/Madrid', day, false], // 21:00 local: closed
    ['2026-11-03T23:30:00Z', 'Europe/Madrid', night, true], // 00:30 local
    ['2026-11-03T12:00:00Z', 'Europe/Madrid', night, false],
    ['2026-11-03T12:00:00Z', 'Europe/Madrid', null, true],
  ] as const)('%s in %s %j → %s', (t, tz, hours, inside) => {
    expect(insideSendHours(at(t), tz, hours)).toBe(inside);
  });
  it.each([
    ['2026-11-03T06:00:00Z', 'Europe/Madrid', '2026-11-03T08:00:00.000Z'], // 07:00 → 09:00 same day
    ['2026-11-03T21:00:00Z', 'Europe/Madrid', '2026-11-04T08:00:00.000Z'], // 22:00 → 09:00 next day
    ['2026-11-03T12:00:00Z', 'America/Mexico_City', '2026-11-03T15:00:00.000Z'], // 06:00 → 09:00
    ['2026-11-03T10:00:00Z', 'Europe/Madrid', '2026-11-03T10:00:00.000Z'], // inside: unchanged
  ] as const)('next opening after %s in %s is %s', (t, tz, iso) => {
    expect(nextInsideSendHours(at(t), tz, day).toISOString()).toBe(iso);
  });
});

describe('firstDueAt', () => {
  const now = at('2026-11-03T09:30:00Z'); // 10:30 Madrid, 03:30 Mexico City
  const hours = { from: '09:00', to: '21:00' };
  it.each<[Schedule, string, typeof hours | null, string]>([
    [{ kind: 'now' }, 'Europe/Madrid', hours, '2026-11-03T09:30:00.000Z'],
    [{ kind: 'now' }, 'America/Mexico_City', hours, '2026-11-03T15:00:00.000Z'], // waits for 09:00 there
    [{ kind: 'at', at: '2026-11-04T10:00' }, 'Europe/Madrid', hours, '2026-11-04T09:00:00.000Z'],
    [{ kind: 'at', at: '2026-11-04T10:00' }, 'America/Mexico_City', hours, '2026-11-04T15:00:00.000Z'], // 03:00 there → 09:00
    [{ kind: 'at', at: '2026-11-01T10:00' }, 'Europe/Madrid', null, '2026-11-03T09:30:00.000Z'], // past: now
    [{ kind: 'local_time', time: '10:00' }, 'America/Mexico_City', null, '2026-11-03T16:00:00.000Z'], // today 10:00 there
    [{ kind: 'local_time', time: '10:00' }, 'Europe/Madrid', null, '2026-11-04T09:00:00.000Z'], // passed today → tomorrow
    [{ kind: 'local_time', time: '10:00', date: '2026-11-05' }, 'America/Bogota', null, '2026-11-05T15:00:00.000Z'],
    [{ kind: 'local_time', time: '08:00', date: '2026-11-05' }, 'Europe/Madrid', hours, '2026-11-05T08:00:00.000Z'], // 08:00 → 09:00 local
  ])('%j for %s', (schedule, tz, h, iso) => {
    expect(firstDueAt(schedule, tz, 'Europe/Madrid', h, now).toISOString()).toBe(iso);
  });
});

describe('checkSchedule', () => {
  const now = at('2026-11-03T09:30:00Z');
  it('accepts a good schedule and names the field of a bad one', () => {
    expect(checkSchedule({ kind: 'at', at: '2026-11-04T10:00' }, { from: '09:00', to: '21:00' }, 'Europe/Madrid', null, now)).toEqual([]);
    expect(checkSchedule({ kind: 'at', at: 'tomorrow' }, null, 'Europe/Madrid', null, now)[0]?.field).toBe('schedule.at');
    expect(checkSchedule({ kind: 'local_time', time: '25:00' }, null, 'Europe/Madrid', null, now)[0]?.field).toBe('schedule.time');
    expect(checkSchedule({ kind: 'now' }, { from: '09:00', to: '09:00' }, 'Europe/Madrid', null, now)[0]?.field).toBe('sendHours');
    expect(checkSchedule({ kind: 'now' }, null, 'Mars/Olympus', null, now)[0]?.field).toBe('timeZone');
    expect(checkSchedule({ kind: 'now' }, null, 'Europe/Madrid', at('2026-11-01T00:00:00Z'), now)[0]?.field).toBe('endAt');
  });
});
