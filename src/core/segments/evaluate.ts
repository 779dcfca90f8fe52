/**
 * Does a contact match a filter? Over a plain object of the contact's facts: for previews of a
 * single contact and for tests. Must agree with the SQL compiler (src/crm/segment-sql.ts); the
 * store tests check that on both engines.
 */
import type { ConsentCategory } from '../consent.ts';
import { fold, type FieldTest, type Predicate, type TextTest, type TimeEvent, type TimeTest } from './predicate.ts';

export interface ContactFacts {
  kind: string;
  name: string | null;
  profileName: string | null;
  waId: string | null;
  bsuid: string | null;
  username: string | null;
  email: string | null;
  country: string | null;
  market: string | null;
  organization: { id: string; name: string } | null;
  fields: Record<string, unknown>;
  tags: string[];
  /** Current state per category; a missing category is "unknown". */
  consents: Partial<Record<ConsentCategory, 'opted_in' | 'opted_out'>>;
  /** The state of each of the contact's conversations (one per business number). */
  conversationStates: string[];
  /** Latest inbound message (conversations.last_inbound_at). */
  lastInboundAt: Date | null;
  /** Latest delivery (or read, which implies it) of an outbound template message. */
  lastDeliveredAt: Date | null;
  /** Latest read of an outbound template message. */
  lastReadAt: Date | null;
  /** Latest inbound message that came after an outbound template in the same conversation (a reply to a campaign). */
  lastRepliedAt: Date | null;
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v === '';

function textOf(f: ContactFacts, target: Extract<Predicate, { t: 'text' }>['target']): string | null {
  switch (target) {
    case 'kind': return f.kind;
    case 'country': return f.country;
    case 'market': return f.market;
    case 'name': return f.name ?? f.profileName;
    case 'phone': return f.waId;
    case 'email': return f.email;
    case 'username': return f.username;
  }
}

function text(value: string | null, test: TextTest, folded: boolean): boolean {
  if (test.op === 'empty') return blank(value);
  if (value === null) return false;
  const norm = folded ? fold : (s: string) => s;
  const v = norm(value);
  if (test.op === 'in') return test.values.some((x) => norm(x) === v);
  return test.op === 'contains' ? v.includes(norm(test.value)) : v.startsWith(norm(test.value));
}

function field(raw: unknown, type: string, test: FieldTest): boolean {
  if (test.op === 'empty') return raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0);
  switch (test.op) {
    case 'has':
      return Array.isArray(raw) && test.values.some((v) => raw.includes(v));
    case 'contains':
    case 'starts':
      return typeof raw === 'string' && (test.op === 'contains' ? fold(raw).includes(fold(test.value)) : fold(raw).startsWith(fold(test.value)));
    case 'in':
      return test.values.some((v) => {
        if (typeof v === 'string') return typeof raw === 'string' && (type === 'date' || type === 'choice' ? raw === v : fold(raw) === fold(v));
        return raw === v;
      });
    case 'cmp': {
      const v = test.value;
      if (typeof v === 'number' ? typeof raw !== 'number' : typeof raw !== 'string') return false;
      const a = raw as number | string;
      // Dates are YYYY-MM-DD strings: compared by code point, like SQL's collate "C".
      const c = a < v ? -1 : a > v ? 1 : 0;
      return test.cmp === '<' ? c < 0 : test.cmp === '<=' ? c <= 0 : test.cmp === '>' ? c > 0 : c >= 0;
    }
  }
}

function lastAt(f: ContactFacts, e: TimeEvent): Date | null {
  return e === 'last_inbound' ? f.lastInboundAt : e === 'delivered' ? f.lastDeliveredAt : e === 'read' ? f.lastReadAt : f.lastRepliedAt;
}

function time(at: Date | null, test: TimeTest, now: Date): boolean {
  if (test.op === 'never') return at === null;
  if (at === null) return false;
  const t = at.getTime();
  if (test.op === 'within') return t >= now.getTime() - test.ms;
  if (test.op === 'before') return t < Date.parse(test.at);
  return test.inclusive ? t >= Date.parse(test.at) : t > Date.parse(test.at);
}

export function matches(p: Predicate, f: ContactFacts, now: Date): boolean {
  switch (p.t) {
    case 'and': return p.items.every((i) => matches(i, f, now));
    case 'or': return p.items.some((i) => matches(i, f, now));
    case 'not': return !matches(p.item, f, now);
    case 'text': return text(textOf(f, p.target), p.test, p.target !== 'kind' && p.target !== 'country' && p.target !== 'market' && p.target !== 'phone');
    case 'field': return field(f.fields[p.key], p.type, p.test);
    case 'tag':
      return p.test.op === 'empty' ? f.tags.length === 0 : f.tags.some((t) => (p.test as { names: string[] }).names.some((n) => fold(n) === fold(t)));
    case 'organization': {
      const o = f.organization;
      const test = p.test;
      if (test.op === 'empty') return o === null;
      if (o === null) return false;
      if (test.op === 'in') return test.ids.includes(o.id.toLowerCase()) || test.names.some((n) => fold(n) === fold(o.name));
      return test.op === 'contains' ? fold(o.name).includes(fold(test.value)) : fold(o.name).startsWith(fold(test.value));
    }
    case 'conversation': {
      const test = p.test;
      return test.op === 'empty' ? f.conversationStates.length === 0 : f.conversationStates.some((s) => (test.states as string[]).includes(s));
    }
    case 'consent': return p.states.includes(f.consents[p.category] ?? 'unknown');
    case 'time': return time(lastAt(f, p.event), p.test, now);
    case 'has':
      switch (p.what) {
        case 'phone': return !blank(f.waId);
        case 'bsuid': return !blank(f.bsuid);
        case 'username': return !blank(f.username);
        case 'email': return !blank(f.email);
        case 'name': return !blank(f.name ?? f.profileName);
        case 'organization': return f.organization !== null;
        case 'tags': return f.tags.length > 0;
        case 'conversation': return f.conversationStates.length > 0;
      }
  }
}
