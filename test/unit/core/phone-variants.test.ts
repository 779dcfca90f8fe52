import { describe, expect, it } from 'vitest';
import { canonicalWaId, canonicalWaIdSql, phoneVariants } from '../../../src/core/phone-variants.ts';

describe('one WhatsApp user, two wa_id forms (spec §1.1)', () => {
  it.each([
    // Mexican mobiles with and without the 1 after 52.
    ['5215512345678', ['5215512345678', '525512345678'], '525512345678'],
    ['525512345678', ['525512345678', '5215512345678'], '525512345678'],
    // Brazilian mobiles with and without the ninth digit after the area code.
    ['5511987654321', ['5511987654321', '551187654321'], '551187654321'],
    ['551187654321', ['551187654321', '5511987654321'], '551187654321'],
    // A Brazilian landline (first digit below 6) has no ninth-digit form; other countries have one form.
    ['551132654321', ['551132654321'], '551132654321'],
    ['34612345678', ['34612345678'], '34612345678'],
  ])('%s', (waId, variants, canonical) => {
    expect(phoneVariants(waId)).toEqual(variants);
    expect(canonicalWaId(waId)).toBe(canonical);
  });

  it('the SQL key is canonicalWaId, and every number with a second form starts with one of its prefixes', () => {
    const { key, prefixes } = canonicalWaIdSql('wa_id');
    // Read the nested regexp_replace(…, 'pattern', 'replacement') back and apply it as PostgreSQL would.
    const steps = [...key.matchAll(/, '([^']+)', '([^']+)'\)/g)].map((m) => ({ re: new RegExp(m[1]!), to: m[2]!.replace(/\\(\d)/g, '$$$1') }));
    expect(steps).toHaveLength(2);
    for (const waId of ['5215512345678', '525512345678', '5511987654321', '551187654321', '551132654321', '34612345678', '15551234567']) {
      expect(steps.reduce((v, s) => v.replace(s.re, s.to), waId)).toBe(canonicalWaId(waId));
      if (phoneVariants(waId).length > 1) expect(prefixes.some((p) => waId.startsWith(p))).toBe(true);
    }
  });
});
