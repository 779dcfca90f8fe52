/**
 * Recursive-descent parser for segment filters.
 *
 *   filter    := or
 *   or        := and ("or" and)*
 *   and       := unary ("and" unary)*
 *   unary     := "not" unary | "(" or ")" | "has" WHAT | condition
 *   condition := SUBJECT operator [values]
 *
 * "and" binds tighter than "or"; "not" tighter than both. Keywords are case-insensitive.
 */
import { HAS_WHAT, type Condition, type Expr, type HasWhat, type Operator, type Span, type Subject, type SubjectName, type Value } from './ast.ts';
import { problemAt, SegmentError } from './errors.ts';
import { lex, type Token } from './lexer.ts';

interface SubjectSpec {
  /** Allowed suffixes after the dot (consent.marketing); undefined = no suffix; 'any' = a field key. */
  keys?: readonly string[] | 'any';
  ops: readonly Operator[];
  examples: readonly string[];
}

const SET_OPS: readonly Operator[] = ['=', '!=', 'in', 'not in', 'is empty', 'is not empty'];
const TEXT_OPS: readonly Operator[] = [...SET_OPS, 'contains', 'starts with'];
const TIME_OPS: readonly Operator[] = ['within', 'before', 'after', 'never', 'is empty', 'is not empty'];

export const SUBJECT_SPECS: Record<SubjectName, SubjectSpec> = {
  kind: { ops: ['=', '!=', 'in', 'not in'], examples: ['kind = lead', 'kind in (lead, customer)'] },
  tag: { ops: SET_OPS, examples: ['tag = "vip"', 'tag in (vip, mayorista)', 'tag is empty'] },
  organization: { ops: TEXT_OPS, examples: ['organization = "Acme"', 'organization contains "hotel"', 'organization is empty'] },
  country: { ops: SET_OPS, examples: ['country = ES', 'country in (ES, MX)', 'country != AR'] },
  market: { ops: SET_OPS, examples: ['market = Spain', 'market = "Rest of Latin America"', 'market in (Mexico, Colombia)'] },
  name: { ops: TEXT_OPS, examples: ['name starts with "Ana"', 'name contains "garcía"', 'name = "Ana García"', 'name is empty'] },
  phone: { ops: TEXT_OPS, examples: ['phone starts with 34', 'phone contains 600', 'phone = +34600111222', 'phone in (34600111222, 5215512345678)'] },
  email: { ops: TEXT_OPS, examples: ['email contains "@gmail.com"', 'email starts with "ventas"', 'email = "ana@acme.es"', 'email is empty'] },
  username: { ops: TEXT_OPS, examples: ['username = "ana_garcia"', 'username starts with "ana"', 'username is empty'] },
  consent: { keys: ['marketing', 'utility', 'authentication'], ops: ['=', '!=', 'in', 'not in'], examples: ['consent.marketing = opted_in', 'consent.marketing != opted_out', 'consent.utility in (opted_in, unknown)'] },
  last_inbound: { ops: TIME_OPS, examples: ['last_inbound within 30d', 'last_inbound before 2026-01-01', 'last_inbound after 2026-03-01', 'last_inbound never'] },
  engagement: { keys: ['delivered', 'read', 'replied'], ops: TIME_OPS, examples: ['engagement.read within 14d', 'engagement.replied within 30d', 'engagement.delivered before 2026-01-01', 'engagement.read never'] },
  conversation: { keys: ['state'], ops: SET_OPS, examples: ['conversation.state = open', 'conversation.state in (open, pending)'] },
  field: {
    keys: 'any',
    ops: ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'contains', 'starts with', 'is empty', 'is not empty', 'has', 'before', 'after'],
    examples: ['field.plan = "gold"', 'field.visits >= 3', 'field.interests has "golf"', 'field.plan in (gold, silver)', 'field.birth_date before 2000-01-01', 'field.notes contains "urgente"', 'field.plan is empty'],
  },
};

const ALIASES: Record<string, string> = {
  tags: 'tag', org: 'organization', company: 'organization', empresa: 'organization', organisation: 'organization',
  last_inbound_at: 'last_inbound', conversation: 'conversation.state', wa_id: 'phone', fields: 'field', custom: 'field',
};

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'starts', 'with', 'is', 'empty', 'has', 'within', 'before', 'after', 'never']);

