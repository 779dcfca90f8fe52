/**
 * The PostgreSQL error code (SQLSTATE) of an error from pg or PGlite: on the error itself, or down its `cause`
 * chain when drizzle wraps it (DrizzleQueryError).
 */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** 23505: a unique index refused the row. */
export const isUniqueViolation = (err: unknown): boolean => pgErrorCode(err) === '23505';

/** 40P01: PostgreSQL aborted this statement to break a deadlock; the same work can simply be tried again. */
export const isDeadlock = (err: unknown): boolean => pgErrorCode(err) === '40P01';
