import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRateCardCsv, parseVolumeTiers, selectRateCard } from '../../../../src/core/pricing/rate-card.ts';

const example = readFileSync(new URL('../../../../../shared/ratecards/example-usd.csv', import.meta.url), 'utf8');

describe('parseRateCardCsv', () => {
  it('reads the example card of shared/ratecards: 9 markets, comments skipped, rates exact', () => {
    const r = parseRateCardCsv(example, { currency: 'USD' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.currency).toBe('USD');
    expect(Object.keys(r.rates)).toEqual(['Argentina', 'Brazil', 'Chile', 'Colombia', 'Mexico', 'Peru', 'Spain', 'North America', 'Rest of Latin America']);
    expect(r.rates.Mexico).toEqual({ marketing: '0.0436', utility: '0.01', authentication: '0.0239' });
    expect(r.rates.Colombia?.utility).toBe('0.0002');
    expect(r.columns).toEqual(['marketing', 'utility', 'authentication']);
  });

  it('takes the currency from a "# currency:" line, and refuses one that disagrees with the argument', () => {
    const csv = '# currency: eur\nmarket,marketing,utility,authentication\nSpain,0.0615,0.02,0.0342\n';
    const r = parseRateCardCsv(csv);
    expect(r.ok && r.currency).toBe('EUR');
    expect(parseRateCardCsv(csv, { currency: 'EUR' }).ok).toBe(true);
    const clash = parseRateCardCsv(csv, { currency: 'USD' });
    expect(clash.ok).toBe(false);
    expect(!clash.ok && clash.problems).toEqual([
      { row: 1, code: 'currency_mismatch', message: 'Line 1 says the currency is EUR, but USD was given. Make them agree.' },
    ]);
    const none = parseRateCardCsv('market,marketing,utility,authentication\nSpain,1,1,1\n');
    expect(!none.ok && none.problems[0]?.code).toBe('currency_missing');
    const bad = parseRateCardCsv('market,marketing,utility,authentication\nSpain,1,1,1\n', { currency: 'dollars' });
    expect(!bad.ok && bad.problems[0]?.code).toBe('currency_invalid');
  });

  it('keeps optional columns, blank or n/a meaning "not offered"; header names are normalized', () => {
    const csv = 'Market,Marketing,Utility,Authentication,Authentication-International,marketing_lite\r\n' +
      'India,0.0107,0.0014,0.0014,0.028,n/a\r\nMexico,0.0436,0.01,0.0239,,0.04\r\n';
    const r = parseRateCardCsv(csv, { currency: 'USD' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.columns).toEqual(['marketing', 'utility', 'authentication', 'authentication_international', 'marketing_lite']);
    expect(r.rates.India).toEqual({ marketing: '0.0107', utility: '0.0014', authentication: '0.0014', authentication_international: '0.028' });
    expect(r.rates.Mexico).toEqual({ marketing: '0.0436', utility: '0.01', authentication: '0.0239', marketing_lite: '0.04' });
  });

  it('matches market names case-insensitively and accepts a BOM', () => {
    const r = parseRateCardCsv('\uFEFFmarket,marketing,utility,authentication\nrest of latin america,0.074,0.0113,0.0445\n', { currency: 'USD' });
    expect(r.ok && Object.keys(r.rates)).toEqual(['Rest of Latin America']);
  });

  it('reports every bad row with its file line (comments counted), the market and what to do', () => {
    const csv = [
      '# currency: USD', // 1
      '# a comment', // 2
      'market,marketing,utility,authentication', // 3
      'Mexico,0.0436,0.0100,0.0239', // 4
      'USA,0.0250,0.0040,0.0135', // 5: not a Meta market name
      'Spain,-0.01,0.02,0.0342', // 6: negative
      'Chile,abc,0.02,0.0527', // 7: not a number
      'mexico,0.05,0.01,0.02', // 8: duplicate
      'Peru,0.0703,0.0200', // 9: missing a value
      '', // 10: blank lines are skipped
      'Brazil,"0,0625",0.008,0.0315', // 11: decimal comma
      'Colombia,0.0125,,0.0077', // 12: empty required cell
    ].join('\n');
    const r = parseRateCardCsv(csv);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.code, p.market, p.column])).toEqual([
      [5, 'unknown_market', 'USA', undefined],
      [6, 'negative_rate', 'Spain', 'marketing'],
      [7, 'invalid_rate', 'Chile', 'marketing'],
      [8, 'duplicate_market', 'Mexico', undefined],
      [9, 'column_count', 'Peru', undefined],
      [11, 'invalid_rate', 'Brazil', 'marketing'],
      [12, 'invalid_rate', 'Colombia', 'utility'],
    ]);
    const msg = (row: number) => r.problems.find((p) => p.row === row)?.message;
    expect(msg(5)).toMatch(/^Line 5: "USA" is not a Meta pricing market\. Known markets: Argentina, Brazil, .*North America, .*Rest of Latin America, .*Other\.$/);
    expect(msg(6)).toBe('Line 6, marketing for Spain: -0.01 is negative; rates are 0 or more.');
    expect(msg(7)).toBe('Line 7, marketing for Chile: "abc" is not a number.');
    expect(msg(8)).toBe('Line 8: Mexico already has rates on line 4; keep one row per market.');
    expect(msg(9)).toBe('Line 9: 3 values but the header has 4 columns.');
    expect(msg(11)).toBe('Line 11, marketing for Brazil: "0,0625" is not a number. Write decimals with a dot (0.0436).');
    expect(msg(12)).toBe('Line 12, utility for Colombia: "" is not a number. Every market needs this rate (0 if free).');
  });

  it.each([
    ['', 'empty'],
    ['# only comments\n', 'empty'],
    ['market,marketing,utility\nSpain,1,1\n', 'missing_column'],
    ['country,marketing,utility,authentication\nSpain,1,1,1\n', 'invalid_header'],
    ['market,marketing,utility,authentication,utility\nSpain,1,1,1,1\n', 'duplicate_column'],
    ['market,marketing,utility,authentication,price ($)\nSpain,1,1,1,1\n', 'invalid_column'],
    ['market,marketing,utility,authentication\n', 'no_rows'],
    ['market,marketing,utility,authentication\nSpain,"1,1,1\n', 'invalid_csv'],
  ])('refuses a malformed file: %j → %s', (csv, code) => {
    const r = parseRateCardCsv(csv, { currency: 'USD' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.code)).toContain(code);
  });
});

