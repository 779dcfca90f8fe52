/**
 * Import jobs in the store: options, creation (file sniffed and mapping checked before the job
 * exists), progress, the per-row report, and recovery of jobs whose process died.
 */
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Db, Store } from '../../store/connection.ts';
import type { Clock } from '../../context.ts';
import { fieldDefinitions } from '../fields.ts';
import { importJobs, importRowReports } from '../schema.ts';
import { DELIMITERS, ENCODINGS, isEmptyRecord, readRecords, sniff, type CsvSource } from './csv.ts';
import { compileMapping, mappingOf } from './mapping.ts';
import { CONTACT_KINDS } from './rows.ts';

export const ON_EXISTING = ['update', 'fill', 'skip'] as const;
export type OnExisting = (typeof ON_EXISTING)[number];

/** What the caller chooses for an import (HTTP body "options", CLI flags). */
export const importOptionsSchema = z.object({
  /** Header → target; headers not named keep the suggested target. */
  mapping: z.record(z.string(), z.string()).optional(),
  /** ISO country for numbers written without "+" or "00" (e.g. ES, MX, AR). */
  defaultCountry: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as ES, MX or AR').transform((s) => s.toUpperCase()).optional(),
  dryRun: z.boolean().default(false),
  /** update: non-empty cells overwrite; fill: only empty attributes are filled; skip: existing contacts are left alone. */
  onExisting: z.enum(ON_EXISTING).default('update'),
  /** Consent text for consent columns when a row has no evidence column value. */
  consentEvidence: z.string().max(2000).optional(),
  /** Kind for contacts the import creates when their row has none. */
  defaultKind: z.enum(CONTACT_KINDS).optional(),
  delimiter: z.enum(DELIMITERS).optional(),
  encoding: z.enum(ENCODINGS).optional(),
});
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;
export type ImportOptions = z.output<typeof importOptionsSchema>;

/** Options as stored on the job: the resolved mapping, delimiter and encoding, and who runs it. */
export interface StoredImportOptions extends Omit<ImportOptions, 'dryRun'> {
  mapping: Record<string, string>;
  delimiter: (typeof DELIMITERS)[number];
  encoding: (typeof ENCODINGS)[number];
  /** Which process runs the job and when it last showed it is alive. */
  runner?: { instance: string; pid: number; heartbeatAt: string };
}

export type ImportJobRow = typeof importJobs.$inferSelect;

/** The options cannot be used with this file; every reason is listed. */
export class ImportSetupError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'ImportSetupError';
  }
}

/** This process, for the runner stamp on jobs it runs. */
export const processInstance = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

export interface ImportHeader {
  headers: string[];
  delimiter: StoredImportOptions['delimiter'];
  encoding: StoredImportOptions['encoding'];
  /** The first data rows (for previews). */
  sample: string[][];
}

/** Header and first rows, reading only the start of the file. */
export async function readHeader(source: CsvSource, opts: { delimiter?: StoredImportOptions['delimiter'] | undefined; encoding?: StoredImportOptions['encoding'] | undefined; sampleRows?: number } = {}): Promise<ImportHeader> {
  const head = await sniff(source);
  const delimiter = opts.delimiter ?? head.delimiter;
  const encoding = opts.encoding ?? head.encoding;
  let headers: string[] | null = null;
  const sample: string[][] = [];
  const want = opts.sampleRows ?? 0;
  for await (const rec of readRecords(source, { delimiter, encoding })) {
    if (headers === null) {
      headers = rec.cells.map((h) => h.trim());
      if (want === 0) break;
      continue;
    }
    if (isEmptyRecord(rec.cells)) continue;
    sample.push(rec.cells);
    if (sample.length >= want) break;
  }
  if (headers === null || headers.every((h) => h === '')) {
    throw new ImportSetupError(['The file is empty: the first row must hold the column names (e.g. Teléfono;Nombre;Correo).']);
  }
  return { headers, delimiter, encoding, sample };
}

/** Check options and file header, and create the pending job. Throws ImportSetupError when they do not fit. */
export async function createImportJob(
  deps: { store: Store; clock: Clock },
  source: CsvSource,
  input: { fileName?: string | null; options: ImportOptionsInput },
): Promise<ImportJobRow> {
  const parsed = importOptionsSchema.safeParse(input.options);
  if (!parsed.success) {
    throw new ImportSetupError(parsed.error.issues.map((i) => `Invalid option ${i.path.join('.') || 'options'}: ${i.message}.`));
  }
  const options = parsed.data;
  if (options.defaultCountry && !isSupportedCountry(options.defaultCountry)) {
    throw new ImportSetupError([`defaultCountry "${options.defaultCountry}" is not a country code we know (e.g. ES, MX, AR, CO).`]);
  }
  const head = await readHeader(source, options);
  const fields = await fieldDefinitions(deps.store.db, 'contact');
  const plan = compileMapping({ headers: head.headers, mapping: options.mapping, fields, consentEvidence: options.consentEvidence });
  if (!plan.ok) throw new ImportSetupError(plan.problems);
  const { dryRun, ...rest } = options;
  const stored: StoredImportOptions = { ...rest, mapping: mappingOf(plan.columns), delimiter: head.delimiter, encoding: head.encoding };
  const [job] = await deps.store.db
    .insert(importJobs)
    .values({ state: 'pending', dryRun, fileName: input.fileName ?? null, options: stored, createdAt: deps.clock.now() })
    .returning();
  return job!;
}

