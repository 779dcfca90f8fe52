import { problemAt } from './errors.ts';

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The word as typed, the string's decoded content, or the operator. */
  text: string;
  start: number;
  end: number;
}

// Bare words cover identifiers (kind, field.plan), values (lead, ES, 30d, 2026-03-01, 01/03/2026,
// 2026-03-01T10:00Z, +34600, ana@x.es) so that only values with spaces or symbols need quotes.
const WORD_START = /[\p{L}\p{N}_]/u;
const WORD_CHAR = /[\p{L}\p{N}_.\-+@:/]/u;
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };

export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=' || two === '==') {
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two === '==' ? '=' : two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ kind: 'op', text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) {
          throw problemAt(input, start, input.length - start, `The text starting {at} has no closing ${close}; end it with ${close}, e.g. tag = "vip"`);
        }
        const c = input[i]!;
        if (c === close) break;
        if (c === '\\') {
          const next = input[i + 1];
          const decoded = next === undefined ? undefined : ESCAPES[next];
          if (decoded === undefined) {
            throw problemAt(input, i, 2, `Unknown escape "\\${next ?? ''}" {at}; inside quotes write \\" for a quote, \\\\ for a backslash, \\n for a new line`);
          }
          value += decoded;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: value, start, end: i });
      continue;
    }
    if (WORD_START.test(ch) || ((ch === '+' || ch === '-') && /\d/.test(input[i + 1] ?? ''))) {
      i++;
      while (i < input.length && WORD_CHAR.test(input[i]!)) i++;
      tokens.push({ kind: 'word', text: input.slice(start, i), start, end: i });
      continue;
    }
    const hint = ch === '&' ? '; write "and"' : ch === '|' ? '; write "or"' : ch === '!' ? '; write "not" or "!="' : '; put values with symbols in quotes, e.g. name contains "50%"';
    throw problemAt(input, start, 1, `Unexpected character "${ch}" {at}${hint}`);
  }
  tokens.push({ kind: 'eof', text: '', start: input.length, end: input.length });
  return tokens;
}
