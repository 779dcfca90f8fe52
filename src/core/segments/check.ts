/**
 * Check a parsed filter against what exists (custom field definitions, markets, consent categories)
 * and normalise its values, producing the Predicate both evaluator and SQL compiler use.
 */
import type { ConsentCategory, ConsentState } from '../consent.ts';
import { normaliseFieldValue, type FieldDefinition, type FieldType } from '../fields.ts';
import { MARKETS } from '../market.ts';
import type { Condition, Expr, Operator, Value } from './ast.ts';
import { problemAt, type SegmentError } from './errors.ts';
import { exampleFor } from './parser.ts';
import type { ConversationState, FieldTest, Predicate, TextTarget, TimeTest } from './predicate.ts';

const KINDS: Record<string, string> = {
  lead: 'lead', customer: 'customer', supplier: 'supplier', unknown: 'unknown',
  cliente: 'customer', proveedor: 'supplier', prospecto: 'lead', desconocido: 'unknown',
};
const CONSENT_STATES: Record<string, ConsentState> = { opted_in: 'opted_in', opted_out: 'opted_out', unknown: 'unknown' };
const CONVERSATION_STATES: Record<string, ConversationState> = {
  open: 'open', pending: 'pending', resolved: 'resolved', abierta: 'open', pendiente: 'pending', resuelta: 'resolved',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HOUR = 3_600_000;
const UNIT_MS: [RegExp, number][] = [
  [/^(h|hours?|horas?)$/i, HOUR],
  [/^(d|days?|d[ií]as?)$/i, 24 * HOUR],
  [/^(w|weeks?|semanas?)$/i, 7 * 24 * HOUR],
];

export interface CheckOptions {
  /** The workspace's contact custom fields. */
  fields: readonly FieldDefinition[];
}

/** Edit distance, for "did you mean" on field keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Parse a duration (30d, 12h, 2w, "30 days"); null when it is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([a-zí]+)$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = UNIT_MS.find(([re]) => re.test(m[2]!));
  return unit && n > 0 && n <= 100_000 ? n * unit[1] : null;
}

/** A calendar date (YYYY-MM-DD or DD/MM/YYYY) or an instant (2026-03-01T10:00[:00][Z|±hh:mm], UTC if no zone). */
export function parseWhen(text: string): { at: Date; dateOnly: boolean } | null {
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t) ?? null;
  let ymd: [number, number, number] | null = m ? [+m[1]!, +m[2]!, +m[3]!] : null;
  if (!ymd) {
    m = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(t);
    if (m) ymd = [+m[3]!, +m[2]!, +m[1]!];
  }
  if (ymd) {
    const d = new Date(Date.UTC(ymd[0], ymd[1] - 1, ymd[2]));
    if (d.getUTCFullYear() !== ymd[0] || d.getUTCMonth() !== ymd[1] - 1 || d.getUTCDate() !== ymd[2]) return null;
    return { at: d, dateOnly: true };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/i.test(t)) {
    const zoned = /(Z|[+-]\d{2}:\d{2})$/i.test(t) ? t : `${t}Z`;
    const ms = Date.parse(zoned);
    return Number.isNaN(ms) ? null : { at: new Date(ms), dateOnly: false };
  }
  return null;
}

class Checker {
  private readonly byKey: Map<string, FieldDefinition>;
  constructor(private readonly input: string, private readonly opts: CheckOptions) {
    this.byKey = new Map(opts.fields.map((d) => [d.key, d]));
  }

  private fail(at: { start: number; end: number }, text: string): SegmentError {
    return problemAt(this.input, at.start, at.end - at.start, text);
  }

  expr(e: Expr): Predicate {
    switch (e.type) {
      case 'and':
      case 'or':
        return { t: e.type, items: e.items.map((i) => this.expr(i)) };
      case 'not':
        return { t: 'not', item: this.expr(e.expr) };
      case 'has':
        return { t: 'has', what: e.what };
      case 'condition':
        return this.condition(e);
    }
  }

  /** =, in → positive test; !=, not in, is not empty → not(positive). */
  private condition(c: Condition): Predicate {
    const negative = c.op === '!=' || c.op === 'not in' || c.op === 'is not empty';
    const p = this.positive(c);
    return negative ? { t: 'not', item: p } : p;
  }

  private oneOf<T>(v: Value, table: Record<string, T>, what: string, c: Condition): T {
    const found = table[v.text.trim().toLowerCase()];
    if (found === undefined) {
      const choices = [...new Set(Object.values(table))].join(', ');
      throw this.fail(v.span, `"${v.text}" is not a ${what} {at}; use one of ${choices}, e.g. ${exampleFor(c.subject.name, c.op)}`);
    }
    return found;
  }

