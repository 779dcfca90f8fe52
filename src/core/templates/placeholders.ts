// Lexer for `{{…}}` placeholders. One linear pass, no regex backtracking: it runs on every keystroke.

import type { ParameterFormat, TemplateVariable } from './types.ts';

export interface PlaceholderToken {
  kind: ParameterFormat | 'invalid';
  /** Text between the braces, as written. */
  inner: string;
  raw: string;
  start: number;
  end: number;
  /** Positional only. */
  index?: number;
  /** Named only. */
  name?: string;
  /** Invalid only: offset of the first character that is not allowed, and that character. */
  badAt?: number;
  badChar?: string;
}

export interface BraceIssue {
  kind: 'unclosed' | 'unopened';
  /** Offset of the stray `{{` or `}}`. */
  position: number;
}

export interface PlaceholderScan {
  tokens: PlaceholderToken[];
  braces: BraceIssue[];
}

const POSITIONAL = /^[1-9][0-9]*$/;
const NAMED = /^[a-z_]+$/;

function classify(inner: string, start: number): PlaceholderToken {
  const raw = `{{${inner}}}`;
  const end = start + raw.length;
  if (POSITIONAL.test(inner)) return { kind: 'positional', inner, raw, start, end, index: Number(inner) };
  if (NAMED.test(inner)) return { kind: 'named', inner, raw, start, end, name: inner };
  // Find the first character at fault. Digits are fine in a number and letters in a name, so a
  // mix (`a1`, `1a`) or a leading zero blames the first character that breaks the style of the
  // first character.
  const firstIsDigit = /^[0-9]/.test(inner);
  let bad = 0;
  if (inner.length > 0 && !(firstIsDigit && inner.startsWith('0'))) {
    const ok = firstIsDigit ? /[0-9]/ : /[a-z_]/;
    while (bad < inner.length && ok.test(inner[bad] ?? '')) bad++;
  }
  const badChar = inner.length === 0 ? '' : [...inner.slice(bad)][0] ?? '';
  return { kind: 'invalid', inner, raw, start, end, badAt: start + 2 + bad, badChar };
}

/** All `{{…}}` placeholders in `text`, valid or not, and every unmatched `{{` / `}}`. */
export function scanPlaceholders(text: string): PlaceholderScan {
  const tokens: PlaceholderToken[] = [];
  const braces: BraceIssue[] = [];
  if (typeof text !== 'string') return { tokens, braces };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const open = text.indexOf('{{', i);
    const close = text.indexOf('}}', i);
    if (open < 0 && close < 0) break;
    if (close >= 0 && (open < 0 || close < open)) {
      braces.push({ kind: 'unopened', position: close });
      i = close + 2;
      continue;
    }
    // open >= 0 here, and it comes first.
    const closeAfter = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (closeAfter < 0 || (nextOpen >= 0 && nextOpen < closeAfter && nextOpen > open + 2)) {
      // `{{1 and {{2}}`: the first one never closes. (`{{{1}}}` is one token with a junk `{`.)
      braces.push({ kind: 'unclosed', position: open });
      i = open + 2;
      continue;
    }
    tokens.push(classify(text.slice(open + 2, closeAfter), open));
    i = closeAfter + 2;
  }
  return { tokens, braces };
}

export function toVariable(token: PlaceholderToken): TemplateVariable | undefined {
  if (token.kind === 'positional' && token.index !== undefined) {
    return { kind: 'positional', key: token.inner, index: token.index, raw: token.raw, start: token.start, end: token.end };
  }
  if (token.kind === 'named' && token.name !== undefined) {
    return { kind: 'named', key: token.inner, name: token.name, raw: token.raw, start: token.start, end: token.end };
  }
  return undefined;
}

/**
 * The well-formed variables of `format` in `text`, in order of appearance, with their offsets.
 * Placeholders of the other style and malformed ones are left out (`validateTemplate` reports them).
 * Total: anything that is not a string yields `[]`.
 */
export function extractVariables(text: unknown, format: ParameterFormat = 'positional'): TemplateVariable[] {
  if (typeof text !== 'string') return [];
  const out: TemplateVariable[] = [];
  for (const token of scanPlaceholders(text).tokens) {
    if (token.kind !== format) continue;
    const v = toVariable(token);
    if (v) out.push(v);
  }
  return out;
}

/** Distinct keys in order of first appearance. */
export function distinctKeys(vars: readonly TemplateVariable[]): string[] {
  const seen = new Set<string>();
  for (const v of vars) seen.add(v.key);
  return [...seen];
}
