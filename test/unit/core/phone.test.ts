import { describe, expect, it } from 'vitest';
import {
  countryOfBsuid,
  countryOfPhone,
  e164ToWaId,
  parseBsuid,
  parsePhone,
  PhoneError,
  toE164,
  waIdToE164,
} from '../../../src/core/phone.ts';

describe('parsePhone: any format → E.164', () => {
  it.each([
    ['+34 612 34 56 78', undefined, '+34612345678', 'ES'],
    ['+34-612-34-56-78', undefined, '+34612345678', 'ES'],
    ['0034 612 345 678', undefined, '+34612345678', 'ES'],
    ['612 34 56 78', 'ES', '+34612345678', 'ES'],
    ['34612345678', 'ES', '+34612345678', 'ES'], // digits with country code in a national-looking column
    ['+1 (650) 555-1234', undefined, '+16505551234', 'US'],
    ['(631) 555-1234', 'IN', '+916315551234', 'IN'], // the spec's example of an India sender (§1.1)
    ['+1 416 555 1234', undefined, '+14165551234', 'CA'], // shared +1 resolved by range
    ['+1 809 555 1234', undefined, '+18095551234', 'DO'],
    ['+52 55 1234 5678', undefined, '+525512345678', 'MX'],
    ['+7 701 123 4567', undefined, '+77011234567', 'KZ'],
    ['  +44 20 7123 4567 ', undefined, '+442071234567', 'GB'],
  ])('%s (default %s) → %s', (input, dc, e164, country) => {
    const r = parsePhone(input, dc ? { defaultCountry: dc } : {});
    if (e164 === undefined) {
      expect(r.ok).toBe(false);
      return;
    }
    expect(r).toEqual({ ok: true, value: { e164, waId: e164.slice(1), country, callingCode: expect.any(String) } });
  });

  it.each([
    ['', 'phone_empty', 'The phone number is empty.'],
    ['   ', 'phone_empty', 'The phone number is empty.'],
    ['+34 612 ABC 678', 'phone_invalid_characters', '"+34 612 ABC 678" contains "A", "B", "C"; a phone number may only have digits, "+", spaces, dashes, dots and parentheses.'],
    ['34+612345678', 'phone_invalid_characters', '"34+612345678" has a "+" that is not at the start.'],
    ['612345678', 'phone_no_country', '"612345678" has no country code. Write it with "+" and the country code (e.g. +34 612 345 678) or set a default country.'],
    ['+999 1234567', 'phone_unknown_country_code', '"+999 1234567" does not start with a known country code.'],
    ['+34 61', 'phone_too_short', '"+34 61" is too short to be a phone number in ES.'],
    ['+34 6123456789012', 'phone_too_long', '"+34 6123456789012" is too long to be a phone number in ES.'],
    ['+34 112 345 678', 'phone_invalid', '"+34 112 345 678" is not a valid phone number for ES; check the digits.'],
  ])('refuses %j with %s', (input, code, message) => {
    const r = parsePhone(input);
    expect(r).toEqual({ ok: false, error: { code, message } });
  });

  it('refuses an unknown default country by name', () => {
    expect(parsePhone('612345678', { defaultCountry: 'XX' })).toEqual({
      ok: false,
      error: { code: 'phone_unknown_default_country', message: 'The default country "XX" is not a known country code.' },
    });
  });

  it('toE164 throws a PhoneError carrying the code', () => {
    expect(toE164('+34 612 34 56 78')).toBe('+34612345678');
    expect(() => toE164('hello')).toThrow(PhoneError);
    try {
      toE164('612345678');
    } catch (e) {
      expect((e as PhoneError).code).toBe('phone_no_country');
    }
  });
});

describe('wa_id ↔ E.164', () => {
  it.each([
    ['16505551234', '+16505551234'],
    ['5215512345678', '+5215512345678'], // Mexican wa_ids keep the legacy 521 prefix: not validated, Meta decides
    ['15550783881', '+15550783881'], // a test number (555) is still a wa_id
  ])('%s → %s and back', (waId, e164) => {
    expect(waIdToE164(waId)).toBe(e164);
    expect(e164ToWaId(e164)).toBe(waId);
  });

  it.each(['+16505551234', '1650 555 1234', '0123456789', '123', '1234567890123456', ''])('rejects wa_id %j', (waId) => {
    expect(() => waIdToE164(waId)).toThrow(/is not a wa_id/);
  });
});

describe('countryOfPhone', () => {
  it.each([
    ['+16505551234', 'US'],
    ['14165551234', 'CA'],
    ['+18765551234', 'JM'],
    ['+17875551234', 'PR'],
    ['+34612345678', 'ES'],
    ['+79161234567', 'RU'],
    ['not a number', undefined],
  ])('%s → %s', (phone, country) => {
    expect(countryOfPhone(phone)).toBe(country);
  });
});

describe('BSUID (spec §9)', () => {
  it.each([
    ['US.13491208655302741918', 'bsuid', 'US', '13491208655302741918'],
    ['MX.abcDEF123', 'bsuid', 'MX', 'abcDEF123'],
    ['US.ENT.11815799212886844830', 'parent', 'US', '11815799212886844830'],
    ['user.ABC123', 'user', undefined, 'ABC123'],
    [`ES.${'a'.repeat(128)}`, 'bsuid', 'ES', 'a'.repeat(128)],
  ])('%s is a %s of %s', (raw, kind, country, id) => {
    expect(parseBsuid(raw)).toEqual({ ok: true, value: { kind, raw, country, id } });
    expect(countryOfBsuid(raw)).toBe(country);
  });

  it.each([
    ['', 'The business-scoped user ID is empty.'],
    ['13491208655302741918', '"13491208655302741918" is not a business-scoped user ID: expected a country code, a period and an id, e.g. US.13491208655302741918.'],
    ['us.123', '"us.123" does not start with a two-letter upper-case country code (found "us").'],
    ['USA.123', '"USA.123" does not start with a two-letter upper-case country code (found "USA").'],
    ['US.', '"US." has nothing after the period.'],
    [`US.${'1'.repeat(129)}`, `"US.${'1'.repeat(129)}" has an id of 129 characters; at most 128 are allowed.`],
    ['US.12-34', '"US.12-34" has characters other than letters and digits in its id.'],
    ['US.A.B', '"US.A.B" has too many periods; expected CC.id or, for a parent ID, CC.ENT.id.'],
    [' US.123', '" US.123" has spaces around it; a business-scoped user ID must be stored and sent exactly as received.'],
  ])('refuses %j', (raw, message) => {
    expect(parseBsuid(raw)).toEqual({ ok: false, error: { code: 'bsuid_invalid', message } });
  });
});
