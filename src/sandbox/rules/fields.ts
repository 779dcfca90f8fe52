import { GraphError, badParam, invalid, missing } from '../errors.ts';

/** Small readers that name the offending field the way Graph API details do: text['body']. */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function child(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}['${key}']` : key;
}

/** Length in user-visible characters (code points), as Meta counts. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function objectAt(parent: Json, key: string, path: string, required: true): Json;
export function objectAt(parent: Json, key: string, path: string, required: false): Json | undefined;
export function objectAt(parent: Json, key: string, path: string, required: boolean): Json | undefined {
  const v = parent[key];
  const p = child(path, key);
  if (v === undefined || v === null) {
    if (required) throw missing(p);
    return undefined;
  }
  if (!isObject(v)) throw badParam(`Param ${p} must be a JSON object.`);
  return v;
}

export function arrayAt(parent: Json, key: string, path: string, required: true): unknown[];
export function arrayAt(parent: Json, key: string, path: string, required: false): unknown[] | undefined;
export function arrayAt(parent: Json, key: string, path: string, required: boolean): unknown[] | undefined {
  const v = parent[key];
  const p = child(path, key);
  if (v === undefined || v === null) {
    if (required) throw missing(p);
    return undefined;
  }
  if (!Array.isArray(v)) throw badParam(`Param ${p} must be an array.`);
  return v;
}

interface StringRule {
  max?: number;
  min?: number;
  /** Empty strings count as missing unless allowed. */
  allowEmpty?: boolean;
}

export function stringAt(parent: Json, key: string, path: string, required: true, rule?: StringRule): string;
export function stringAt(
  parent: Json,
  key: string,
  path: string,
  required: false,
  rule?: StringRule,
): string | undefined;
export function stringAt(
  parent: Json,
  key: string,
  path: string,
  required: boolean,
  rule?: StringRule,
): string | undefined;
export function stringAt(
  parent: Json,
  key: string,
  path: string,
  required: boolean,
  rule: StringRule = {},
): string | undefined {
  const v = parent[key];
  const p = child(path, key);
  if (v === undefined || v === null || (v === '' && !rule.allowEmpty)) {
    if (required) throw missing(p);
    return undefined;
  }
  if (typeof v !== 'string') throw badParam(`Param ${p} must be a string.`);
  const len = charLength(v);
  if (rule.max !== undefined && len > rule.max) {
    throw badParam(`Param ${p} must be at most ${rule.max} characters long.`);
  }
  if (rule.min !== undefined && len < rule.min) {
    throw badParam(`Param ${p} must be at least ${rule.min} characters long.`);
  }
  return v;
}

export function booleanAt(parent: Json, key: string, path: string): boolean | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badParam(`Param ${child(path, key)} must be a boolean.`);
  return v;
}

/** Reject keys Graph would not recognise, so typos surface instead of being ignored. */
export function onlyKeys(obj: Json, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw badParam(`Unexpected key "${k}" on param "${path || 'root'}".`);
    }
  }
}

export function oneOf<const T extends string>(value: string, options: readonly T[], path: string): T {
  if (!(options as readonly string[]).includes(value)) {
    throw badParam(`Param ${path} must be one of {${options.join(', ')}} - got "${value}".`);
  }
  return value as T;
}

export function httpUrl(value: string, path: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through to the error below
  }
  throw invalid(path, 'must be an http(s) URL');
}

export { GraphError };