  private positive(c: Condition): Predicate {
    const s = c.subject;
    const op = c.op;
    const vals = c.values;
    const empty = op === 'is empty' || op === 'is not empty';
    const text = (target: TextTarget, values: string[]): Predicate => {
      if (empty) return { t: 'text', target, test: { op: 'empty' } };
      if (op === 'contains' || op === 'starts with') return { t: 'text', target, test: { op: op === 'contains' ? 'contains' : 'starts', value: values[0]! } };
      return { t: 'text', target, test: { op: 'in', values } };
    };
    switch (s.name) {
      case 'kind':
        return text('kind', vals.map((v) => this.oneOf(v, KINDS, 'contact kind', c)));
      case 'country':
        return text('country', vals.map((v) => {
          const cc = v.text.trim();
          if (!/^[a-z]{2}$/i.test(cc)) {
            throw this.fail(v.span, `"${v.text}" is not a country code {at}; write the two-letter ISO code, e.g. country in (ES, MX) (for Meta's pricing markets write market = "${v.text}")`);
          }
          return cc.toUpperCase();
        }));
      case 'market':
        return text('market', vals.map((v) => {
          const m = MARKETS.find((x) => x.toLowerCase() === v.text.trim().toLowerCase());
          if (!m) throw this.fail(v.span, `"${v.text}" is not one of Meta's pricing markets {at}; use one of ${MARKETS.join(', ')} (quote names with spaces, e.g. market = "Rest of Latin America")`);
          return m;
        }));
      case 'phone':
        return text('phone', vals.map((v) => {
          const digits = v.text.replace(/[\s+\-().]/g, '');
          if (!/^\d+$/.test(digits)) throw this.fail(v.span, `"${v.text}" is not a phone number {at}; write digits with the country code, e.g. phone starts with 34`);
          return digits;
        }));
      case 'name':
      case 'email':
      case 'username':
        return text(s.name, vals.map((v) => v.text));
      case 'tag':
        return empty ? { t: 'tag', test: { op: 'empty' } } : { t: 'tag', test: { op: 'in', names: vals.map((v) => v.text.trim()) } };
      case 'organization': {
        if (empty) return { t: 'organization', test: { op: 'empty' } };
        if (op === 'contains' || op === 'starts with') return { t: 'organization', test: { op: op === 'contains' ? 'contains' : 'starts', value: vals[0]!.text } };
        const ids = vals.filter((v) => UUID.test(v.text.trim())).map((v) => v.text.trim().toLowerCase());
        const names = vals.filter((v) => !UUID.test(v.text.trim())).map((v) => v.text.trim());
        return { t: 'organization', test: { op: 'in', ids, names } };
      }
      case 'conversation':
        if (empty) return { t: 'conversation', test: { op: 'empty' } };
        return { t: 'conversation', test: { op: 'in', states: vals.map((v) => this.oneOf(v, CONVERSATION_STATES, 'conversation state', c)) } };
      case 'consent':
        return { t: 'consent', category: s.key as ConsentCategory, states: vals.map((v) => this.oneOf(v, CONSENT_STATES, 'consent state', c)) };
      case 'last_inbound':
      case 'engagement':
        return { t: 'time', event: s.name === 'last_inbound' ? 'last_inbound' : (s.key as 'delivered' | 'read' | 'replied'), test: this.time(c) };
      case 'field':
        return this.field(c);
    }
  }

  private time(c: Condition): TimeTest {
    const v = c.values[0];
    if (c.op === 'never' || c.op === 'is empty' || c.op === 'is not empty') return { op: 'never' };
    if (!v) throw this.fail(c.opSpan, `Expected a value after "${c.op}" {at}; write e.g. ${exampleFor(c.subject.name, c.op)}`);
    if (c.op === 'within') {
      const ms = parseDuration(v.text);
      if (ms === null) {
        const months = /^\d+\s*(m|mo|months?|mes(es)?)$/i.test(v.text.trim()) ? ' (for months write days, e.g. 90d)' : '';
        throw this.fail(v.span, `"${v.text}" is not a duration {at}${months}; write a number with h (hours), d (days) or w (weeks), e.g. ${exampleFor(c.subject.name, 'within')}`);
      }
      return { op: 'within', ms };
    }
    const when = parseWhen(v.text);
    if (!when) throw this.fail(v.span, `"${v.text}" is not a date {at}; write YYYY-MM-DD (or DD/MM/YYYY, or 2026-03-01T09:30Z for a time, UTC), e.g. ${exampleFor(c.subject.name, c.op)}`);
    if (c.op === 'before') return { op: 'before', at: when.at.toISOString() };
    // "after 1 March" means from 2 March: the whole named day is excluded.
    if (when.dateOnly) return { op: 'after', at: new Date(when.at.getTime() + 24 * HOUR).toISOString(), inclusive: true };
    return { op: 'after', at: when.at.toISOString(), inclusive: false };
  }

