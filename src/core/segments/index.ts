/** Segments: Charla's filter language over contacts (pure). See docs/segments.md. */
import type { FieldDefinition } from '../fields.ts';
import type { Expr } from './ast.ts';
import { checkSegment } from './check.ts';
import { SegmentError, type SegmentProblem } from './errors.ts';
import { parseSegment } from './parser.ts';
import type { Predicate } from './predicate.ts';

export * from './ast.ts';
export * from './errors.ts';
export { lex, type Token } from './lexer.ts';
export { parseSegment, SUBJECT_SPECS, exampleFor } from './parser.ts';
export { checkSegment, parseDuration, parseWhen, type CheckOptions } from './check.ts';
export * from './predicate.ts';
export { matches, type ContactFacts } from './evaluate.ts';

export type SegmentResult = { ok: true; ast: Expr; predicate: Predicate } | { ok: false; error: SegmentProblem };

/** Parse and check a filter against the contact custom fields; never throws for a bad filter. */
export function compileSegmentFilter(input: string, fields: readonly FieldDefinition[]): SegmentResult {
  try {
    const ast = parseSegment(input);
    return { ok: true, ast, predicate: checkSegment(input, ast, { fields }) };
  } catch (err) {
    if (err instanceof SegmentError) return { ok: false, error: err.problem };
    throw err;
  }
}