describe('parseVolumeTiers', () => {
  it('accepts bands given as a rate or a discount, normalizing markets and amounts', () => {
    const r = parseVolumeTiers([
      { market: 'india', category: 'utility', from: 1, to: 100_000, rate: '0.0014' },
      { market: 'India', category: 'utility', from: 100_001, to: null, discountPercent: 5 },
      { market: 'India', category: 'authentication', from: 1, to: 10, rate: 0.0014 },
    ]);
    expect(r).toEqual({
      ok: true,
      tiers: [
        { market: 'India', category: 'utility', from: 1, to: 100_000, rate: '0.0014' },
        { market: 'India', category: 'utility', from: 100_001, to: null, discountPercent: '5' },
        { market: 'India', category: 'authentication', from: 1, to: 10, rate: '0.0014' },
      ],
    });
  });

  it.each([
    [[{ market: 'Narnia', category: 'utility', from: 1, to: 2, rate: '1' }], 'unknown_market'],
    [[{ market: 'Spain', category: 'marketing', from: 1, to: 2, rate: '1' }], 'invalid_category'],
    [[{ market: 'Spain', category: 'utility', from: 0, to: 2, rate: '1' }], 'invalid_bounds'],
    [[{ market: 'Spain', category: 'utility', from: 5, to: 2, rate: '1' }], 'invalid_bounds'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: 2 }], 'invalid_price'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: 2, rate: '1', discountPercent: '5' }], 'invalid_price'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: 2, rate: '-1' }], 'invalid_price'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: 2, discountPercent: '101' }], 'invalid_price'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: 10, rate: '1' }, { market: 'Spain', category: 'utility', from: 10, to: null, rate: '0.5' }], 'overlapping_tiers'],
    [[{ market: 'Spain', category: 'utility', from: 1, to: null, rate: '1' }, { market: 'Spain', category: 'utility', from: 10, to: null, rate: '0.5' }], 'overlapping_tiers'],
  ])('refuses %j (%s)', (tiers, code) => {
    const r = parseVolumeTiers(tiers);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]?.code).toBe(code);
  });

  it('names the tier in the message', () => {
    const r = parseVolumeTiers([{ market: 'Spain', category: 'utility', from: 1, to: 10, rate: '1' }, { market: 'Spain', category: 'utility', from: 5, to: 20, rate: '1' }]);
    expect(!r.ok && r.problems[0]?.message).toBe('Tier 2: Spain utility from 5 overlaps the band 1–10.');
    expect(parseVolumeTiers('x').ok).toBe(false);
  });
});

describe('selectRateCard: a card applies from its effective date until the next one', () => {
  const cards = [
    { id: 'q3', currency: 'USD', effectiveFrom: new Date('2025-07-01T00:00:00Z') },
    { id: 'q1', currency: 'USD', effectiveFrom: new Date('2025-01-01T00:00:00Z') },
    { id: 'q4', currency: 'USD', effectiveFrom: new Date('2025-10-01T00:00:00Z') },
    { id: 'eur', currency: 'EUR', effectiveFrom: new Date('2025-08-01T00:00:00Z') },
  ];
  it.each([
    ['2024-12-31T23:59:59.999Z', undefined, null],
    ['2025-01-01T00:00:00.000Z', 'USD', 'q1'],
    ['2025-06-30T23:59:59.999Z', 'USD', 'q1'],
    ['2025-07-01T00:00:00.000Z', 'USD', 'q3'],
    ['2025-09-15T12:00:00.000Z', 'usd', 'q3'],
    ['2025-10-01T00:00:00.000Z', 'USD', 'q4'],
    ['2030-01-01T00:00:00.000Z', 'USD', 'q4'],
    ['2025-09-15T12:00:00.000Z', 'EUR', 'eur'],
    ['2025-07-15T12:00:00.000Z', 'EUR', null],
    ['2025-09-15T12:00:00.000Z', undefined, 'eur'], // any currency: the latest started card
  ])('at %s (%s) → %s', (at, currency, id) => {
    expect(selectRateCard(cards, new Date(at), currency)?.id ?? null).toBe(id);
  });
});
