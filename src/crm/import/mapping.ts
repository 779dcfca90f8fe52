/**
 * Column mapping (pure): which contact attribute each CSV column fills, suggestions from header
 * names in Spanish and English, and checks on a mapping before an import starts.
 */
import { CONSENT_CATEGORIES } from '../../core/consent.ts';
import type { FieldDefinition } from '../../core/fields.ts';

export const BASIC_TARGETS = [
  'phone', 'name', 'name.first', 'name.last', 'email', 'kind', 'organization', 'tags', 'preferred_language', 'time_zone', 'bsuid', 'ignore',
] as const;

/** A target is a basic one, `field.<key>`, or a consent one: `consent.<category>[.evidence|.date]`, `consent.evidence`, `consent.date`. */
export type Target = string;

/** Targets several columns may share (their values add up). */
const REPEATABLE = new Set(['tags', 'ignore']);

export interface ColumnPlan {
  index: number;
  header: string;
  target: Target;
}

/** Lower case, no accents, letters and digits only: "Teléfono móvil" → "telefonomovil". */
export function normaliseHeader(header: string): string {
  return header.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Name of a column in messages: its header, or its position when the header is empty. */
export function columnName(header: string, index: number): string {
  return header.trim() === '' ? `column ${index + 1}` : header.trim();
}

// Synonyms per target, best first: when two headers want one target, the better synonym wins and
// the other column is ignored (e.g. "Teléfono" over "wa_id" in a file exported by Charla).
const SYNONYMS: readonly [Target, readonly string[]][] = [
  ['phone', [
    'phone', 'telefono', 'movil', 'celular', 'whatsapp', 'telefonomovil', 'numerodetelefono', 'numerowhatsapp', 'whatsappnumber',
    'phonenumber', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'telephone', 'tel', 'telf', 'tfno', 'cel', 'numero',
    'msisdn', 'e164', 'waid',
  ]],
  ['name', ['name', 'nombre', 'nombrecompleto', 'fullname', 'nombreyapellidos', 'contacto', 'contactname', 'nombredelcontacto']],
  ['name.first', ['firstname', 'givenname', 'nombrepila', 'primernombre', 'namefirst']],
  ['name.last', ['apellidos', 'apellido', 'lastname', 'surname', 'familyname', 'namelast']],
  ['email', ['email', 'correo', 'correoelectronico', 'mail', 'emailaddress', 'direcciondecorreo', 'ecorreo']],
  ['kind', ['kind', 'tipo', 'tipodecontacto', 'type', 'contacttype']],
  ['organization', ['organization', 'empresa', 'compania', 'organizacion', 'company', 'organisation', 'companyname', 'razonsocial', 'negocio', 'account', 'cuenta']],
  ['tags', ['tags', 'etiquetas', 'etiqueta', 'tag', 'labels', 'label', 'grupos']],
  ['preferred_language', ['preferredlanguage', 'idioma', 'idiomapreferido', 'language', 'lang', 'lengua']],
  ['time_zone', ['timezone', 'zonahoraria', 'husohorario', 'tz']],
  ['bsuid', ['bsuid', 'businessscopeduserid']],
  ['consent.marketing', ['consentmarketing', 'consentimiento', 'consentimientomarketing', 'aceptamarketing', 'aceptapublicidad', 'marketingconsent', 'optin', 'marketing', 'publicidad']],
  ['consent.utility', ['consentutility', 'consentimientoutilidad', 'utilityconsent']],
  ['consent.authentication', ['consentauthentication', 'authenticationconsent']],
  ['consent.evidence', ['consentevidence', 'consentmarketingevidence', 'textodeconsentimiento', 'textoconsentimiento', 'evidencia', 'evidence', 'consenttext']],
  ['consent.date', ['consentdate', 'consentmarketingdate', 'fechadeconsentimiento', 'fechaconsentimiento', 'fechadealta']],
  // Columns Charla exports that are derived or read-only on import.
  ['ignore', ['id', 'createdat', 'country', 'market', 'username', 'pais', 'mercado', 'fechadecreacion']],
];

const SYNONYM_INDEX: ReadonlyMap<string, { target: Target; rank: number }> = new Map(
  SYNONYMS.flatMap(([target, names]) => names.map((n, rank) => [n, { target, rank }] as const)),
);

export interface TargetProblem {
  message: string;
}

/** Whether `target` names something an import can fill; `null` when it can, else why not. */
export function checkTarget(target: string, fieldKeys: ReadonlySet<string>): string | null {
  if ((BASIC_TARGETS as readonly string[]).includes(target)) return null;
  if (target.startsWith('field.')) {
    const key = target.slice('field.'.length);
    return fieldKeys.has(key)
      ? null
      : `there is no custom field "${key}" (known: ${[...fieldKeys].join(', ') || 'none'}); create it first or map the column to ignore.`;
  }
  const consent = /^consent\.([a-z_]+)(?:\.(evidence|date))?$/.exec(target);
  if (consent) {
    const [, cat, sub] = consent;
    if ((cat === 'evidence' || cat === 'date') && sub === undefined) return null;
    if ((CONSENT_CATEGORIES as readonly string[]).includes(cat!)) return null;
    return `"${cat}" is not a consent category (use ${CONSENT_CATEGORIES.join(', ')}).`;
  }
  return `"${target}" is not a target; use one of ${BASIC_TARGETS.join(', ')}, field.<key>, consent.<category>, consent.<category>.evidence, consent.<category>.date, consent.evidence or consent.date.`;
}

/** The suggested target for every header (ignore when nothing fits); one column per target. */
export function suggestMapping(headers: readonly string[], fields: readonly FieldDefinition[] = []): Target[] {
  const fieldKeys = new Set(fields.map((f) => f.key));
  const fieldByName = new Map<string, string>();
  for (const f of fields) {
    fieldByName.set(normaliseHeader(f.key), f.key);
    fieldByName.set(normaliseHeader(f.label), f.key);
  }
  const candidates = headers.map((h) => {
    const exact = h.trim().toLowerCase();
    // A header that already names a target (a file Charla exported) maps to it.
    if (exact !== '' && checkTarget(exact, fieldKeys) === null) return { target: exact, rank: -1 };
    const n = normaliseHeader(h);
    const field = fieldByName.get(n);
    if (field) return { target: `field.${field}`, rank: 0 };
    return SYNONYM_INDEX.get(n) ?? { target: 'ignore', rank: 0 };
  });
  const best = new Map<Target, number>();
  candidates.forEach((c, i) => {
    if (REPEATABLE.has(c.target)) return;
    const held = best.get(c.target);
    if (held === undefined || c.rank < candidates[held]!.rank) best.set(c.target, i);
  });
  return candidates.map((c, i) => (REPEATABLE.has(c.target) || best.get(c.target) === i ? c.target : 'ignore'));
}

/** "Teléfono=phone,Nombre=name" → { Teléfono: 'phone', Nombre: 'name' } (the last "=" splits, so headers may hold "="). */
export function parseMapSpec(spec: string): { ok: true; mapping: Record<string, string> } | { ok: false; message: string } {
  const mapping: Record<string, string> = {};
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const at = part.lastIndexOf('=');
    if (at <= 0) return { ok: false, message: `"${part.trim()}" is not header=target (e.g. "Teléfono=phone").` };
    mapping[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return { ok: true, mapping };
}

export interface MappingInput {
  headers: readonly string[];
  /** Header name → target. Columns not named here keep their suggestion; map a column to "ignore" to leave it out. */
  mapping?: Record<string, string> | undefined;
  fields: readonly FieldDefinition[];
  /** A job-wide consent text, so consent columns need no evidence column. */
  consentEvidence?: string | undefined;
}

export type MappingResult = { ok: true; columns: ColumnPlan[] } | { ok: false; problems: string[] };

/** The plan for every column, or every reason the mapping cannot be used. */
export function compileMapping(input: MappingInput): MappingResult {
  const { headers } = input;
  const fieldKeys = new Set(input.fields.map((f) => f.key));
  const problems: string[] = [];
  const suggested = suggestMapping(headers, input.fields);
  const byHeader = new Map<string, number[]>();
  headers.forEach((h, i) => byHeader.set(h.trim(), [...(byHeader.get(h.trim()) ?? []), i]));
  const targets = [...suggested];
  for (const [header, target] of Object.entries(input.mapping ?? {})) {
    const indexes = byHeader.get(header.trim()) ?? byHeader.get(findHeaderCaseless(headers, header) ?? '\u0000');
    if (!indexes) {
      problems.push(`The mapping names column "${header}", which is not in the file; its columns are ${headers.map((h, i) => `"${columnName(h, i)}"`).join(', ')}.`);
      continue;
    }
    const problem = checkTarget(target, fieldKeys);
    if (problem) {
      problems.push(`Column "${header}": ${problem}`);
      continue;
    }
    for (const i of indexes) targets[i] = target;
  }
  // A column the caller did not map may still collide with a target the caller gave to another column.
  const explicit = new Set(Object.keys(input.mapping ?? {}).map((h) => h.trim().toLowerCase()));
  const users = new Map<Target, number[]>();
  targets.forEach((t, i) => users.set(t, [...(users.get(t) ?? []), i]));
  for (const [target, idx] of users) {
    if (REPEATABLE.has(target) || idx.length < 2) continue;
    const chosen = idx.filter((i) => explicit.has(headers[i]!.trim().toLowerCase()));
    if (chosen.length === 1) {
      for (const i of idx) if (i !== chosen[0]) targets[i] = 'ignore';
      continue;
    }
    problems.push(`Columns ${idx.map((i) => `"${columnName(headers[i]!, i)}"`).join(' and ')} all map to ${target}; map all but one to ignore.`);
  }
  const used = new Set(targets);
  if (!used.has('phone') && !used.has('email') && !used.has('bsuid')) {
    problems.push('No column maps to phone, email or bsuid, so rows cannot be matched to contacts. Map the phone column (e.g. "Teléfono=phone").');
  }
  if ((used.has('name.first') || used.has('name.last')) && used.has('name')) {
    problems.push('Map either one name column or first and last name columns, not both.');
  }
  const consentCats = [...used].filter((t) => /^consent\.[a-z]+$/.test(t) && t !== 'consent.evidence' && t !== 'consent.date');
  for (const c of consentCats) {
    const cat = c.slice('consent.'.length);
    if (!used.has(`consent.${cat}.evidence`) && !used.has('consent.evidence') && !input.consentEvidence?.trim()) {
      problems.push(`Column ${c} needs evidence of consent: map a column with the consent text (consent.evidence or consent.${cat}.evidence) or give consentEvidence for the whole import.`);
    }
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, columns: targets.map((target, index) => ({ index, header: headers[index]!, target })) };
}

function findHeaderCaseless(headers: readonly string[], name: string): string | undefined {
  const n = name.trim().toLowerCase();
  return headers.find((h) => h.trim().toLowerCase() === n)?.trim();
}

/** `{ header: target }` of a plan, for job options and previews. */
export function mappingOf(columns: readonly ColumnPlan[]): Record<string, Target> {
  const out: Record<string, Target> = {};
  for (const c of columns) out[columnName(c.header, c.index)] = c.target;
  return out;
}
