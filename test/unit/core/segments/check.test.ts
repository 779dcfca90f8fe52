import { describe, expect, it } from 'vitest';
import { compileSegmentFilter, matches, parseDuration, parseWhen, fold, type ContactFacts, type Predicate } from '../../../../src/core/segments/index.ts';
import type { FieldDefinition } from '../../../../src/core/fields.ts';
import { SEGMENT_FIELDS } from '../../../helpers/segment-fields.ts';

const FIELDS: FieldDefinition[] = [...SEGMENT_FIELDS, { key: 'web', label: 'Web', type: 'url' }];

function check(input: string): Predicate {
  const r = compileSegmentFilter(input, FIELDS);
  if (!r.ok) throw new Error(r.error.message);
  return r.predicate;
}
function problem(input: string) {
  const r = compileSegmentFilter(input, FIELDS);
  if (r.ok) throw new Error(`expected an error for ${input}`);
  return r.error;
}

describe('segment checker', () => {
  it.each<[string, Predicate]>([
    ['kind = cliente', { t: 'text', target: 'kind', test: { op: 'in', values: ['customer'] } }],
    ['kind != lead', { t: 'not', item: { t: 'text', target: 'kind', test: { op: 'in', values: ['lead'] } } }],
    ['country in (es, Mx)', { t: 'text', target: 'country', test: { op: 'in', values: ['ES', 'MX'] } }],
    ['market = "rest of latin america"', { t: 'text', target: 'market', test: { op: 'in', values: ['Rest of Latin America'] } }],
    ['phone starts with "+34 600"', { t: 'text', target: 'phone', test: { op: 'starts', values: undefined, value: '34600' } as never }],
    ['consent.marketing in (opted_in, unknown)', { t: 'consent', category: 'marketing', states: ['opted_in', 'unknown'] }],
    ['conversation.state = abierta', { t: 'conversation', test: { op: 'in', states: ['open'] } }],
    ['organization in (Acme, 0b8a1c8e-1111-4222-8333-444455556666)', { t: 'organization', test: { op: 'in', names: ['Acme'], ids: ['0b8a1c8e-1111-4222-8333-444455556666'] } }],
    ['last_inbound within 2w', { t: 'time', event: 'last_inbound', test: { op: 'within', ms: 14 * 86_400_000 } }],
    ['engagement.read before 2026-03-01', { t: 'time', event: 'read', test: { op: 'before', at: '2026-03-01T00:00:00.000Z' } }],
    ['engagement.replied after 01/03/2026', { t: 'time', event: 'replied', test: { op: 'after', at: '2026-03-02T00:00:00.000Z', inclusive: true } }],
    ['last_inbound after 2026-03-01T10:00', { t: 'time', event: 'last_inbound', test: { op: 'after', at: '2026-03-01T10:00:00.000Z', inclusive: false } }],
    ['last_inbound is not empty', { t: 'not', item: { t: 'time', event: 'last_inbound', test: { op: 'never' } } }],
    ['field.plan = gold', { t: 'field', key: 'plan', type: 'choice', test: { op: 'in', values: ['Gold'] } }],
    ['field.interests has "golf"', { t: 'field', key: 'interests', type: 'multi_choice', test: { op: 'has', values: ['Golf'] } }],
    ['field.interests in (golf, vela)', { t: 'field', key: 'interests', type: 'multi_choice', test: { op: 'has', values: ['Golf', 'Vela'] } }],
    ['field.visits >= 3', { t: 'field', key: 'visits', type: 'number', test: { op: 'cmp', cmp: '>=', value: 3 } }],
    ['field.visits in (1, 2.5)', { t: 'field', key: 'visits', type: 'number', test: { op: 'in', values: [1, 2.5] } }],
    ['field.birth_date before 01/02/1990', { t: 'field', key: 'birth_date', type: 'date', test: { op: 'cmp', cmp: '<', value: '1990-02-01' } }],
    ['field.vip = sí', { t: 'field', key: 'vip', type: 'boolean', test: { op: 'in', values: [true] } }],
    ['field.notes contains urgente', { t: 'field', key: 'notes', type: 'text', test: { op: 'contains', value: 'urgente' } }],
    ['field.web = "https://acme.es"', { t: 'field', key: 'web', type: 'url', test: { op: 'in', values: ['https://acme.es/'] } }],
  ])('%s', (input, want) => {
    const got = check(input);
    if (want.t === 'text' && want.test.op === 'starts') expect(got).toEqual({ t: 'text', target: 'phone', test: { op: 'starts', value: '34600' } });
    else expect(got).toEqual(want);
  });

  it.each<[string, number, string]>([
    ['field.plann = gold', 1, 'Unknown custom field "plann" at column 1; did you mean field.plan? known fields: field.plan, field.interests, field.visits, field.birth_date, field.vip, field.notes, field.web'],
    ['kind = lead and field.color = red', 17, 'Unknown custom field "color" at column 17; known fields: field.plan, field.interests, field.visits, field.birth_date, field.vip, field.notes, field.web'],
    ['field.visits contains 3', 14, '"contains" does not apply to field.visits, a number field at column 14; use "=", "!=", "in", "not in", "<", "<=", ">", ">=", "is empty", "is not empty", e.g. field.visits >= 3'],
    ['field.interests = golf', 17, '"=" does not apply to field.interests, a multi-choice field at column 17 (a multiple-choice field holds several options: use "has"); use "has", "in", "not in", "is empty", "is not empty", e.g. field.interests has "Golf"'],
    ['field.visits > mucho', 16, 'Value "mucho" for field.visits at column 16: "mucho" is not a number (use digits, e.g. 42 or 3.5).; write e.g. field.visits >= 3'],
    ['field.plan = platinum', 14, 'Value "platinum" for field.plan at column 14: "platinum" is not one of the options (Gold, Silver, Bronze).; write e.g. field.plan = "Gold"'],
    ['kind = jefe', 8, '"jefe" is not a contact kind at column 8; use one of lead, customer, supplier, unknown, e.g. kind = lead'],
    ['country = Spain', 11, '"Spain" is not a country code at column 11; write the two-letter ISO code, e.g. country in (ES, MX) (for Meta\'s pricing markets write market = "Spain")'],
    ['consent.marketing = yes', 21, '"yes" is not a consent state at column 21; use one of opted_in, opted_out, unknown, e.g. consent.marketing = opted_in'],
    ['last_inbound within 3 months', 21, '"3 months" is not a duration at column 21 (for months write days, e.g. 90d); write a number with h (hours), d (days) or w (weeks), e.g. last_inbound within 30d'],
    ['last_inbound before ayer', 21, '"ayer" is not a date at column 21; write YYYY-MM-DD (or DD/MM/YYYY, or 2026-03-01T09:30Z for a time, UTC), e.g. last_inbound before 2026-01-01'],
    ['last_inbound before 2026-02-30', 21, '"2026-02-30" is not a date at column 21; write YYYY-MM-DD (or DD/MM/YYYY, or 2026-03-01T09:30Z for a time, UTC), e.g. last_inbound before 2026-01-01'],
    ['phone starts with abc', 19, '"abc" is not a phone number at column 19; write digits with the country code, e.g. phone starts with 34'],
  ])('%s → error at column %i', (input, column, message) => {
    const p = problem(input);
    expect(p.message).toBe(message);
    expect(p.column).toBe(column);
  });

  it('says so when no custom fields exist', () => {
    const r = compileSegmentFilter('field.plan = x', []);
    expect(r.ok ? '' : r.error.message).toBe('Unknown custom field "plan" at column 1; no custom fields are defined yet (define one first, or check the spelling)');
  });

  it('parses durations and dates', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2 semanas')).toBe(14 * 86_400_000);
    expect(parseDuration('0d')).toBeNull();
    expect(parseDuration('3m')).toBeNull();
    expect(parseWhen('2026-03-01')).toEqual({ at: new Date('2026-03-01T00:00:00Z'), dateOnly: true });
    expect(parseWhen('2026-03-01T10:00+02:00')?.at.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(parseWhen('31/02/2026')).toBeNull();
  });

  it('folds case and accents the way SQL does', () => {
    expect(fold('ÑANDÚ García Çà')).toBe('nandu garcia ca');
  });
});

