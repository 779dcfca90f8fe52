import { describe, expect, it } from 'vitest';
import { isDeadlock, isUniqueViolation, pgErrorCode } from '../../src/store/errors.ts';

describe('pgErrorCode', () => {
  const pg = (code: string) => Object.assign(new Error('x'), { code });
  it.each([
    ['on the error (pg, PGlite)', pg('23505'), '23505'],
    ["on drizzle's wrapper, in cause", Object.assign(new Error('Failed query'), { cause: pg('40P01') }), '40P01'],
    ['two causes down', Object.assign(new Error('a'), { cause: Object.assign(new Error('b'), { cause: pg('23505') }) }), '23505'],
    ["Node's own codes are not SQLSTATEs", Object.assign(new Error('net'), { code: 'ECONNREFUSED' }), undefined],
    ['nothing', new Error('plain'), undefined],
    ['not an error', null, undefined],
  ])('%s', (_name, err, code) => {
    expect(pgErrorCode(err)).toBe(code);
  });
  it('names the two the app acts on', () => {
    expect(isUniqueViolation({ cause: { code: '23505' } })).toBe(true);
    expect(isDeadlock({ cause: { code: '40P01' } })).toBe(true);
    expect(isDeadlock({ code: '23505' })).toBe(false);
  });
});
