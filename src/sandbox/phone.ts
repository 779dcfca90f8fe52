import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Turn a `to` value into digits the way the Cloud API does: strip + - ( ) and spaces; a number
 * written without + that is not a valid international number gets the sender's country code.
 * Returns undefined when the value cannot be a phone number.
 */
export function normalizeRecipient(to: string, senderCountryCode: string): string | undefined {
  const trimmed = to.trim();
  if (!/^\+?[\d\s\-()]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (trimmed.startsWith('+')) return digits;
  // Long numbers are international already (libphonenumber rejects some real wa_ids, e.g. MX 521…).
  if (digits.length > 10 || parsePhoneNumberFromString('+' + digits)?.isPossible()) return digits;
  return senderCountryCode + digits;
}

/** Alternative forms Meta rewrites: Mexico's mobile "1" after 52, Brazil's 9th digit. */
export function equivalentWaIds(digits: string): string[] {
  const out = [digits];
  if (/^52\d{10}$/.test(digits)) out.push('521' + digits.slice(2));
  if (/^521\d{10}$/.test(digits)) out.push('52' + digits.slice(3));
  if (/^55\d{2}\d{8}$/.test(digits)) out.push(digits.slice(0, 4) + '9' + digits.slice(4));
  if (/^55\d{2}9\d{8}$/.test(digits)) out.push(digits.slice(0, 4) + digits.slice(5));
  return out;
}

/** ISO country of a wa_id (libphonenumber resolves shared calling codes by range). */
export function countryOf(waId: string): string | undefined {
  return parsePhoneNumberFromString('+' + waId)?.country;
}

export function callingCodeOf(displayNumber: string): string {
  return parsePhoneNumberFromString('+' + displayNumber.replace(/\D/g, ''))?.countryCallingCode ?? '1';
}

/** BSUID: ISO country, a period, up to 128 alphanumerics (parent ids add ".ENT"). */
export const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: string): boolean {
  return BSUID_PATTERN.test(value);
}
