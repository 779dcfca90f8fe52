// HTTP for CSV import (upload → background job → progress and per-row report) and contacts export.
// Auth is added around this plugin at app assembly.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { desc } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { CONSENT_CATEGORIES } from '../core/consent.ts';
import { fieldDefinitions } from './fields.ts';
import { importJobs } from './schema.ts';
import { exportContactsCsv } from './export.ts';
import { getSegment } from './segments.ts';
import { csvRow, CsvFormatError, UTF8_BOM, type CsvSource } from './import/csv.ts';
import { BASIC_TARGETS, compileMapping, mappingOf, suggestMapping } from './import/mapping.ts';
import {
  allRowReports, createImportJob, getImportJob, ImportSetupError, listRowReports, readHeader, recoverInterruptedImports, ROW_OUTCOMES, viewOf,
  type ImportOptionsInput,
} from './import/jobs.ts';
import { runImport } from './import/run.ts';

export interface ImportRoutesOptions {
  ctx: AppContext;
  /** Where uploads wait while their job runs (default: the OS temp directory). */
  uploadDir?: string;
  /** Largest CSV accepted (default 200 MB). */
  maxFileBytes?: number;
}

/** Jobs this process is running, so shutdown can stop them between batches and tests can await them. */
const running = new Map<string, { done: Promise<void>; abort: AbortController }>();

/** Resolves when this process's run of the job ends (immediately when it runs elsewhere or has ended). */
export async function waitForImport(jobId: string): Promise<void> {
  await running.get(jobId)?.done;
}

function startInBackground(ctx: AppContext, jobId: string, file: string): void {
  const abort = new AbortController();
  const done = runImport(ctx, jobId, () => createReadStream(file), { signal: abort.signal })
    .then(() => undefined)
    .catch((err: unknown) => ctx.logger.error({ err, jobId }, 'import run failed'))
    .finally(() => {
      running.delete(jobId);
      unlink(file).catch(() => {});
    });
  running.set(jobId, { done, abort });
}

const jobParams = z.object({ id: z.uuid({ error: 'must be an import id (uuid)' }) });

interface Upload {
  path: string;
  fileName: string | null;
  fields: Record<string, string>;
}

/** Save the multipart "file" to disk (streamed) and collect the other fields, in any order. */
async function receiveUpload(request: FastifyRequest, dir: string): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new HttpError(415, 'unsupported_media_type', 'Send multipart/form-data with a "file" field (the CSV) and an optional "options" field (JSON).');
  }
  let upload: { path: string; fileName: string | null } | null = null;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (upload) {
          part.file.resume();
          throw new HttpError(400, 'invalid_request', 'Invalid file: send one CSV file per import.', [{ field: 'file', message: 'only one file' }]);
        }
        const path = join(dir, `charla-import-${randomUUID()}.csv`);
        upload = { path, fileName: part.filename || null };
        await pipeline(part.file, createWriteStream(path));
        if (part.file.truncated) throw new HttpError(413, 'file_too_large', 'The CSV file is larger than this server accepts; split it into smaller files.');
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if (upload) await unlink(upload.path).catch(() => {});
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new HttpError(413, 'file_too_large', 'The CSV file is larger than this server accepts; split it into smaller files.');
    }
    throw err;
  }
  if (!upload) throw new HttpError(400, 'invalid_request', 'Invalid file: no file in the form. Add a "file" field with the CSV.', [{ field: 'file', message: 'required' }]);
  return { ...upload, fields };
}

/** The "options" JSON field, with single fields (defaultCountry=ES, dryRun=true…) merged over it for curl users. */
function optionsOf(fields: Record<string, string>): ImportOptionsInput {
  let options: Record<string, unknown> = {};
  if (fields.options !== undefined) {
    try {
      const parsed: unknown = JSON.parse(fields.options);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      options = parsed as Record<string, unknown>;
    } catch (err) {
      throw new HttpError(400, 'invalid_request', `Invalid options: must be a JSON object (${(err as Error).message}).`, [{ field: 'options', message: 'invalid JSON' }]);
    }
  }
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'options') continue;
    if (k === 'dryRun') options.dryRun = v === 'true' || v === '1';
    else if (k === 'mapping') {
      try {
        options.mapping = JSON.parse(v);
      } catch {
        throw new HttpError(400, 'invalid_request', 'Invalid mapping: must be a JSON object of header → target.', [{ field: 'mapping', message: 'invalid JSON' }]);
      }
    } else options[k] = v;
  }
  return options as ImportOptionsInput;
}