const NOW = new Date('2026-11-02T10:00:00Z');
const DAY = 86_400_000;
const base: ContactFacts = {
  kind: 'lead', name: null, profileName: 'Ana García', waId: '34600111222', bsuid: null, username: null, email: 'ana@acme.es',
  country: 'ES', market: 'Spain', organization: { id: '0b8a1c8e-1111-4222-8333-444455556666', name: 'Acmé S.L.' },
  fields: { plan: 'Gold', interests: ['Golf', 'Vela'], visits: 4, birth_date: '1985-06-15', vip: true, notes: 'Llamar después de las 5' },
  tags: ['VIP', 'Madrid'], consents: { marketing: 'opted_in' }, conversationStates: ['open', 'resolved'],
  lastInboundAt: new Date(NOW.getTime() - 3 * DAY), lastDeliveredAt: new Date(NOW.getTime() - 10 * DAY), lastReadAt: new Date(NOW.getTime() - 20 * DAY), lastRepliedAt: null,
};

describe('segment evaluator', () => {
  it.each<[string, boolean]>([
    ['kind = lead', true],
    ['kind = customer or kind = supplier', false],
    ['name starts with "ana"', true],
    ['name contains "GARCIA"', true],
    ['name = "ana garcía"', true],
    ['phone starts with 34600', true],
    ['phone contains 111', true],
    ['email = "ANA@acme.es"', true],
    ['has phone and not has bsuid and not has username', true],
    ['tag = vip', true],
    ['tag in (norte, madrid)', true],
    ['tag != vip', false],
    ['tag is empty', false],
    ['organization = "acme s.l."', true],
    ['organization = 0b8a1c8e-1111-4222-8333-444455556666', true],
    ['organization contains acme', true],
    ['country in (MX, ES)', true],
    ['market = "Rest of Latin America"', false],
    ['consent.marketing = opted_in', true],
    ['consent.utility = unknown', true],
    ['consent.utility != unknown', false],
    ['conversation.state = pending', false],
    ['conversation.state in (pending, resolved)', true],
    ['last_inbound within 3d', true],
    ['last_inbound within 2d', false],
    ['last_inbound after 2026-10-29', true],
    ['last_inbound after 2026-10-30', false],
    ['last_inbound before 2026-10-31', true],
    ['last_inbound before 2026-10-30', false],
    ['engagement.delivered within 14d and not engagement.read within 14d', true],
    ['engagement.replied never', true],
    ['engagement.replied within 365d', false],
    ['field.plan = gold and field.interests has vela', true],
    ['field.plan != gold', false],
    ['field.visits > 3 and field.visits <= 4', true],
    ['field.visits in (1, 4)', true],
    ['field.birth_date before 1990-01-01', true],
    ['field.vip = no', false],
    ['field.notes contains "despues"', true],
    ['field.notes is empty', false],
    ['field.web is empty', true],
    ['field.web != "https://x.es"', true],
    ['field.visits < 10 or tag = x', true],
    ['not (tag = vip and kind = lead)', false],
  ])('%s → %s', (input, want) => {
    expect(matches(check(input), base, NOW)).toBe(want);
  });
});
