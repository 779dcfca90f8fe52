import { describe, expect, it } from 'vitest';
import { parseSegment, show, SegmentError, compileSegmentFilter, lex } from '../../../../src/core/segments/index.ts';

// input → the tree, printed compactly (and/or/not with parentheses; values always quoted).
const OK: [string, string][] = [
  ['kind = lead', '(kind = "lead")'],
  ['KIND = Lead', '(kind = "Lead")'],
  ['kind == lead', '(kind = "lead")'],
  ['kind <> lead', '(kind != "lead")'],
  ['kind=lead and tag="vip"', '(and (kind = "lead") (tag = "vip"))'],
  ['kind = lead and tag = "vip" and country in (ES, MX) and consent.marketing = opted_in and last_inbound within 30d',
    '(and (kind = "lead") (tag = "vip") (country in "ES" "MX") (consent.marketing = "opted_in") (last_inbound within "30d"))'],
  ['field.plan = "gold" or (organization = "Acme" and not tag = churned)',
    '(or (field.plan = "gold") (and (organization = "Acme") (not (tag = "churned"))))'],
  ['market = "Rest of Latin America" and engagement.read within 14d and conversation.state = open',
    '(and (market = "Rest of Latin America") (engagement.read within "14d") (conversation.state = "open"))'],
  // precedence: and over or, not over and
  ['tag = a or tag = b and tag = c', '(or (tag = "a") (and (tag = "b") (tag = "c")))'],
  ['(tag = a or tag = b) and tag = c', '(and (or (tag = "a") (tag = "b")) (tag = "c"))'],
  ['not tag = a and tag = b', '(and (not (tag = "a")) (tag = "b"))'],
  ['not (tag = a and tag = b)', '(not (and (tag = "a") (tag = "b")))'],
  ['not not has phone', '(not (not (has phone)))'],
  ['NOT Tag = X OR name STARTS WITH "Ána"', '(or (not (tag = "X")) (name starts with "Ána"))'],
  ['tag = a AND tag = b OR tag = c', '(or (and (tag = "a") (tag = "b")) (tag = "c"))'],
  // multi-word bare values, quoted strings and escapes
  ['market = Rest of Latin America and has phone', '(and (market = "Rest of Latin America") (has phone))'],
  ['organization in (Hotel Sol, "Café y Té") and kind = customer', '(and (organization in "Hotel Sol" "Café y Té") (kind = "customer"))'],
  ['name = "Ana \\"la jefa\\" García"', '(name = "Ana \\"la jefa\\" García")'],
  ["name = 'O\\'Brien'", '(name = "O\'Brien")'],
  ['tag = "and"', '(tag = "and")'],
  ['tag = \u201cvip\u201d', '(tag = "vip")'],
  ['name contains "50%"', '(name contains "50%")'],
  ['email contains "@gmail.com"', '(email contains "@gmail.com")'],
  ['phone starts with +34', '(phone starts with "+34")'],
  ['phone starts 34', '(phone starts with "34")'],
  // operators
  ['field.visits >= 3 and field.visits < 10', '(and (field.visits >= "3") (field.visits < "10"))'],
  ['field.score <= -1.5', '(field.score <= "-1.5")'],
  ['field.interests has golf', '(field.interests has "golf")'],
  ['field.plan not in (gold, silver)', '(field.plan not in "gold" "silver")'],
  ['field.plan is empty', '(field.plan is empty)'],
  ['field.plan IS NOT EMPTY', '(field.plan is not empty)'],
  ['tag is empty', '(tag is empty)'],
  ['last_inbound never', '(last_inbound never)'],
  ['last_inbound before 2026-01-01', '(last_inbound before "2026-01-01")'],
  ['last_inbound after 01/03/2026', '(last_inbound after "01/03/2026")'],
  ['last_inbound after 2026-03-01T09:30Z', '(last_inbound after "2026-03-01T09:30Z")'],
  ['last_inbound within 30 días', '(last_inbound within "30 días")'],
  ['engagement.replied within 2w', '(engagement.replied within "2w")'],
  ['engagement.delivered within 12h or engagement.read never', '(or (engagement.delivered within "12h") (engagement.read never))'],
  ['has bsuid or has username or has tag', '(or (has bsuid) (has username) (has tags))'],
  // aliases
  ['tags = vip', '(tag = "vip")'],
  ['empresa = "Acme"', '(organization = "Acme")'],
  ['conversation = pending', '(conversation.state = "pending")'],
  ['Field.Plan = x', '(field.Plan = "x")'],
  // layout
  ['kind = lead\n  and (tag = vip\n    or tag = mayorista)', '(and (kind = "lead") (or (tag = "vip") (tag = "mayorista")))'],
];

