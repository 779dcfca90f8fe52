/** A problem in a segment filter, pointing at where it is (offset 0-based; line and column 1-based). */
export interface SegmentProblem {
  message: string;
  offset: number;
  length: number;
  line: number;
  column: number;
}

export class SegmentError extends Error {
  constructor(public readonly problem: SegmentProblem) {
    super(problem.message);
    this.name = 'SegmentError';
  }
}

export function positionOf(input: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < input.length; i++) {
    if (input[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}

/** "at column 12" on one-line filters (what people type), "at line 2, column 5" otherwise. */
export function where(input: string, offset: number): string {
  const { line, column } = positionOf(input, offset);
  return input.includes('\n') ? `at line ${line}, column ${column}` : `at column ${column}`;
}

/** Build the error; `text` may contain {at}, replaced by the position words. */
export function problemAt(input: string, offset: number, length: number, text: string): SegmentError {
  const { line, column } = positionOf(input, offset);
  return new SegmentError({ message: text.replace('{at}', where(input, offset)), offset, length: Math.max(0, length), line, column });
}