/** The example that best shows how to use this subject (with this operator when we know it). */
export function exampleFor(subject: SubjectName, op?: Operator): string {
  const ex = SUBJECT_SPECS[subject].examples;
  return (op && ex.find((e) => e.includes(` ${op} `) || e.endsWith(` ${op}`))) ?? ex[0]!;
}

const GENERAL_EXAMPLE = 'kind = lead and tag = "vip"';

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the filter';
  if (t.kind === 'string') return `"${t.text}" (in quotes)`;
  return `"${t.text}"`;
}

class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  constructor(private readonly input: string) {
    this.tokens = lex(input);
  }

  private cur(): Token {
    return this.tokens[this.pos]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text.toLowerCase());
  }
  private fail(t: Token, text: string): SegmentError {
    return problemAt(this.input, t.start, t.end - t.start, text);
  }
  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1]!.end : 0;
  }

  parse(): Expr {
    if (this.cur().kind === 'eof') throw this.fail(this.cur(), `The filter is empty; write a condition, e.g. ${GENERAL_EXAMPLE}`);
    const e = this.or();
    if (this.cur().kind !== 'eof') {
      const t = this.cur();
      if (t.kind === 'rparen') throw this.fail(t, 'Unexpected ")" {at}: there is no "(" for it; remove it or add the "(" where the group starts');
      throw this.fail(t, `Unexpected ${describe(t)} {at}; join conditions with "and" or "or" (and put values with spaces in quotes), e.g. ${GENERAL_EXAMPLE}`);
    }
    return e;
  }

  private or(): Expr {
    const first = this.and();
    const items = [first];
    while (this.isWord(this.cur(), 'or')) {
      this.expectConditionAfter(this.cur());
      items.push(this.and());
    }
    return items.length === 1 ? first : { type: 'or', items, span: { start: first.span.start, end: items[items.length - 1]!.span.end } };
  }

  private and(): Expr {
    const first = this.unary();
    const items = [first];
    while (this.isWord(this.cur(), 'and')) {
      this.expectConditionAfter(this.cur());
      items.push(this.unary());
    }
    return items.length === 1 ? first : { type: 'and', items, span: { start: first.span.start, end: items[items.length - 1]!.span.end } };
  }

  /** Consume and/or/not and check that something follows. */
  private expectConditionAfter(kw: Token): void {
    this.pos++;
    const t = this.cur();
    if (t.kind === 'eof' || t.kind === 'rparen' || this.isWord(t, 'and', 'or')) {
      throw this.fail(t, `Expected a condition after "${kw.text}" {at}; write e.g. ${kw.text.toLowerCase()} tag = "vip"`);
    }
  }

  private unary(): Expr {
    const t = this.cur();
    if (this.isWord(t, 'not')) {
      this.expectConditionAfter(t);
      const expr = this.unary();
      return { type: 'not', expr, span: { start: t.start, end: expr.span.end } };
    }
    if (t.kind === 'lparen') {
      this.pos++;
      if (this.cur().kind === 'rparen') throw this.fail(this.cur(), `Empty parentheses {at}; put a condition inside, e.g. (tag = "vip" or kind = customer)`);
      const inner = this.or();
      if (this.cur().kind !== 'rparen') {
        throw this.fail(this.cur(), `Expected ")" to close the "(" at column ${t.start + 1}, found ${describe(this.cur())} {at}; add ")" after the last condition of the group`);
      }
      const end = this.cur().end;
      this.pos++;
      return { ...inner, span: { start: t.start, end } };
    }
    if (this.isWord(t, 'has') && this.peek().kind === 'word') {
      const what = this.peek();
      const name = what.text.toLowerCase() === 'tag' ? 'tags' : what.text.toLowerCase();
      if (!(HAS_WHAT as readonly string[]).includes(name)) {
        throw this.fail(what, `Unknown "has ${what.text}" {at}; write one of: ${HAS_WHAT.map((h) => `has ${h}`).join(', ')}`);
      }
      this.pos += 2;
      return { type: 'has', what: name as HasWhat, span: { start: t.start, end: what.end } };
    }
    return this.condition();
  }

  private subject(): Subject {
    const t = this.cur();
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      const what = t.kind === 'eof' ? 'the end of the filter' : describe(t);
      throw this.fail(t, `Expected a condition {at}, found ${what}; start with what to filter on (${knownSubjects()}), e.g. ${GENERAL_EXAMPLE}`);
    }
    const raw = t.text;
    const lower = raw.toLowerCase();
    const aliased = ALIASES[lower] ?? lower;
    const dot = aliased.indexOf('.');
    const head = dot < 0 ? aliased : aliased.slice(0, dot);
    const headAlias = ALIASES[head];
    const name = (headAlias !== undefined && !headAlias.includes('.') ? headAlias : head) as SubjectName;
    const spec = SUBJECT_SPECS[name] as SubjectSpec | undefined;
    if (!spec) {
      throw this.fail(t, `Unknown "${raw}" {at}; filter on one of ${knownSubjects()}, or a custom field as field.<key> (e.g. field.plan = "gold")`);
    }
    this.pos++;
    const span = { start: t.start, end: t.end };
    if (spec.keys === undefined) {
      if (dot >= 0) throw this.fail(t, `"${raw}" {at} takes no ".${aliased.slice(dot + 1)}"; write e.g. ${spec.examples[0]}`);
      return { name, span };
    }
    // A field key keeps the case as typed so the validator can say which key is unknown.
    const key = dot < 0 ? '' : name === 'field' ? raw.slice(raw.indexOf('.') + 1) : aliased.slice(dot + 1);
    if (key === '') {
      const choices = spec.keys === 'any' ? 'field.<key>, e.g. field.plan' : spec.keys.map((k) => `${name}.${k}`).join(', ');
      throw this.fail(t, `"${raw}" {at} needs a part after the dot: ${choices}; write e.g. ${spec.examples[0]}`);
    }
    if (spec.keys !== 'any' && !spec.keys.includes(key)) {
      throw this.fail(t, `Unknown "${raw}" {at}; write one of ${spec.keys.map((k) => `${name}.${k}`).join(', ')}, e.g. ${spec.examples[0]}`);
    }
    return { name, key, span };
  }

  private operator(subject: Subject): { op: Operator; span: Span } {
    const t = this.cur();
    const start = t.start;
    const take = (op: Operator, n: number) => {
      const end = this.tokens[this.pos + n - 1]!.end;
      this.pos += n;
      return { op, span: { start, end } };
    };
    let found: { op: Operator; span: Span } | undefined;
    if (t.kind === 'op') found = take(t.text as Operator, 1);
    else if (this.isWord(t, 'in', 'contains', 'has', 'within', 'before', 'after', 'never')) found = take(t.text.toLowerCase() as Operator, 1);
    else if (this.isWord(t, 'not') && this.isWord(this.peek(), 'in')) found = take('not in', 2);
    else if (this.isWord(t, 'starts')) {
      found = take('starts with', this.isWord(this.peek(), 'with') ? 2 : 1);
    } else if (this.isWord(t, 'is')) {
      if (this.isWord(this.peek(), 'empty')) found = take('is empty', 2);
      else if (this.isWord(this.peek(), 'not') && this.isWord(this.peek(2), 'empty')) found = take('is not empty', 3);
      else throw this.fail(this.peek(), `Expected "empty" or "not empty" after "is" {at}; write e.g. ${subjectWord(subject)} is empty (to compare, use = instead of "is")`);
    }
    const example = exampleFor(subject.name);
    if (!found) {
      throw this.fail(t, `Expected an operator after "${subjectWord(subject)}" {at}, found ${describe(t)}; write e.g. ${example}`);
    }
    const allowed = SUBJECT_SPECS[subject.name].ops;
    if (!allowed.includes(found.op)) {
      throw problemAt(this.input, found.span.start, found.span.end - found.span.start,
        `"${found.op}" does not apply to ${subjectWord(subject)} {at}; use ${allowed.map((o) => `"${o}"`).join(', ')}, e.g. ${example}`);
    }
    return found;
  }

  private condition(): Condition {
    const subject = this.subject();
    const { op, span: opSpan } = this.operator(subject);
    const values: Value[] = [];
    const ex = exampleFor(subject.name, op);
    if (op === 'in' || op === 'not in') {
      if (this.cur().kind !== 'lparen') {
        throw this.fail(this.cur(), `Expected "(" after "${op}" {at}, found ${describe(this.cur())}; list the values in parentheses, e.g. ${ex}`);
      }
      this.pos++;
      for (;;) {
        values.push(this.value(op, subject, ex));
        if (this.cur().kind === 'comma') {
          this.pos++;
          continue;
        }
        if (this.cur().kind === 'rparen') {
          this.pos++;
          break;
        }
        throw this.fail(this.cur(), `Expected "," or ")" in the list {at}, found ${describe(this.cur())}; separate values with commas, e.g. ${ex}`);
      }
    } else if (op === 'within') {
      values.push(this.duration(subject, ex));
    } else if (op !== 'is empty' && op !== 'is not empty' && op !== 'never') {
      values.push(this.value(op, subject, ex, op === 'before' || op === 'after'));
    }
    const end = this.prevEnd();
    return { type: 'condition', subject, op, opSpan, values, span: { start: subject.span.start, end } };
  }

  /** One value: a quoted string, or bare words up to and/or/,/) (so "Rest of Latin America" works unquoted). */
  private value(op: Operator, subject: Subject, example: string, single = false): Value {
    const t = this.cur();
    if (t.kind === 'string') {
      this.pos++;
      return { text: t.text, quoted: true, span: { start: t.start, end: t.end } };
    }
    if (t.kind !== 'word' || this.isWord(t, 'and', 'or')) {
      const quoteHint = t.kind === 'word' ? ` (to use the word ${t.text} as a value, quote it: "${t.text}")` : '';
      throw problemAt(this.input, t.kind === 'eof' ? this.prevEnd() : t.start, t.end - t.start,
        `Expected a value after "${op}" {at}${quoteHint}; write e.g. ${example}`);
    }
    const words = [t];
    this.pos++;
    while (!single && this.cur().kind === 'word' && !this.isWord(this.cur(), 'and', 'or')) {
      words.push(this.cur());
      this.pos++;
    }
    // "kind = lead tag = vip": the last word was the next condition's subject, "and" is missing.
    if (words.length > 1 && this.cur().kind === 'op') {
      const subject = words[words.length - 1]!;
      throw problemAt(this.input, subject.start, subject.end - subject.start, `Missing "and" or "or" before "${subject.text}" {at}; write e.g. ${example} and ${subject.text} ${this.cur().text} …`);
    }
    const last = words[words.length - 1]!;
    return { text: words.map((w) => w.text).join(' '), quoted: false, span: { start: t.start, end: last.end } };
  }

  /** 30d, 12h, 2w, or "30 days" / "30 días". */
  private duration(subject: Subject, example: string): Value {
    const t = this.cur();
    if (t.kind === 'word' && /^\d+$/.test(t.text) && this.peek().kind === 'word' && /^\p{L}+$/u.test(this.peek().text) && !KEYWORDS.has(this.peek().text.toLowerCase())) {
      const unit = this.peek();
      this.pos += 2;
      return { text: `${t.text} ${unit.text}`, quoted: false, span: { start: t.start, end: unit.end } };
    }
    if (t.kind === 'word' || t.kind === 'string') {
      this.pos++;
      return { text: t.text, quoted: t.kind === 'string', span: { start: t.start, end: t.end } };
    }
    throw problemAt(this.input, t.kind === 'eof' ? this.prevEnd() : t.start, t.end - t.start,
      `Expected a duration after "within" {at} (h = hours, d = days, w = weeks); write e.g. ${example}`);
  }
}

function subjectWord(s: Subject): string {
  return s.key === undefined ? s.name : `${s.name}.${s.key}`;
}

function knownSubjects(): string {
  return 'kind, tag, organization, country, market, name, phone, email, username, consent.<category>, last_inbound, engagement.<delivered|read|replied>, conversation.state, field.<key>, has <phone|bsuid|username|…>';
}

/** Parse a filter into its tree; throws SegmentError with the position and a suggestion. */
export function parseSegment(input: string): Expr {
  return new Parser(input).parse();
}
