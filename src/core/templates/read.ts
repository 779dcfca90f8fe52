// Defensive readers: the validator takes whatever the editor holds, half-typed or garbage, and must
// never throw on it. Nothing here trusts a property to exist or to have the type the API documents.

export type Rec = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Upper-cased string property, for the enum-like fields Meta prints in upper case (`type`, `format`). */
export function upper(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim().toUpperCase() : undefined;
}

export function get(rec: Rec | undefined, key: string): unknown {
  return rec === undefined ? undefined : rec[key];
}

/** A string property, or undefined when absent or not a string. */
export function str(rec: Rec | undefined, key: string): string | undefined {
  return asString(get(rec, key));
}