// input → error position (1-based column, line) and the message.
const ERR: [string, { line?: number; column: number; message: string }][] = [
  ['', { column: 1, message: 'The filter is empty; write a condition, e.g. kind = lead and tag = "vip"' }],
  ['kind = ', { column: 7, message: 'Expected a value after "=" at column 7; write e.g. kind = lead' }],
  ['kind =  and tag = x', { column: 9, message: 'Expected a value after "=" at column 9 (to use the word and as a value, quote it: "and"); write e.g. kind = lead' }],
  ['kind lead', { column: 6, message: 'Expected an operator after "kind" at column 6, found "lead"; write e.g. kind = lead' }],
  ['kind = lead tag = vip', { column: 13, message: 'Missing "and" or "or" before "tag" at column 13; write e.g. kind = lead and tag = …' }],
  ['kind = lead and', { column: 16, message: 'Expected a condition after "and" at column 16; write e.g. and tag = "vip"' }],
  ['kind = lead or or tag = x', { column: 16, message: 'Expected a condition after "or" at column 16; write e.g. or tag = "vip"' }],
  ['(kind = lead', { column: 13, message: 'Expected ")" to close the "(" at column 1, found the end of the filter at column 13; add ")" after the last condition of the group' }],
  ['kind = lead)', { column: 12, message: 'Unexpected ")" at column 12: there is no "(" for it; remove it or add the "(" where the group starts' }],
  ['()', { column: 2, message: 'Empty parentheses at column 2; put a condition inside, e.g. (tag = "vip" or kind = customer)' }],
  ['tag = "vip', { column: 7, message: 'The text starting at column 7 has no closing "; end it with ", e.g. tag = "vip"' }],
  ['tag = "a\\qb"', { column: 9, message: 'Unknown escape "\\q" at column 9; inside quotes write \\" for a quote, \\\\ for a backslash, \\n for a new line' }],
  ['kind = lead && tag = x', { column: 13, message: 'Unexpected character "&" at column 13; write "and"' }],
  ['foo = 1', { column: 1, message: 'Unknown "foo" at column 1; filter on one of kind, tag, organization, country, market, name, phone, email, username, consent.<category>, last_inbound, engagement.<delivered|read|replied>, conversation.state, field.<key>, has <phone|bsuid|username|…>, or a custom field as field.<key> (e.g. field.plan = "gold")' }],
  ['consent.sms = opted_in', { column: 1, message: 'Unknown "consent.sms" at column 1; write one of consent.marketing, consent.utility, consent.authentication, e.g. consent.marketing = opted_in' }],
  ['consent = opted_in', { column: 1, message: '"consent" at column 1 needs a part after the dot: consent.marketing, consent.utility, consent.authentication; write e.g. consent.marketing = opted_in' }],
  ['kind.x = lead', { column: 1, message: '"kind.x" at column 1 takes no ".x"; write e.g. kind = lead' }],
  ['kind contains x', { column: 6, message: '"contains" does not apply to kind at column 6; use "=", "!=", "in", "not in", e.g. kind = lead' }],
  ['last_inbound = 2026-01-01', { column: 14, message: '"=" does not apply to last_inbound at column 14; use "within", "before", "after", "never", "is empty", "is not empty", e.g. last_inbound within 30d' }],
  ['country in ES, MX', { column: 12, message: 'Expected "(" after "in" at column 12, found "ES"; list the values in parentheses, e.g. country in (ES, MX)' }],
  ['country in (ES MX', { column: 18, message: 'Expected "," or ")" in the list at column 18, found the end of the filter; separate values with commas, e.g. country in (ES, MX)' }],
  ['last_inbound within', { column: 20, message: 'Expected a duration after "within" at column 20 (h = hours, d = days, w = weeks); write e.g. last_inbound within 30d' }],
  ['tag is vip', { column: 8, message: 'Expected "empty" or "not empty" after "is" at column 8; write e.g. tag is empty (to compare, use = instead of "is")' }],
  ['has phones', { column: 5, message: 'Unknown "has phones" at column 5; write one of: has phone, has bsuid, has username, has email, has name, has organization, has tags, has conversation' }],
  ['kind = lead and\n tag = ', { line: 2, column: 7, message: 'Expected a value after "=" at line 2, column 7; write e.g. tag = "vip"' }],
];

describe('segment grammar', () => {
  it.each(OK.filter(([, out]) => out !== ''))('%s', (input, out) => {
    expect(show(parseSegment(input))).toBe(out);
  });

  it.each(ERR)('%j is an error', (input, want) => {
    let err: unknown;
    try {
      parseSegment(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SegmentError);
    const p = (err as SegmentError).problem;
    expect(p.message).toBe(want.message);
    expect(p.column).toBe(want.column);
    expect(p.line).toBe(want.line ?? 1);
  });

  it('reports offsets that point into the input', () => {
    const r = compileSegmentFilter('kind = lead and country = Spain', []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ offset: 26, length: 5, line: 1, column: 27 });
  });

  it('keeps spans on the tree', () => {
    const e = parseSegment('  tag = "vip"  ');
    expect(e.span).toEqual({ start: 2, end: 13 });
  });

  it('lexes words with dates, times, phones and e-mails as one token', () => {
    expect(lex('2026-03-01T09:30Z +34600 ana@x.es 01/03/2026').map((t) => t.text)).toEqual(['2026-03-01T09:30Z', '+34600', 'ana@x.es', '01/03/2026', '']);
  });
});
