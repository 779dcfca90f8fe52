/**
 * The checked form of a filter: every name resolved, every value normalised, negations made explicit.
 * Both the evaluator (matches) and the SQL compiler read only this, so they cannot disagree on what
 * a filter means — only on how they compute it, which the store tests compare.
 */
import type { ConsentCategory, ConsentState } from '../consent.ts';
import type { FieldType } from '../fields.ts';
import type { HasWhat } from './ast.ts';

/** Contact columns compared as text. kind/country/market exactly (values are canonical); the rest folded. */
export type TextTarget = 'kind' | 'country' | 'market' | 'name' | 'phone' | 'email' | 'username';
export type TimeEvent = 'last_inbound' | 'delivered' | 'read' | 'replied';
export type ConversationState = 'open' | 'pending' | 'resolved';

export type TextTest = { op: 'in'; values: string[] } | { op: 'contains' | 'starts'; value: string } | { op: 'empty' };

export type FieldTest =
  | { op: 'in'; values: (string | number | boolean)[] }
  | { op: 'cmp'; cmp: '<' | '<=' | '>' | '>='; value: number | string }
  | { op: 'contains' | 'starts'; value: string }
  /** multi_choice: has any of these options. */
  | { op: 'has'; values: string[] }
  | { op: 'empty' };

export type TimeTest =
  | { op: 'within'; ms: number }
  /** The latest event happened before this instant (and there was one). */
  | { op: 'before'; at: string }
  /** There was an event at/after `at` (inclusive) or strictly after it. */
  | { op: 'after'; at: string; inclusive: boolean }
  | { op: 'never' };

export type Predicate =
  | { t: 'and'; items: Predicate[] }
  | { t: 'or'; items: Predicate[] }
  | { t: 'not'; item: Predicate }
  | { t: 'text'; target: TextTarget; test: TextTest }
  | { t: 'field'; key: string; type: FieldType; test: FieldTest }
  | { t: 'tag'; test: { op: 'in'; names: string[] } | { op: 'empty' } }
  | { t: 'organization'; test: { op: 'in'; ids: string[]; names: string[] } | { op: 'contains' | 'starts'; value: string } | { op: 'empty' } }
  | { t: 'conversation'; test: { op: 'in'; states: ConversationState[] } | { op: 'empty' } }
  | { t: 'consent'; category: ConsentCategory; states: ConsentState[] }
  | { t: 'time'; event: TimeEvent; test: TimeTest }
  | { t: 'has'; what: HasWhat };

// Case- and accent-insensitive text comparison, identical in JS and SQL: lower case, then these
// accented letters to their base letter (Spanish, Portuguese, French, German, Catalan).
export const FOLD_FROM = 'áàâäãåéèêëíìîïóòôöõúùûüñçý';
export const FOLD_TO = 'aaaaaaeeeeiiiiooooouuuuncy';
const FOLD_MAP = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]));

export function fold(s: string): string {
  let out = '';
  for (const c of s.toLowerCase()) out += FOLD_MAP.get(c) ?? c;
  return out;
}
