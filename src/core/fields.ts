/**
 * Custom field definitions and value validation (pure). Values are stored in a record's `fields`
 * jsonb under the definition's key, already normalised (numbers as numbers, dates as YYYY-MM-DD,
 * phones as E.164, choices as given in the options).
 */
import { parsePhone } from './phone.ts';
import { isEmail } from './email.ts';

export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice', 'multi_choice', 'phone', 'email', 'url'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDefinition {
  key: string;
  label: string;
  type: FieldType;
  /** For choice / multi_choice: the allowed values. */
  options?: string[] | null;
  required?: boolean;
}

export type FieldValue = string | number | boolean | string[] | null;

export type FieldResult = { ok: true; value: FieldValue } | { ok: false; message: string };

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** Problems with a definition itself (key format, options for choices). */
export function validateDefinition(def: { key?: unknown; label?: unknown; type?: unknown; options?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof def.key !== 'string' || !FIELD_KEY.test(def.key)) {
    problems.push('key: use lowercase letters, digits and _ (starting with a letter, at most 63), e.g. "plan" or "birth_date".');
  }
  if (typeof def.label !== 'string' || def.label.trim() === '') problems.push('label: give the name people will see.');
  if (typeof def.type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(def.type)) {
    problems.push(`type: must be one of ${FIELD_TYPES.join(', ')}.`);
  } else if (def.type === 'choice' || def.type === 'multi_choice') {
    const opts = def.options;
    if (!Array.isArray(opts) || opts.length === 0 || !opts.every((o) => typeof o === 'string' && o.trim() !== '')) {
      problems.push('options: a choice field needs a list of non-empty options.');
    } else if (new Set(opts.map((o: string) => o.toLowerCase())).size !== opts.length) {
      problems.push('options: each option must be different.');
    }
  }
  return problems;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Check and normalise one value for a field. Strings from CSV or forms are accepted for every type
 * ("3,5" and "3.5" for numbers; "sí/si/yes/true/1" for booleans; DD/MM/YYYY and YYYY-MM-DD for dates,
 * the day-first order Spain and Latin America write). Empty means "no value".
 */
export function normaliseFieldValue(def: FieldDefinition, raw: unknown, opts: { defaultCountry?: string } = {}): FieldResult {
  const fail = (message: string): FieldResult => ({ ok: false, message: `${def.label}: ${message}` });
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0)) {
    return def.required ? fail('a value is required.') : { ok: true, value: null };
  }
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (def.type) {
    case 'text':
      if (typeof text !== 'string') return fail('expected text.');
      if (text.length > 2000) return fail('at most 2,000 characters.');
      return { ok: true, value: text };
    case 'number': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^[-+]?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : fail(`"${String(raw)}" is not a number (use digits, e.g. 42 or 3.5).`);
    }
    case 'boolean': {
      if (typeof text === 'boolean') return { ok: true, value: text };
      const t = String(text).toLowerCase();
      if (['true', '1', 'yes', 'y', 'sí', 'si', 's', 'sim', 'verdadero'].includes(t)) return { ok: true, value: true };
      if (['false', '0', 'no', 'n', 'não', 'nao', 'falso'].includes(t)) return { ok: true, value: false };
      return fail(`"${String(raw)}" is not yes/no (use sí/no, yes/no, true/false or 1/0).`);
    }
    case 'date': {
      const s = String(text);
      let m = ISO_DATE.exec(s);
      if (m && validDate(+m[1]!, +m[2]!, +m[3]!)) return { ok: true, value: s };
      m = DMY.exec(s);
      if (m && validDate(+m[3]!, +m[2]!, +m[1]!)) {
        return { ok: true, value: `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` };
      }
      return fail(`"${s}" is not a date (use YYYY-MM-DD or DD/MM/YYYY).`);
    }
    case 'choice': {
      const found = (def.options ?? []).find((o) => o.toLowerCase() === String(text).toLowerCase());
      return found ? { ok: true, value: found } : fail(`"${String(raw)}" is not one of the options (${(def.options ?? []).join(', ')}).`);
    }
    case 'multi_choice': {
      const parts = Array.isArray(text) ? text.map(String) : String(text).split(/[;,|]/).map((p) => p.trim()).filter(Boolean);
      const values: string[] = [];
      for (const p of parts) {
        const found = (def.options ?? []).find((o) => o.toLowerCase() === p.toLowerCase());
        if (!found) return fail(`"${p}" is not one of the options (${(def.options ?? []).join(', ')}).`);
        if (!values.includes(found)) values.push(found);
      }
      return { ok: true, value: values };
    }
    case 'phone': {
      const r = parsePhone(String(text), opts.defaultCountry ? { defaultCountry: opts.defaultCountry } : {});
      return r.ok ? { ok: true, value: r.value.e164 } : fail(r.error.message);
    }
    case 'email':
      return isEmail(String(text)) ? { ok: true, value: String(text).toLowerCase() } : fail(`"${String(raw)}" is not an e-mail address.`);
    case 'url': {
      try {
        const u = new URL(String(text));
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail('use an http:// or https:// address.');
        return { ok: true, value: u.toString() };
      } catch {
        return fail(`"${String(raw)}" is not a web address (include https://).`);
      }
    }
  }
}

/** Validate a whole `fields` object against the definitions: unknown keys are errors naming the key. */
export function normaliseFields(
  defs: readonly FieldDefinition[],
  input: Record<string, unknown>,
  opts: { defaultCountry?: string; partial?: boolean } = {},
): { ok: true; value: Record<string, FieldValue> } | { ok: false; problems: { key: string; message: string }[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const problems: { key: string; message: string }[] = [];
  const value: Record<string, FieldValue> = {};
  for (const [key, raw] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      problems.push({ key, message: `Unknown field "${key}". Define it first (custom fields) or check the spelling; known: ${[...byKey.keys()].join(', ') || 'none'}.` });
      continue;
    }
    const r = normaliseFieldValue(def, raw, opts);
    if (r.ok) value[key] = r.value;
    else problems.push({ key, message: r.message });
  }
  if (!opts.partial) {
    for (const def of defs) if (def.required && !(def.key in input)) problems.push({ key: def.key, message: `${def.label}: a value is required.` });
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}
