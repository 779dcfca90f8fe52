import { describe, expect, it } from 'vitest';
import { add, compare, dec, discount, formatDecimal, mul, mulInt, parseDecimal, roundTo } from '../../../../src/core/pricing/decimal.ts';

const f = (d: ReturnType<typeof dec>, min = 0) => formatDecimal(d, min);

describe('exact decimals', () => {
  it.each([
    ['0.0436', '0.0436'], ['0.0340', '0.034'], ['12', '12'], ['-1.50', '-1.5'], ['000.100', '0.1'], [' 3.25 ', '3.25'],
  ])('parses %j as %s', (text, out) => {
    expect(f(dec(text))).toBe(out);
  });

  it.each(['', 'abc', '1e-3', '1,5', '1.', '.5', '$1', '1 000', 'NaN', 'Infinity'])('rejects %j', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  it.each([
    ['0.0436', 1000, '43.60'], // the worked example of shared/ratecards
    ['0.1', 3, '0.30'], // 0.1 × 3 is 0.30000000000000004 in floats
    ['0.0113', 123_457, '1395.0641'],
    ['0.0002', 1, '0.0002'],
  ])('%s × %d = %s exactly', (rate, n, out) => {
    expect(f(mulInt(dec(rate), n), 2)).toBe(out);
  });

  it('adds without float error: 0.1 + 0.2 = 0.3', () => {
    expect(f(add(dec('0.1'), dec('0.2')))).toBe('0.3');
    expect(compare(add(dec('0.1'), dec('0.2')), dec('0.3'))).toBe(0);
  });

  it('multiplies and discounts exactly', () => {
    expect(f(mul(dec('0.0436'), dec('1.5')))).toBe('0.0654');
    expect(f(discount(dec('0.0113'), dec('10')))).toBe('0.01017');
    expect(f(discount(dec('0.02'), dec('12.5')))).toBe('0.0175');
    expect(f(discount(dec('0.02'), dec('100')))).toBe('0');
  });

  it.each([
    ['1.005', 2, '1.01'], ['1.0049', 2, '1'], ['-1.005', 2, '-1.01'], ['43.6', 2, '43.6'], ['1234.5', 0, '1235'],
  ])('rounds %s to %d places half away from zero: %s', (text, places, out) => {
    expect(f(roundTo(dec(text), places))).toBe(out);
  });

  it('formats with a minimum of places and never drops digits', () => {
    expect(formatDecimal(dec('43.6'), 2)).toBe('43.60');
    expect(formatDecimal(dec('0.0436'), 2)).toBe('0.0436');
    expect(formatDecimal(dec('7'), 0)).toBe('7');
    expect(formatDecimal(dec('-0.5'), 2)).toBe('-0.50');
  });
});