function setupError(err: unknown): never {
  if (err instanceof ImportSetupError) {
    throw new HttpError(422, 'import_not_possible', err.problems.length === 1 ? err.problems[0]! : `${err.problems[0]} (and ${err.problems.length - 1} more problem(s), see details)`, { problems: err.problems });
  }
  if (err instanceof CsvFormatError) throw new HttpError(422, 'invalid_csv', err.message);
  throw err;
}

export const importRoutes: FastifyPluginAsyncZod<ImportRoutesOptions> = async (app, opts) => {
  const { ctx } = opts;
  const dir = opts.uploadDir ?? tmpdir();
  await app.register(multipart, { limits: { fileSize: opts.maxFileBytes ?? 200 * 1024 * 1024, files: 1, fields: 20 } });

  // Jobs left "running" by a process that died are marked failed (we do not resume: the upload was a temp file).
  await recoverInterruptedImports(ctx).catch((err: unknown) => ctx.logger.warn({ err }, 'could not check for interrupted imports'));
  app.addHook('onClose', async () => {
    const mine = [...running.values()];
    for (const r of mine) r.abort.abort();
    await Promise.all(mine.map((r) => r.done));
  });

  app.post('/api/v1/imports', {
    schema: {
      tags: ['import'],
      summary: 'Start a CSV import of contacts (multipart: file, options JSON); answers 202 with the job',
      description: 'options: { mapping?: {header: target}, defaultCountry?: "ES", dryRun?: boolean, onExisting?: "update"|"fill"|"skip", consentEvidence?: string, defaultKind?, delimiter?, encoding? }. See docs/import-export.md.',
    },
  }, async (request, reply) => {
    const upload = await receiveUpload(request, dir);
    const source: CsvSource = () => createReadStream(upload.path);
    let job;
    try {
      job = await createImportJob(ctx, source, { fileName: upload.fileName, options: optionsOf(upload.fields) });
    } catch (err) {
      await unlink(upload.path).catch(() => {});
      setupError(err);
    }
    startInBackground(ctx, job.id, upload.path);
    return reply.status(202).header('location', `/api/v1/imports/${job.id}`).send(viewOf(job));
  });

  app.post('/api/v1/imports/preview', {
    schema: { tags: ['import'], summary: 'First rows of a CSV and the suggested mapping from its header (multipart: file, optional options JSON)' },
  }, async (request) => {
    const upload = await receiveUpload(request, dir);
    try {
      const options = optionsOf(upload.fields);
      const head = await readHeader(() => createReadStream(upload.path), { delimiter: options.delimiter, encoding: options.encoding, sampleRows: 10 }).catch(setupError);
      const fields = await fieldDefinitions(ctx.store.db, 'contact');
      const suggested = suggestMapping(head.headers, fields);
      const plan = compileMapping({ headers: head.headers, mapping: options.mapping, fields, consentEvidence: options.consentEvidence });
      return {
        fileName: upload.fileName,
        delimiter: head.delimiter,
        encoding: head.encoding,
        headers: head.headers,
        rows: head.sample,
        suggestedMapping: mappingOf(head.headers.map((header, index) => ({ header, index, target: suggested[index]! }))),
        /** Whether the mapping (given or suggested) can be used as is, and why not. */
        problems: plan.ok ? [] : plan.problems,
        targets: [
          ...BASIC_TARGETS,
          ...fields.map((f) => `field.${f.key}`),
          ...CONSENT_CATEGORIES.flatMap((c) => [`consent.${c}`, `consent.${c}.evidence`, `consent.${c}.date`]),
          'consent.evidence', 'consent.date',
        ],
        fields: fields.map((f) => ({ key: f.key, label: f.label, type: f.type })),
      };
    } finally {
      await unlink(upload.path).catch(() => {});
    }
  });

  app.get('/api/v1/imports', {
    schema: { tags: ['import'], summary: 'Recent import jobs, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  }, async (request) => {
    const rows = await ctx.store.db.select().from(importJobs).orderBy(desc(importJobs.createdAt)).limit(request.query.limit);
    return { items: rows.map(viewOf) };
  });

  const findJob = async (id: string) => {
    const job = await getImportJob(ctx.store.db, id);
    if (!job) throw new HttpError(404, 'import_not_found', `There is no import ${id}. List imports with GET /api/v1/imports.`);
    return job;
  };

  app.get('/api/v1/imports/:id', {
    schema: { tags: ['import'], summary: 'An import job: state and progress (processed/total rows; created, updated, skipped, rejected)', params: jobParams },
  }, async (request) => viewOf(await findJob(request.params.id)));

  app.get('/api/v1/imports/:id/rows', {
    schema: {
      tags: ['import'],
      summary: 'The per-row report of an import (rejected and skipped rows; every row for a dry run), in row order',
      params: jobParams,
      querystring: z.object({
        outcome: z.enum(ROW_OUTCOMES).optional(),
        cursor: z.string().max(100).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
  }, async (request) => {
    await findJob(request.params.id);
    try {
      return await listRowReports(ctx.store.db, request.params.id, request.query);
    } catch (err) {
      if (err instanceof RangeError) throw new HttpError(400, 'invalid_request', 'Invalid cursor: pass back nextCursor from the previous page.', [{ field: 'cursor', message: 'invalid' }]);
      throw err;
    }
  });

  app.get('/api/v1/imports/:id/rejected.csv', {
    schema: { tags: ['import'], summary: 'Rejected rows as CSV: row, column, value, reason', params: jobParams },
  }, async (request, reply) => {
    const job = await findJob(request.params.id);
    const db = ctx.store.db;
    const body = Readable.from((async function* () {
      yield UTF8_BOM + csvRow(['row', 'column', 'value', 'reason']);
      for await (const r of allRowReports(db, job.id, 'rejected')) yield csvRow([r.row, r.column, r.value, r.reason]);
    })());
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${job.id}-rejected.csv"`)
      .send(body);
  });

  app.get('/api/v1/contacts/export.csv', {
    schema: {
      tags: ['import'],
      summary: 'Contacts as CSV (optionally those of a segment filter or a saved segment); formula-like cells are neutralised',
      querystring: z.object({
        segment: z.string().max(4000).optional().describe('a segment filter'),
        segmentId: z.string().optional().describe('a saved segment: its filter as it is now'),
        delimiter: z.enum(['comma', 'semicolon', 'tab']).default('comma'),
        bom: z.enum(['true', 'false']).default('true'),
      }),
    },
  }, async (request, reply) => {
    const q = request.query;
    if (q.segment !== undefined && q.segmentId !== undefined) {
      throw new HttpError(400, 'invalid_request', 'Give segment (a filter) or segmentId (a saved segment), not both.', [{ field: 'segmentId', message: 'not with segment' }]);
    }
    const saved = q.segmentId !== undefined ? await getSegment(ctx.store.db, q.segmentId) : null;
    const delimiter = ({ comma: ',', semicolon: ';', tab: '\t' } as const)[q.delimiter];
    const chunks = await exportContactsCsv(ctx.store, { segment: saved?.filter ?? q.segment, delimiter, bom: q.bom === 'true', now: ctx.clock.now() });
    const day = ctx.clock.now().toISOString().slice(0, 10);
    // The saved segment's name in the file name, as far as file systems and headers take it.
    const slug = saved ? `-${saved.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}` : '';
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="contacts${slug}-${day}.csv"`)
      .send(Readable.from(chunks));
  });
};


