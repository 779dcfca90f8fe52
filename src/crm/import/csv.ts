/**
 * CSV reading (streaming, over csv-parse) and writing (RFC 4180, with formula-injection protection).
 * Reading never holds the file: a source is opened as a stream each time it is read.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';

/** Opens the file again each time (a count pass and the import pass both stream it). */
export type CsvSource = () => Readable;

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export const ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** A source over text or bytes already in memory (tests, previews of pasted text). */
export function sourceOf(data: string | Buffer): CsvSource {
  return () => Readable.from([typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
}

/** The delimiter used most often outside quotes in the header line; "," when none appears. */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * UTF-8 unless the bytes are not valid UTF-8, in which case Windows-1252 (what Excel in Spanish
 * writes for "CSV" without "UTF-8"): accents then come out right instead of as replacement marks.
 */
export function detectEncoding(head: Buffer): Encoding {
  // Excel's "Unicode text" is UTF-16 with a byte-order mark.
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  try {
    // stream: true so a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

export interface CsvHead {
  encoding: Encoding;
  delimiter: Delimiter;
  /** The first line of text (BOM removed), for the delimiter and error messages. */
  headerLine: string;
}

/** Read up to `maxBytes` from the start of the source and guess encoding and delimiter. */
export async function sniff(source: CsvSource, maxBytes = 64 * 1024): Promise<CsvHead> {
  const stream = source();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(b);
      size += b.length;
      if (size >= maxBytes) break;
    }
  } finally {
    stream.destroy();
  }
  const head = Buffer.concat(chunks).subarray(0, maxBytes);
  const encoding = detectEncoding(head);
  const text = new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
  const headerLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  return { encoding, delimiter: detectDelimiter(headerLine), headerLine };
}

class Decode extends Transform {
  private readonly decoder: TextDecoder;
  constructor(encoding: Encoding) {
    super({ decodeStrings: true });
    this.decoder = new TextDecoder(encoding);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, this.decoder.decode(chunk, { stream: true }));
  }
  override _flush(cb: TransformCallback): void {
    cb(null, this.decoder.decode());
  }
}

export interface CsvRecord {
  /** As a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row: number;
  cells: string[];
}

export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/**
 * Every record of the file, header first (row 1). Empty lines keep their row number (a spreadsheet
 * shows them as empty rows) and come back as a record with one empty cell.
 */
export async function* readRecords(source: CsvSource, head: Pick<CsvHead, 'encoding' | 'delimiter'>): AsyncGenerator<CsvRecord> {
  const input = source();
  const parser = parse({
    delimiter: head.delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  // Errors of the file stream (missing file, aborted upload) must reach the loop below, not crash the process.
  input.on('error', (err) => parser.destroy(err));
  if (head.encoding === 'utf-8') input.pipe(parser);
  else input.pipe(new Decode(head.encoding)).on('error', (err) => parser.destroy(err)).pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) {
      throw new CsvFormatError(`The file is not valid CSV near line ${e.lines ?? '?'}: ${e.message.replace(/^Invalid [^:]*: /, '')}`);
    }
    throw err;
  } finally {
    input.destroy();
  }
}

export function isEmptyRecord(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

// --- writing ---

// OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefix a cell a spreadsheet would run as a formula with "'" so it shows as text. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undo neutralise() on import, so an exported file round-trips ("'+34…" back to "+34…"). */
export function unneutralise(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** One field, quoted when it holds a delimiter (any of ours), a quote or a line break. */
export function csvField(value: string): string {
  return /[",;\t|\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CRLF-terminated record; every cell neutralised, null and undefined written empty. */
export function csvRow(values: readonly (string | number | boolean | null | undefined)[], delimiter: Delimiter = ','): string {
  return values.map((v) => csvField(neutralise(v === null || v === undefined ? '' : String(v)))).join(delimiter) + '\r\n';
}

/** Byte-order mark so Excel opens UTF-8 files with their accents intact. */
export const UTF8_BOM = '\uFEFF';
