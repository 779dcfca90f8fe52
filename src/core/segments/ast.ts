/**
 * The segment language's syntax tree, as parsed (before checking against custom fields). Spans are
 * offsets into the filter text so later checks can still point at the right place.
 */
export interface Span {
  start: number;
  end: number;
}

export const OPERATORS = [
  '=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty', 'has', 'within', 'before', 'after', 'never',
] as const;
export type Operator = (typeof OPERATORS)[number];

export const SUBJECTS = [
  'kind', 'tag', 'organization', 'country', 'market', 'name', 'phone', 'email', 'username', 'consent', 'last_inbound', 'engagement', 'conversation', 'field',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

/** What `has <what>` asks about: the contact has this identifier or attribute at all. */
export const HAS_WHAT = ['phone', 'bsuid', 'username', 'email', 'name', 'organization', 'tags', 'conversation'] as const;
export type HasWhat = (typeof HAS_WHAT)[number];

export interface Subject {
  name: SubjectName;
  /** field.<key>, consent.<category>, engagement.<event>, conversation.state */
  key?: string;
  span: Span;
}

export interface Value {
  text: string;
  /** Written in quotes: never a keyword, number or duration by accident. */
  quoted: boolean;
  span: Span;
}

export interface Condition {
  type: 'condition';
  subject: Subject;
  op: Operator;
  opSpan: Span;
  values: Value[];
  span: Span;
}

export interface Has {
  type: 'has';
  what: HasWhat;
  span: Span;
}

export type Expr =
  | { type: 'and'; items: Expr[]; span: Span }
  | { type: 'or'; items: Expr[]; span: Span }
  | { type: 'not'; expr: Expr; span: Span }
  | Condition
  | Has;

export function subjectText(s: Subject): string {
  return s.key === undefined ? s.name : `${s.name}.${s.key}`;
}

/** A compact, readable form of the tree: (and (kind = "lead") (not (tag = "churned"))). Used by tests and logs. */
export function show(e: Expr): string {
  switch (e.type) {
    case 'and':
    case 'or':
      return `(${e.type} ${e.items.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(e.expr)})`;
    case 'has':
      return `(has ${e.what})`;
    case 'condition': {
      const vals = e.values.map((v) => JSON.stringify(v.text)).join(' ');
      return `(${subjectText(e.subject)} ${e.op}${vals ? ` ${vals}` : ''})`;
    }
  }
}
