// Phone numbers and WhatsApp user identities (wa_id, BSUID), spec §1.1 and §9.
import {
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  isSupportedCountry,
  type CountryCode,
} from 'libphonenumber-js/max';

export type { CountryCode };

export type PhoneErrorCode =
  | 'phone_empty'
  | 'phone_invalid_characters'
  | 'phone_no_country'
  | 'phone_unknown_country_code'
  | 'phone_unknown_default_country'
  | 'phone_too_short'
  | 'phone_too_long'
  | 'phone_invalid'
  | 'wa_id_invalid'
  | 'bsuid_invalid';

export class PhoneError extends Error {
  readonly code: PhoneErrorCode;
  readonly input: string;
  constructor(code: PhoneErrorCode, message: string, input: string) {
    super(message);
    this.name = 'PhoneError';
    this.code = code;
    this.input = input;
  }
}

export interface NormalisedPhone {
  /** E.164, e.g. "+34612345678". */
  e164: string;
  /** Digits only, as Meta's wa_id, e.g. "34612345678". */
  waId: string;
  /** ISO 3166-1 alpha-2 when the number resolves to one country (shared +1 resolved by range). */
  country: CountryCode | undefined;
  callingCode: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export interface IdentityProblem {
  code: PhoneErrorCode;
  message: string;
}

import { canonicalWaId } from './phone-variants.ts';

const FORMATTING = /[\s\-().\u00a0/]/g;

/**
 * Normalise a phone typed in any usual format to E.164 and check that it is a valid number.
 * "+34 612-34-56-78", "0034 612345678" and, with defaultCountry "ES", "612 34 56 78" all give "+34612345678".
 * Like Meta (spec §1.1), a number without "+" or "00" is read as national to defaultCountry; if that is not valid
 * but the digits are a valid international number (a CSV column "34612345678"), the international reading is used.
 */
export function parsePhone(input: string, opts: { defaultCountry?: string } = {}): Result<NormalisedPhone, IdentityProblem> {
  const raw = input.trim();
  const fail = (code: PhoneErrorCode, message: string): Result<NormalisedPhone, IdentityProblem> => ({
    ok: false,
    error: { code, message },
  });
  if (raw === '') return fail('phone_empty', 'The phone number is empty.');

  const bad = [...new Set(raw.replace(FORMATTING, '').replace(/[+\d]/g, ''))];
  if (bad.length > 0) {
    return fail(
      'phone_invalid_characters',
      `"${raw}" contains ${bad.map((c) => `"${c}"`).join(', ')}; a phone number may only have digits, "+", spaces, dashes, dots and parentheses.`,
    );
  }
  let compact = raw.replace(FORMATTING, '');
  if (compact.lastIndexOf('+') > 0) {
    return fail('phone_invalid_characters', `"${raw}" has a "+" that is not at the start.`);
  }
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (compact.replace('+', '') === '') return fail('phone_empty', `"${raw}" has no digits.`);

  if (compact.startsWith('+')) {
    const result = checkInternational(raw, compact);
    if (result.ok) return result;
    // Old Mexican mobile form (+52 1 …) and Brazilian numbers missing or repeating the ninth digit are
    // still in address books and in Meta's wa_ids: read them as the current form of the same number.
    const canonical = canonicalWaId(compact.slice(1));
    return canonical !== compact.slice(1) && checkInternational(raw, `+${canonical}`).ok ? checkInternational(raw, `+${canonical}`) : result;
  }

  const dc = opts.defaultCountry?.toUpperCase();
  if (dc === undefined) {
    return fail(
      'phone_no_country',
      `"${raw}" has no country code. Write it with "+" and the country code (e.g. +34 612 345 678) or set a default country.`,
    );
  }
  if (!isSupportedCountry(dc)) {
    return fail('phone_unknown_default_country', `The default country "${opts.defaultCountry}" is not a known country code.`);
  }
  const national = parsePhoneNumberFromString(compact, dc);
  if (national?.isValid()) return { ok: true, value: describe(national.number, national.country, national.countryCallingCode) };
  const asInternational = checkInternational(raw, `+${compact}`);
  if (asInternational.ok) return asInternational;
  return checkNational(raw, compact, dc);
}

/** Like parsePhone but throws PhoneError; for callers that treat a bad number as a bug. */
export function toE164(input: string, opts: { defaultCountry?: string } = {}): string {
  const r = parsePhone(input, opts);
  if (!r.ok) throw new PhoneError(r.error.code, r.error.message, input);
  return r.value.e164;
}

function checkInternational(input: string, plusDigits: string): Result<NormalisedPhone, IdentityProblem> {
  const lengthIssue = validatePhoneNumberLength(plusDigits);
  if (lengthIssue === 'INVALID_COUNTRY' || lengthIssue === 'NOT_A_NUMBER') {
    return {
      ok: false,
      error: { code: 'phone_unknown_country_code', message: `"${input}" does not start with a known country code.` },
    };
  }
  const p = parsePhoneNumberFromString(plusDigits);
  if (lengthIssue === 'TOO_SHORT') return lengthProblem(input, 'phone_too_short', 'too short', p?.country);
  if (lengthIssue === 'TOO_LONG') return lengthProblem(input, 'phone_too_long', 'too long', p?.country);
  if (!p || !p.isValid()) {
    return {
      ok: false,
      error: {
        code: 'phone_invalid',
        message: `"${input}" is not a valid phone number${p?.country ? ` for ${p.country}` : ` for country code +${p?.countryCallingCode ?? '?'}`}; check the digits.`,
      },
    };
  }
  return { ok: true, value: describe(p.number, p.country, p.countryCallingCode) };
}

function checkNational(input: string, digits: string, country: CountryCode): Result<NormalisedPhone, IdentityProblem> {
  const lengthIssue = validatePhoneNumberLength(digits, country);
  if (lengthIssue === 'TOO_SHORT') return lengthProblem(input, 'phone_too_short', 'too short', country);
  if (lengthIssue === 'TOO_LONG') return lengthProblem(input, 'phone_too_long', 'too long', country);
  return {
    ok: false,
    error: {
      code: 'phone_invalid',
      message: `"${input}" is not a valid phone number for ${country}; check the digits or add "+" and the country code.`,
    },
  };
}

function lengthProblem(
  input: string,
  code: 'phone_too_short' | 'phone_too_long',
  what: string,
  country: CountryCode | undefined,
): Result<NormalisedPhone, IdentityProblem> {
  return {
    ok: false,
    error: { code, message: `"${input}" is ${what} to be a phone number${country ? ` in ${country}` : ''}.` },
  };
}

function describe(e164: string, country: CountryCode | undefined, callingCode: string): NormalisedPhone {
  return { e164, waId: e164.slice(1), country, callingCode };
}

// E.164 allows at most 15 digits; the shortest numbers in use have 7 (with country code).
const WA_ID = /^[1-9]\d{6,14}$/;

/**
 * wa_id (digits only, as in webhooks) → E.164. Deliberately not checked for validity: Meta is the authority on
 * which numbers exist (e.g. Mexican wa_ids keep the old "521" mobile prefix, test numbers use 555 ranges).
 */
export function waIdToE164(waId: string): string {
  if (!WA_ID.test(waId)) {
    throw new PhoneError(
      'wa_id_invalid',
      `"${waId}" is not a wa_id: expected 7–15 digits with the country code and no "+", spaces or leading zero.`,
      waId,
    );
  }
  return `+${waId}`;
}

/** E.164 (or any "+digits") → wa_id (digits only). */
export function e164ToWaId(e164: string): string {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  if (!WA_ID.test(digits)) {
    throw new PhoneError('wa_id_invalid', `"${e164}" is not an E.164 number such as +34612345678.`, e164);
  }
  return digits;
}

/** Country of an E.164 number or wa_id; shared calling codes (+1, +7, +44…) are resolved by number range. */
export function countryOfPhone(e164OrWaId: string): CountryCode | undefined {
  const digits = e164OrWaId.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return undefined;
  return parsePhoneNumberFromString(`+${digits}`)?.country;
}

/** Calling code ("1", "34"…) of an E.164 number or wa_id, or undefined when it has none that is known. */
export function callingCodeOfPhone(e164OrWaId: string): string | undefined {
  const digits = e164OrWaId.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return undefined;
  return parsePhoneNumberFromString(`+${digits}`)?.countryCallingCode;
}

// --- Business-scoped user IDs (spec §9) ---

export type BsuidKind = 'bsuid' | 'parent' | 'user';
export interface Bsuid {
  kind: BsuidKind;
  /** Exactly as received; send it back unchanged. */
  raw: string;
  /** Two-letter country of the user; absent for the "user.…" form. */
  country: string | undefined;
  /** The alphanumeric part after the prefix. */
  id: string;
}

const ALNUM_1_128 = /^[A-Za-z0-9]{1,128}$/;

export function parseBsuid(input: string): Result<Bsuid, IdentityProblem> {
  const fail = (message: string): Result<Bsuid, IdentityProblem> => ({ ok: false, error: { code: 'bsuid_invalid', message } });
  if (input === '') return fail('The business-scoped user ID is empty.');
  if (input.trim() !== input) return fail(`"${input}" has spaces around it; a business-scoped user ID must be stored and sent exactly as received.`);
  const parts = input.split('.');
  const [head, second, third] = parts;
  if (parts.length < 2 || head === undefined || second === undefined) {
    return fail(`"${input}" is not a business-scoped user ID: expected a country code, a period and an id, e.g. US.13491208655302741918.`);
  }
  if (head === 'user' && parts.length === 2) {
    if (!ALNUM_1_128.test(second)) return fail(idProblem(input, second));
    return { ok: true, value: { kind: 'user', raw: input, country: undefined, id: second } };
  }
  if (!/^[A-Z]{2}$/.test(head)) {
    return fail(`"${input}" does not start with a two-letter upper-case country code (found "${head}").`);
  }
  if (parts.length === 3 && second === 'ENT' && third !== undefined) {
    if (!ALNUM_1_128.test(third)) return fail(idProblem(input, third));
    return { ok: true, value: { kind: 'parent', raw: input, country: head, id: third } };
  }
  if (parts.length !== 2) {
    return fail(`"${input}" has too many periods; expected CC.id or, for a parent ID, CC.ENT.id.`);
  }
  if (!ALNUM_1_128.test(second)) return fail(idProblem(input, second));
  return { ok: true, value: { kind: 'bsuid', raw: input, country: head, id: second } };
}

function idProblem(input: string, id: string): string {
  if (id === '') return `"${input}" has nothing after the period.`;
  if (id.length > 128) return `"${input}" has an id of ${id.length} characters; at most 128 are allowed.`;
  return `"${input}" has characters other than letters and digits in its id.`;
}

export function isBsuid(input: string): boolean {
  return parseBsuid(input).ok;
}

/** Country (ISO alpha-2) a BSUID carries, or undefined for the "user.…" form or an invalid id. */
export function countryOfBsuid(bsuid: string): string | undefined {
  const r = parseBsuid(bsuid);
  return r.ok ? r.value.country : undefined;
}
