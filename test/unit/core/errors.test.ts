import { describe, expect, it } from 'vitest';
import { explainError, KNOWN_ERROR_CODES, retryDelayMs } from '../../../src/core/errors.ts';

// Every code of spec §2.2 (200–299 as one range), plus 131062 from §9.
const SPEC_CODES = [
  0, 3, 4, 10, 33, 100, 190, 200, 250, 299, 368, 470, 80007, 130429, 130472, 130497, 131000, 131005, 131008, 131009, 131016,
  131021, 131026, 131030, 131031, 131037, 131042, 131045, 131047, 131048, 131049, 131050, 131051, 131052, 131053,
  131055, 131056, 131057, 131063, 131064, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018, 132068,
  132069, 133000, 133004, 133005, 133006, 133008, 133009, 133010, 133015, 133016, 134011, 135000, 137000, 1, 2,
  2388019, 2388040, 2388047, 2388072, 2388073, 2388293, 2388299, 131062,
];

describe('explainError: every spec code is known and explained in English and Spanish', () => {
  it.each(SPEC_CODES)('%i', (code) => {
    const info = explainError({ code });
    expect(info.code).toBe(code);
    expect(info.title).not.toMatch(/^Unknown error$/);
    for (const w of [info.explanation, info.advice]) {
      expect(w.en.length).toBeGreaterThan(10);
      expect(w.es.length).toBeGreaterThan(10);
      expect(w.es).not.toBe(w.en);
    }
    expect(info.retryable).toBe(info.backoff !== null);
  });

  it('lists the codes it knows', () => {
    for (const c of SPEC_CODES.filter((c) => c < 201 || c > 299)) expect(KNOWN_ERROR_CODES).toContain(c);
  });
});

describe('retryable or final (spec §2.2 retry guidance)', () => {
  it.each([
    [130429, true], [131056, true], [131057, true], [131000, true], [131016, true], [133004, true], [1, true], [2, true],
    [4, true], [80007, true], [132069, true],
    [131047, false], [131026, false], [131049, false], [131050, false], [131048, false], [132000, false], [132001, false],
    [132012, false], [132015, false], [132016, false], [190, false], [0, false], [368, false], [131042, false], [137000, false],
    [131062, false], [131053, false],
  ])('%i retryable=%s', (code, retryable) => {
    expect(explainError({ code }).retryable).toBe(retryable);
  });

  it('network failures and unknown 5xx are retryable; unknown 4xx are final', () => {
    expect(explainError({ network: true })).toMatchObject({ retryable: true, title: 'Network error' });
    expect(explainError({ code: 999999, httpStatus: 502 })).toMatchObject({ retryable: true });
    expect(explainError({ httpStatus: 503 }).explanation.en).toBe('WhatsApp answered with a server error (HTTP 503).');
    const unknown = explainError({ code: 999999, httpStatus: 400, title: 'Weird' });
    expect(unknown.retryable).toBe(false);
    expect(unknown.explanation).toEqual({ en: 'WhatsApp rejected the message with error 999999: Weird.', es: 'WhatsApp rechazó el mensaje con el error 999999: Weird.' });
  });

  it('wording for a person', () => {
    expect(explainError({ code: 131047 }).explanation).toEqual({
      en: 'More than 24 hours have passed since the customer last wrote, so only a template can be sent.',
      es: 'Han pasado más de 24 horas desde el último mensaje del cliente, así que solo se puede enviar una plantilla.',
    });
    expect(explainError({ code: 131049 }).advice.en).toBe('Do not retry for at least 24 hours; retrying sooner can block the customer for longer.');
  });
});

describe('retryDelayMs', () => {
  it.each([
    [0, 1_000], [1, 4_000], [2, 16_000], [3, 64_000], [4, 256_000], [5, 1_024_000], [9, 1_024_000],
  ])('131056 attempt %i → 4^X s = %i ms', (attempt, ms) => {
    expect(retryDelayMs(explainError({ code: 131056 }), attempt, 0.5)).toBe(ms);
  });

  it('131057 waits about a minute', () => {
    const info = explainError({ code: 131057 });
    expect(retryDelayMs(info, 0, 0)).toBe(60_000);
    expect(retryDelayMs(info, 3, 0.999)).toBe(69_990);
  });

  it.each([
    [130429, 0, 0, 250], [130429, 0, 0.5, 500], [130429, 3, 0.5, 4_000], [130429, 20, 0.99, 29_700],
    [131000, 0, 0.5, 1_000], [131000, 10, 1, 300_000],
  ])('code %i attempt %i random %d → %i ms (full jitter, floor and cap)', (code, attempt, random, ms) => {
    expect(retryDelayMs(explainError({ code }), attempt, random)).toBe(ms);
  });

  it('final errors have no delay', () => {
    expect(retryDelayMs(explainError({ code: 131047 }), 0, 0.5)).toBeNull();
  });
});
