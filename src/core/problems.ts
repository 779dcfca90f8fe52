// A problem found in data we were given: where (JSON path), what (our code) and what to do (message).
export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** Characters as a person counts them (code points), not UTF-16 units: "👍" is 1. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}