  private field(c: Condition): Predicate {
    const key = c.subject.key!;
    const def = this.byKey.get(key) ?? this.byKey.get(key.toLowerCase());
    if (!def) {
      const known = [...this.byKey.keys()];
      const close = known.filter((k) => distance(k, key.toLowerCase()) <= 2);
      const guess = close.length ? ` did you mean field.${close[0]}?` : '';
      const list = known.length ? `known fields: ${known.map((k) => `field.${k}`).join(', ')}` : 'no custom fields are defined yet (define one first, or check the spelling)';
      throw this.fail(c.subject.span, `Unknown custom field "${key}" {at};${guess} ${list}`);
    }
    const type: FieldType = def.type;
    const op = c.op;
    const ALLOWED: Record<FieldType, readonly Operator[]> = {
      text: ['=', '!=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty'],
      phone: ['=', '!=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty'],
      email: ['=', '!=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty'],
      url: ['=', '!=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty'],
      number: ['=', '!=', 'in', 'not in', '<', '<=', '>', '>=', 'is empty', 'is not empty'],
      date: ['=', '!=', 'in', 'not in', '<', '<=', '>', '>=', 'before', 'after', 'is empty', 'is not empty'],
      boolean: ['=', '!=', 'is empty', 'is not empty'],
      choice: ['=', '!=', 'in', 'not in', 'is empty', 'is not empty'],
      multi_choice: ['has', 'in', 'not in', 'is empty', 'is not empty'],
    };
    const EXAMPLE: Record<FieldType, string> = {
      text: `field.${key} contains "texto"`, phone: `field.${key} starts with "+34"`, email: `field.${key} contains "@empresa.es"`,
      url: `field.${key} contains "shop"`, number: `field.${key} >= 3`, date: `field.${key} before 2026-01-01`, boolean: `field.${key} = true`,
      choice: `field.${key} = "${def.options?.[0] ?? 'option'}"`, multi_choice: `field.${key} has "${def.options?.[0] ?? 'option'}"`,
    };
    if (!ALLOWED[type].includes(op)) {
      const hint = type === 'multi_choice' && (op === '=' || op === '!=') ? ` (a multiple-choice field holds several options: use "has")` : '';
      throw this.fail(c.opSpan, `"${op}" does not apply to field.${key}, a ${type.replace('_', '-')} field {at}${hint}; use ${ALLOWED[type].map((o) => `"${o}"`).join(', ')}, e.g. ${EXAMPLE[type]}`);
    }
    const predicate = (test: FieldTest): Predicate => ({ t: 'field', key: def.key, type, test });
    if (op === 'is empty' || op === 'is not empty') return predicate({ op: 'empty' });
    if (op === 'contains' || op === 'starts with') return predicate({ op: op === 'contains' ? 'contains' : 'starts', value: c.values[0]!.text });
    // Values go through the same normalisation as stored values, so "3,5", "sí" and 01/03/2026 compare right.
    const norm = (v: Value): string | number | boolean => {
      const asDef: FieldDefinition = { ...def, type: type === 'multi_choice' ? 'choice' : type, required: false, label: `field.${key}` };
      const r = normaliseFieldValue(asDef, v.text);
      if (!r.ok || r.value === null || Array.isArray(r.value)) {
        const why = r.ok ? 'is empty' : r.message.replace(`field.${key}: `, '');
        throw this.fail(v.span, `Value "${v.text}" for field.${key} {at}: ${why}; write e.g. ${EXAMPLE[type]}`);
      }
      return r.value;
    };
    if (op === 'has' || (type === 'multi_choice' && op === 'in') || (type === 'multi_choice' && op === 'not in')) {
      return predicate({ op: 'has', values: c.values.map((v) => String(norm(v))) });
    }
    if (op === 'before' || op === 'after') return predicate({ op: 'cmp', cmp: op === 'before' ? '<' : '>', value: norm(c.values[0]!) as string });
    if (op === '<' || op === '<=' || op === '>' || op === '>=') return predicate({ op: 'cmp', cmp: op, value: norm(c.values[0]!) as string | number });
    return predicate({ op: 'in', values: c.values.map(norm) });
  }
}

/** Check a parsed filter; throws SegmentError (with position) on unknown fields, bad values, wrong operators. */
export function checkSegment(input: string, expr: Expr, opts: CheckOptions): Predicate {
  return new Checker(input, opts).expr(expr);
}