export interface ImportJobView {
  id: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  dryRun: boolean;
  fileName: string | null;
  options: Omit<StoredImportOptions, 'runner'>;
  totalRows: number;
  processedRows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  /** 0–100, from processed and total rows. */
  percent: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function viewOf(job: ImportJobRow): ImportJobView {
  const { runner: _runner, ...options } = job.options as StoredImportOptions;
  return {
    id: job.id,
    state: job.state as ImportJobView['state'],
    dryRun: job.dryRun,
    fileName: job.fileName,
    options,
    totalRows: job.totalRows,
    processedRows: job.processedRows,
    created: job.created,
    updated: job.updated,
    // The table has no skipped counter: every processed row is created, updated, rejected or skipped.
    skipped: Math.max(0, job.processedRows - job.created - job.updated - job.rejected),
    rejected: job.rejected,
    percent: job.state === 'done' ? 100 : job.totalRows > 0 ? Math.floor((job.processedRows / job.totalRows) * 100) : 0,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}

export async function getImportJob(db: Db, id: string): Promise<ImportJobRow | null> {
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  return job ?? null;
}

export const ROW_OUTCOMES = ['rejected', 'created', 'updated', 'skipped'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

export interface RowReport {
  row: number;
  outcome: RowOutcome;
  column: string | null;
  value: string | null;
  reason: string | null;
}

/** A page of the row report, in row order. The cursor is opaque to callers ("<row>.<id>"). */
export async function listRowReports(
  db: Db,
  jobId: string,
  opts: { outcome?: RowOutcome | undefined; cursor?: string | undefined; limit?: number } = {},
): Promise<{ items: RowReport[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const conds: SQL[] = [eq(importRowReports.jobId, jobId)];
  if (opts.outcome) conds.push(eq(importRowReports.outcome, opts.outcome));
  if (opts.cursor) {
    const m = /^(\d+)\.([0-9a-f-]{36})$/.exec(opts.cursor);
    if (!m) throw new RangeError('cursor');
    const row = Number(m[1]);
    conds.push(or(gt(importRowReports.rowNumber, row), and(eq(importRowReports.rowNumber, row), gt(importRowReports.id, m[2]!)))!);
  }
  const rows = await db
    .select()
    .from(importRowReports)
    .where(and(...conds))
    .orderBy(asc(importRowReports.rowNumber), asc(importRowReports.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ row: r.rowNumber, outcome: r.outcome as RowOutcome, column: r.column, value: r.value, reason: r.reason })),
    nextCursor: rows.length > limit && last ? `${last.rowNumber}.${last.id}` : null,
  };
}

/** Every report row of one outcome, page by page (for the rejected-rows CSV). */
export async function* allRowReports(db: Db, jobId: string, outcome: RowOutcome): AsyncGenerator<RowReport> {
  let cursor: string | undefined;
  for (;;) {
    const page = await listRowReports(db, jobId, { outcome, cursor, limit: 1000 });
    yield* page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export const INTERRUPTED_MESSAGE =
  'The import stopped because the process running it ended (restart or crash). Rows counted as processed were saved; ' +
  'nothing of the rest was. Upload the file again (onExisting update or skip) to finish it: rows already imported are matched, not duplicated.';

/**
 * Mark jobs whose runner is gone as failed. A job is gone when its runner has not shown a heartbeat for
 * `staleAfterMs` (PostgreSQL: other processes may run imports), or at once on the embedded engine
 * (one process per data directory, so any running job at start belonged to a dead one).
 */
export async function recoverInterruptedImports(deps: { store: Store; clock: Clock }, opts: { staleAfterMs?: number } = {}): Promise<number> {
  const now = deps.clock.now();
  const stale = opts.staleAfterMs ?? (deps.store.engine === 'pglite' ? 0 : 120_000);
  const cutoff = new Date(now.getTime() - stale).toISOString();
  const rows = await deps.store.db
    .update(importJobs)
    .set({ state: 'failed', error: INTERRUPTED_MESSAGE, finishedAt: now })
    .where(
      and(
        inArray(importJobs.state, ['pending', 'running']),
        sql`coalesce((${importJobs.options}->'runner'->>'instance') <> ${processInstance}, true)`,
        sql`coalesce((${importJobs.options}->'runner'->>'heartbeatAt')::timestamptz, ${importJobs.createdAt}) <= ${cutoff}::timestamptz`,
      ),
    )
    .returning({ id: importJobs.id });
  return rows.length;
}
