/**
 * One CSV row → a contact draft or the reasons it is rejected (pure). Values are checked and
 * normalised here; what happens to the contact (create / update / skip) is decided with the store.
 */
import { parseBsuid, parsePhone, type IdentityProblem } from '../../core/phone.ts';
import { normaliseFieldValue, type FieldDefinition, type FieldValue } from '../../core/fields.ts';
import type { ConsentCategory } from '../../core/consent.ts';
import { cleanTagName } from '../tags.ts';
import { unneutralise } from './csv.ts';
import { columnName, type ColumnPlan } from './mapping.ts';

export const CONTACT_KINDS = ['lead', 'customer', 'supplier', 'unknown'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ConsentDraft {
  category: ConsentCategory;
  state: 'opted_in' | 'opted_out';
  evidence: string;
  /** From the row's consent date; null means "when the import runs". */
  at: Date | null;
}

export interface ContactDraft {
  row: number;
  waId: string | null;
  e164: string | null;
  bsuid: string | null;
  email: string | null;
  name: string | null;
  kind: ContactKind | null;
  organization: string | null;
  tags: string[];
  preferredLanguage: string | null;
  timeZone: string | null;
  fields: Record<string, FieldValue>;
  consents: ConsentDraft[];
}

export interface RowProblem {
  column: string | null;
  value: string | null;
  reason: string;
}

export type RowResult = { ok: true; draft: ContactDraft } | { ok: false; row: number; problems: RowProblem[] };

export interface RowContext {
  columns: readonly ColumnPlan[];
  fields: ReadonlyMap<string, FieldDefinition>;
  defaultCountry?: string | undefined;
  /** Job-wide consent text, used when the row has none. */
  consentEvidence?: string | undefined;
  /** Consent dates later than a day after this are rejected. */
  now: Date;
}

/** `Row 14, column "Teléfono", value "612 34": the number is too short…` */
export function formatProblem(row: number, p: RowProblem): string {
  const where = [`Row ${row}`, p.column !== null ? `column "${p.column}"` : null, p.value !== null ? `value "${p.value}"` : null].filter(Boolean).join(', ');
  return `${where}: ${p.reason}`;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
function countryLabel(cc: string): string {
  try {
    const name = regionNames.of(cc);
    return name && name !== cc ? `${name} (${cc})` : cc;
  } catch {
    return cc;
  }
}

/** parsePhone's message, phrased about "the number" (the value is already quoted) and with country names. */
export function phoneReason(raw: string, error: IdentityProblem): string {
  const quoted = `"${raw.trim()}"`;
  let m = error.message.startsWith(quoted) ? `the number${error.message.slice(quoted.length)}` : error.message;
  m = m.replace(/to be a phone number in ([A-Z]{2})\./, (_s, cc: string) => `for ${countryLabel(cc)}; check for missing or extra digits.`);
  m = m.replace(/ for ([A-Z]{2})([;.])/, (_s, cc: string, end: string) => ` for ${countryLabel(cc)}${end}`);
  return m;
}

// Tab, CR and LF are fine inside quoted values; other C0 controls (NUL above all) cannot be stored.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const KIND_WORDS: Record<string, ContactKind> = {
  lead: 'lead', prospecto: 'lead', potencial: 'lead', clientepotencial: 'lead', interesado: 'lead', prospect: 'lead',
  customer: 'customer', cliente: 'customer', client: 'customer',
  supplier: 'supplier', proveedor: 'supplier', vendor: 'supplier',
  unknown: 'unknown', desconocido: 'unknown', otro: 'unknown', other: 'unknown',
};

const LANGUAGE_WORDS: Record<string, string> = {
  espanol: 'es', castellano: 'es', spanish: 'es', ingles: 'en', english: 'en', portugues: 'pt', portuguese: 'pt',
  catalan: 'ca', frances: 'fr', french: 'fr', aleman: 'de', german: 'de', italiano: 'it', italian: 'it',
};

const YES = new Set(['si', 'yes', 'y', 's', 'true', '1', 'x', 'optedin', 'optin', 'in', 'alta', 'acepta', 'aceptado', 'aceptada', 'verdadero']);
const NO = new Set(['no', 'n', 'false', '0', 'optedout', 'optout', 'out', 'baja', 'rechaza', 'rechazado', 'rechazada', 'falso']);

function plain(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function parseKind(raw: string): ContactKind | null {
  return KIND_WORDS[plain(raw)] ?? null;
}

export function parseConsentState(raw: string): 'opted_in' | 'opted_out' | null {
  const p = plain(raw);
  if (YES.has(p)) return 'opted_in';
  if (NO.has(p)) return 'opted_out';
  return null;
}

/** "es", "es_MX", "es-mx", "Español" → a canonical BCP 47 tag; null when it is not a language. */
export function parseLanguage(raw: string): string | null {
  const word = LANGUAGE_WORDS[plain(raw)];
  if (word) return word;
  const t = raw.trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(t)) return null;
  try {
    return Intl.getCanonicalLocales(t)[0] ?? null;
  } catch {
    return null;
  }
}

/** An IANA time zone ("america/mexico_city" → "America/Mexico_City"); null when unknown. */
export function parseTimeZone(raw: string): string | null {
  const t = raw.trim();
  if (!/^[A-Za-z_+\-/0-9]+$/.test(t)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: t }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** YYYY-MM-DD or DD/MM/YYYY (day first, as in Spain and Latin America), optional HH:MM[:SS], read as UTC; or full ISO 8601. */
export function parseDate(raw: string): Date | null {
  const t = raw.trim();
  const build = (y: string, mo: string, d: string, h = '0', mi = '0', s = '0'): Date | null => {
    const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
    return date.getUTCFullYear() === +y && date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && +h < 24 ? date : null;
  };
  let m = ISO_DAY.exec(t);
  if (m) return build(m[1]!, m[2]!, m[3]!, m[4], m[5], m[6]);
  m = DMY.exec(t);
  if (m) return build(m[3]!, m[2]!, m[1]!, m[4], m[5], m[6]);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** Check one data row against the plan. Every problem of the row is reported, not just the first. */
export function interpretRow(row: number, rawCells: readonly string[], ctx: RowContext): RowResult {
  const problems: RowProblem[] = [];
  const draft: ContactDraft = {
    row, waId: null, e164: null, bsuid: null, email: null, name: null, kind: null, organization: null, tags: [],
    preferredLanguage: null, timeZone: null, fields: {}, consents: [],
  };
  if (rawCells.length > ctx.columns.length) {
    const extra = rawCells.slice(ctx.columns.length).filter((c) => c.trim() !== '');
    if (extra.length) {
      return {
        ok: false, row,
        problems: [{ column: null, value: extra[0]!, reason: `the row has ${rawCells.length} cells but the header has ${ctx.columns.length}; a value probably contains the delimiter without quotes.` }],
      };
    }
  }
  let first: string | null = null;
  let last: string | null = null;
  const consentCells = new Map<string, { value: string; column: string }>();
  for (const col of ctx.columns) {
    if (col.target === 'ignore') continue;
    const raw = unneutralise(rawCells[col.index] ?? '');
    const value = raw.trim();
    if (value === '') continue;
    const column = columnName(col.header, col.index);
    const bad = (reason: string) => problems.push({ column, value: raw.replace(CONTROL, ''), reason });
    if (HAS_CONTROL.test(value)) {
      bad('the value contains control characters (such as NUL); the file may be damaged or not text.');
      continue;
    }
    switch (col.target) {
      case 'phone': {
        const r = parsePhone(value, ctx.defaultCountry ? { defaultCountry: ctx.defaultCountry } : {});
        if (r.ok) {
          draft.waId = r.value.waId;
          draft.e164 = r.value.e164;
        } else bad(phoneReason(value, r.error));
        break;
      }
      case 'name':
        if (value.length > 200) bad('the name is longer than 200 characters.');
        else draft.name = value.replace(/\s+/g, ' ');
        break;
      case 'name.first':
        first = value.replace(/\s+/g, ' ');
        break;
      case 'name.last':
        last = value.replace(/\s+/g, ' ');
        break;
      case 'email':
        if (EMAIL.test(value) && value.length <= 254) draft.email = value.toLowerCase();
        else bad('this is not an e-mail address (expected name@domain.tld).');
        break;
      case 'kind': {
        const k = parseKind(value);
        if (k) draft.kind = k;
        else bad('the kind must be lead, customer, supplier or unknown (or cliente, proveedor, prospecto).');
        break;
      }
      case 'organization':
        if (value.length > 200) bad('the organization name is longer than 200 characters.');
        else draft.organization = value.replace(/\s+/g, ' ');
        break;
      case 'tags':
        for (const t of value.split(/[;,|]/)) {
          const name = cleanTagName(t);
          if (name && !draft.tags.some((x) => x.toLowerCase() === name.toLowerCase())) draft.tags.push(name);
        }
        break;
      case 'preferred_language': {
        const l = parseLanguage(value);
        if (l) draft.preferredLanguage = l;
        else bad('this is not a language; use a code such as es, en, pt or es-MX.');
        break;
      }
      case 'time_zone': {
        const tz = parseTimeZone(value);
        if (tz) draft.timeZone = tz;
        else bad('this is not a time zone; use an IANA name such as Europe/Madrid or America/Mexico_City.');
        break;
      }
      case 'bsuid': {
        const b = parseBsuid(value);
        if (b.ok) draft.bsuid = b.value.raw;
        else bad(b.error.message.replace(/^"[^"]*" /, 'the value '));
        break;
      }
      default:
        if (col.target.startsWith('field.')) {
          const def = ctx.fields.get(col.target.slice('field.'.length));
          if (!def) break;
          const r = normaliseFieldValue(def, value, ctx.defaultCountry ? { defaultCountry: ctx.defaultCountry } : {});
          if (r.ok) draft.fields[def.key] = r.value;
          else bad(r.message);
        } else if (col.target.startsWith('consent.')) {
          consentCells.set(col.target, { value: raw, column });
        }
    }
  }
  if (first !== null || last !== null) draft.name = [first, last].filter(Boolean).join(' ');

  for (const [target, cell] of consentCells) {
    const m = /^consent\.([a-z]+)$/.exec(target);
    if (!m || target === 'consent.evidence' || target === 'consent.date') continue;
    const category = m[1] as ConsentCategory;
    const state = parseConsentState(cell.value);
    if (!state) {
      problems.push({ column: cell.column, value: cell.value, reason: 'consent must be yes or no (sí/no, yes/no, opted_in/opted_out, 1/0).' });
      continue;
    }
    const evidenceCell = consentCells.get(`consent.${category}.evidence`) ?? consentCells.get('consent.evidence');
    const evidence = evidenceCell?.value.trim() || ctx.consentEvidence?.trim() || null;
    if (!evidence && state === 'opted_in') {
      problems.push({ column: cell.column, value: cell.value, reason: 'an opt-in needs evidence: this row has no consent text and the import has no job-wide evidence.' });
      continue;
    }
    const dateCell = consentCells.get(`consent.${category}.date`) ?? consentCells.get('consent.date');
    let at: Date | null = null;
    if (dateCell) {
      at = parseDate(dateCell.value);
      if (!at) {
        problems.push({ column: dateCell.column, value: dateCell.value, reason: 'this is not a date (use YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM).' });
        continue;
      }
      if (at.getTime() > ctx.now.getTime() + 24 * 3600_000) {
        problems.push({ column: dateCell.column, value: dateCell.value, reason: 'the consent date is in the future.' });
        continue;
      }
    }
    draft.consents.push({ category, state, evidence: evidence ?? 'Opt-out recorded by CSV import', at });
  }

  if (problems.length === 0 && !draft.waId && !draft.email && !draft.bsuid) {
    const idCols = ctx.columns.filter((c) => c.target === 'phone' || c.target === 'email' || c.target === 'bsuid');
    problems.push({
      column: idCols[0] ? columnName(idCols[0].header, idCols[0].index) : null,
      value: null,
      reason: `the row has no phone${idCols.some((c) => c.target === 'email') ? ', e-mail' : ''}${idCols.some((c) => c.target === 'bsuid') ? ' or BSUID' : ''} to identify the contact.`,
    });
  }
  return problems.length ? { ok: false, row, problems } : { ok: true, draft };
}
