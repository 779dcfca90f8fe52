/**
 * Running an import: stream the file, check each row, and apply rows in batches. Each batch (its
 * contacts, organizations, tags, consent records, report rows and the job's counters) is one
 * transaction, so a crash leaves every row either fully imported and counted, or not at all.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, Store } from '../../store/connection.ts';
import type { Clock } from '../../context.ts';
import { contacts } from '../../messaging/schema.ts';
import { newContactValues } from '../../messaging/contacts.ts';
import { importJobs, importRowReports, organizations, tags } from '../schema.ts';
import { fieldDefinitions } from '../fields.ts';
import { isEmptyRecord, readRecords, type CsvSource } from './csv.ts';
import { columnName, compileMapping, type ColumnPlan } from './mapping.ts';
import { interpretRow, type ContactDraft, type RowProblem, type RowResult } from './rows.ts';
import { getImportJob, processInstance, viewOf, type ImportJobView, type OnExisting, type RowOutcome, type StoredImportOptions } from './jobs.ts';

export interface ImportDeps {
  store: Store;
  clock: Clock;
  logger?: Logger;
}

export interface RunHooks {
  /** After each committed batch (and once at the start, with the total). */
  onProgress?: (job: ImportJobView) => void;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Stops the run between batches (server shutdown); the job ends failed, its committed rows kept. */
  signal?: AbortSignal;
}

/** One row's fate, before anything is written. */
interface Planned {
  row: number;
  outcome: RowOutcome;
  problems: RowProblem[];
  /** created: the new id; updated/skipped: the matched contact. */
  contactId: string | null;
  draft: ContactDraft | null;
  /** Why it was skipped or what it matched (reports). */
  note: string | null;
}

interface JobState {
  jobId: string;
  dryRun: boolean;
  onExisting: OnExisting;
  defaultKind: string | undefined;
  columns: ColumnPlan[];
  /** Identity key in the file ("p:<wa_id>", "b:<bsuid>", "e:<email>") → first row with it. */
  seen: Map<string, number>;
  /** Contacts this job already created or changed → row: a second row for one contact is skipped. */
  touched: Map<string, number>;
  orgIds: Map<string, string>;
  tagIds: Map<string, string>;
  startedAt: Date;
}

const MAX_VALUE = 500;

/**
 * A PostgreSQL array literal, sent as one parameter: `unnest(${pgArray(xs)}::text[])` inserts a whole
 * batch with one parameter per column instead of one per cell, which is what makes batches cheap.
 */
export function pgArray(values: readonly (string | null | undefined)[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

async function execRows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The database's own words (drizzle wraps them in "Failed query: …" with every parameter). */
function dbMessage(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const e = cause instanceof Error ? cause : err;
  // eslint-disable-next-line no-control-regex
  return (e instanceof Error ? e.message : String(e)).replace(/\u0000/g, '');
}

function truncate(v: string | null): string | null {
  return v !== null && v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v;
}

/**
 * Run a pending job to the end. Never throws for a bad file or row: the job ends "done" (with
 * rejected rows) or "failed" (with the reason), and that final state is returned.
 */
export async function runImport(deps: ImportDeps, jobId: string, source: CsvSource, hooks: RunHooks = {}): Promise<ImportJobView> {
  const db = deps.store.db;
  const stamp = () => ({ instance: processInstance, pid: process.pid, heartbeatAt: deps.clock.now().toISOString() });
  const claimed = await db
    .update(importJobs)
    .set({ state: 'running', options: sql`${importJobs.options} || ${JSON.stringify({ runner: stamp() })}::jsonb` })
    .where(and(eq(importJobs.id, jobId), eq(importJobs.state, 'pending')))
    .returning();
  const job = claimed[0];
  if (!job) {
    const current = await getImportJob(db, jobId);
    if (!current) throw new Error(`No import job ${jobId}.`);
    return viewOf(current);
  }
  // Heartbeat while running, so another process can tell a live import from one whose process died.
  const heartbeat = setInterval(() => {
    db.update(importJobs)
      .set({ options: sql`jsonb_set(${importJobs.options}, '{runner}', ${JSON.stringify(stamp())}::jsonb)` })
      .where(eq(importJobs.id, jobId))
      .catch(() => {});
  }, 15_000);
  heartbeat.unref();
  try {
    await importRows(deps, job, source, hooks);
    await db.update(importJobs).set({ state: 'done', finishedAt: deps.clock.now() }).where(eq(importJobs.id, jobId));
  } catch (err) {
    deps.logger?.error({ err, jobId }, 'import failed');
    const message = dbMessage(err);
    await db
      .update(importJobs)
      .set({ state: 'failed', error: `The import stopped: ${message}`, finishedAt: deps.clock.now() })
      .where(eq(importJobs.id, jobId));
  } finally {
    clearInterval(heartbeat);
  }
  const final = viewOf((await getImportJob(db, jobId))!);
  hooks.onProgress?.(final);
  return final;
}

async function importRows(deps: ImportDeps, job: typeof importJobs.$inferSelect, source: CsvSource, hooks: RunHooks): Promise<void> {
  const db = deps.store.db;
  const options = job.options as StoredImportOptions;
  const head = { delimiter: options.delimiter, encoding: options.encoding };

  // Count first so progress has a total; the file is streamed twice rather than held.
  let total = 0;
  let headers: string[] | null = null;
  for await (const rec of readRecords(source, head)) {
    if (headers === null) headers = rec.cells.map((h) => h.trim());
    else if (!isEmptyRecord(rec.cells)) total++;
  }
  if (headers === null) throw new Error('the file has no header row.');
  await db.update(importJobs).set({ totalRows: total }).where(eq(importJobs.id, job.id));

  const fields = await fieldDefinitions(db, 'contact');
  const plan = compileMapping({ headers, mapping: options.mapping, fields, consentEvidence: options.consentEvidence });
  if (!plan.ok) throw new Error(plan.problems.join(' '));
  const state: JobState = {
    jobId: job.id,
    dryRun: job.dryRun,
    onExisting: options.onExisting,
    defaultKind: options.defaultKind,
    columns: plan.columns,
    seen: new Map(),
    touched: new Map(),
    orgIds: new Map(),
    tagIds: new Map(),
    startedAt: deps.clock.now(),
  };
  const rowCtx = {
    columns: plan.columns,
    fields: new Map(fields.map((f) => [f.key, f])),
    defaultCountry: options.defaultCountry,
    consentEvidence: options.consentEvidence,
    now: state.startedAt,
  };
  const progress = async () => hooks.onProgress?.(viewOf((await getImportJob(db, job.id))!));
  await progress();

  const size = hooks.batchSize ?? 500;
  let batch: RowResult[] = [];
  let first = true;
  for await (const rec of readRecords(source, head)) {
    if (first) {
      first = false;
      continue;
    }
    if (isEmptyRecord(rec.cells)) continue;
    if (hooks.signal?.aborted) throw new Error(`the server shut down at row ${rec.row}. Rows before it were saved; upload the file again to finish (imported rows are matched, not duplicated).`);
    batch.push(interpretRow(rec.row, rec.cells, rowCtx));
    if (batch.length >= size) {
      await applyBatch(deps, state, batch);
      batch = [];
      await progress();
      // Let HTTP requests and other work run between batches (PGlite has one connection).
      await new Promise((r) => setImmediate(r));
    }
  }
  if (batch.length) {
    await applyBatch(deps, state, batch);
    await progress();
  }
}

function identityKeys(d: ContactDraft): { key: string; label: string }[] {
  const keys: { key: string; label: string }[] = [];
  if (d.waId) keys.push({ key: `p:${d.waId}`, label: `phone number (${d.e164})` });
  if (d.bsuid) keys.push({ key: `b:${d.bsuid}`, label: `BSUID (${d.bsuid})` });
  if (!d.waId && !d.bsuid && d.email) keys.push({ key: `e:${d.email}`, label: `e-mail (${d.email})` });
  return keys;
}

/** Duplicates within the file (pure, in file order): the first row wins, later ones are skipped. */
function dedupeInFile(state: JobState, results: RowResult[]): Planned[] {
  return results.map((r): Planned => {
    if (!r.ok) return { row: r.row, outcome: 'rejected', problems: r.problems, contactId: null, draft: null, note: null };
    const keys = identityKeys(r.draft);
    const dup = keys.find((k) => state.seen.has(k.key));
    if (dup) {
      return {
        row: r.draft.row, outcome: 'skipped', problems: [], contactId: null, draft: r.draft,
        note: `Same ${dup.label} as row ${state.seen.get(dup.key)}; only the first row for a contact is imported.`,
      };
    }
    for (const k of keys) state.seen.set(k.key, r.draft.row);
    return { row: r.draft.row, outcome: 'created', problems: [], contactId: null, draft: r.draft, note: null };
  });
}

async function applyBatch(deps: ImportDeps, state: JobState, results: RowResult[]): Promise<void> {
  const planned = dedupeInFile(state, results);
  try {
    await applyPlanned(deps, state, planned);
  } catch (err) {
    if (planned.length === 1) throw err;
    // One row the database refuses must not cost the batch: retry row by row, each in its own transaction.
    deps.logger?.warn({ err, jobId: state.jobId }, 'import batch failed; retrying row by row');
    for (const p of planned) {
      try {
        await applyPlanned(deps, state, [{ ...p, contactId: null, outcome: p.outcome === 'rejected' || p.outcome === 'skipped' ? p.outcome : 'created' }]);
      } catch (rowErr) {
        const reason = `the database refused the row: ${dbMessage(rowErr)}`;
        await applyPlanned(deps, state, [{ ...p, outcome: 'rejected', problems: [{ column: null, value: null, reason }], draft: null }]);
      }
    }
  }
}

async function applyPlanned(deps: ImportDeps, state: JobState, planned: Planned[]): Promise<void> {
  const now = deps.clock.now();
  const local = { touched: new Map<string, number>(), orgIds: new Map<string, string>(), tagIds: new Map<string, string>() };
  const run = async (tx: Db) => {
    await decide(tx, state, planned, local);
    if (!state.dryRun) await write(tx, state, planned, local, now);
    await report(tx, state, planned);
  };
  await deps.store.db.transaction(async (tx) => run(tx as unknown as Db));
  // Caches change only once the transaction is committed, so a failed batch leaves no stale ids behind.
  for (const [k, v] of local.touched) state.touched.set(k, v);
  for (const [k, v] of local.orgIds) state.orgIds.set(k, v);
  for (const [k, v] of local.tagIds) state.tagIds.set(k, v);
}

function columnOf(state: JobState, target: string): string | null {
  const c = state.columns.find((x) => x.target === target);
  return c ? columnName(c.header, c.index) : null;
}

/** Match rows to existing contacts and settle create / update / skip / reject. */
async function decide(db: Db, state: JobState, planned: Planned[], local: { touched: Map<string, number> }): Promise<void> {
  const live = planned.filter((p) => p.outcome === 'created' && p.draft);
  const waIds = live.flatMap((p) => (p.draft!.waId ? [p.draft!.waId] : []));
  const bsuids = live.flatMap((p) => (p.draft!.bsuid ? [p.draft!.bsuid] : []));
  const emails = live.flatMap((p) => (!p.draft!.waId && !p.draft!.bsuid && p.draft!.email ? [p.draft!.email] : []));
  const conds: SQL[] = [];
  if (waIds.length) conds.push(inArray(contacts.waId, waIds));
  if (bsuids.length) conds.push(inArray(contacts.bsuid, bsuids));
  if (emails.length) conds.push(and(inArray(sql`lower(${contacts.email})`, emails), isNull(contacts.mergedInto))!);
  const found = conds.length
    ? await db
        .select({ id: contacts.id, waId: contacts.waId, e164: contacts.e164, bsuid: contacts.bsuid, email: contacts.email })
        .from(contacts)
        .where(or(...conds))
        .orderBy(contacts.createdAt, contacts.id)
    : [];
  const byWa = new Map(found.filter((c) => c.waId).map((c) => [c.waId!, c]));
  const byBsuid = new Map(found.filter((c) => c.bsuid).map((c) => [c.bsuid!, c]));
  const byEmail = new Map<string, (typeof found)[number]>();
  for (const c of found) if (c.email && !byEmail.has(c.email.toLowerCase())) byEmail.set(c.email.toLowerCase(), c);

  for (const p of live) {
    const d = p.draft!;
    const phone = d.waId ? byWa.get(d.waId) : undefined;
    const byB = d.bsuid ? byBsuid.get(d.bsuid) : undefined;
    const reject = (target: string, value: string | null, reason: string) => {
      p.outcome = 'rejected';
      p.problems = [{ column: columnOf(state, target), value, reason }];
    };
    if (phone && byB && phone.id !== byB.id) {
      reject('bsuid', d.bsuid, `this BSUID belongs to another contact (${byB.id}) than the phone number (${phone.id}); merge the two contacts first.`);
      continue;
    }
    const match = phone ?? byB ?? (!d.waId && !d.bsuid && d.email ? byEmail.get(d.email) : undefined);
    if (!match) {
      p.contactId = randomUUID();
      local.touched.set(p.contactId, p.row);
      continue;
    }
    if (d.bsuid && match.bsuid && match.bsuid !== d.bsuid) {
      reject('bsuid', d.bsuid, `the contact with this phone number already has another BSUID (${match.bsuid}).`);
      continue;
    }
    if (d.waId && match.waId && match.waId !== d.waId) {
      reject('phone', d.e164, `the contact with this BSUID already has another phone number (${match.e164 ?? match.waId}).`);
      continue;
    }
    p.contactId = match.id;
    const how = phone ? 'phone number' : byB ? 'BSUID' : 'e-mail';
    const earlier = state.touched.get(match.id) ?? local.touched.get(match.id);
    if (earlier !== undefined) {
      p.outcome = 'skipped';
      p.note = `Same contact as row ${earlier} (matched by ${how}); only the first row for a contact is imported.`;
    } else if (state.onExisting === 'skip') {
      p.outcome = 'skipped';
      p.note = `The contact already exists (matched by ${how}) and onExisting is skip.`;
    } else {
      p.outcome = 'updated';
      p.note = `Matches contact ${match.id} by ${how}.`;
      local.touched.set(match.id, p.row);
    }
  }
}

/** Names → ids, reading then inserting what is missing; names compared case-insensitively. */
async function resolveNames(
  db: Db,
  names: string[],
  cache: Map<string, string>,
  local: Map<string, string>,
  table: typeof organizations | typeof tags,
  now: Date,
): Promise<void> {
  const missing = [...new Map(names.map((n) => [n.toLowerCase(), n])).entries()].filter(([k]) => !cache.has(k) && !local.has(k));
  if (!missing.length) return;
  const lower = missing.map(([k]) => k);
  const existing = await db
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(inArray(sql`lower(${table.name})`, lower))
    .orderBy(table.createdAt);
  for (const r of existing) if (!local.has(r.name.toLowerCase())) local.set(r.name.toLowerCase(), r.id);
  const toCreate = missing.filter(([k]) => !local.has(k));
  if (!toCreate.length) return;
  if (table === tags) {
    await db.insert(tags).values(toCreate.map(([, name]) => ({ name, createdAt: now }))).onConflictDoNothing();
    const rows = await db.select({ id: tags.id, name: tags.name }).from(tags).where(inArray(sql`lower(${tags.name})`, toCreate.map(([k]) => k)));
    for (const r of rows) if (!local.has(r.name.toLowerCase())) local.set(r.name.toLowerCase(), r.id);
  } else {
    const values = toCreate.map(([k, name]) => ({ id: randomUUID(), name, createdAt: now, updatedAt: now, key: k }));
    await db.insert(organizations).values(values.map(({ key: _k, ...v }) => v));
    for (const v of values) local.set(v.key, v.id);
  }
}

async function write(
  db: Db,
  state: JobState,
  planned: Planned[],
  local: { orgIds: Map<string, string>; tagIds: Map<string, string> },
  now: Date,
): Promise<void> {
  const active = planned.filter((p) => (p.outcome === 'created' || p.outcome === 'updated') && p.draft && p.contactId);
  if (!active.length) return;
  await resolveNames(db, active.flatMap((p) => (p.draft!.organization ? [p.draft!.organization] : [])), state.orgIds, local.orgIds, organizations, now);
  await resolveNames(db, active.flatMap((p) => p.draft!.tags), state.tagIds, local.tagIds, tags, now);
  const orgId = (name: string | null) => (name ? (local.orgIds.get(name.toLowerCase()) ?? state.orgIds.get(name.toLowerCase()) ?? null) : null);
  const tagId = (name: string) => local.tagIds.get(name.toLowerCase()) ?? state.tagIds.get(name.toLowerCase())!;

  const creates = active.filter((p) => p.outcome === 'created');
  if (creates.length) {
    const rows = creates.map((p) => {
      const d = p.draft!;
      const idv = newContactValues({ waId: d.waId, bsuid: d.bsuid }, now);
      return { p, d, idv };
    });
    const col = (f: (x: (typeof rows)[number]) => string | null | undefined) => pgArray(rows.map(f));
    const inserted = await execRows<{ id: string }>(db, sql`
      insert into contacts (id, wa_id, e164, bsuid, country, market, name, email, kind, organization_id, preferred_language, time_zone, fields, created_at, updated_at)
      select v.id, v.wa_id, v.e164, v.bsuid, v.country, v.market, v.name, v.email, v.kind, v.organization_id, v.preferred_language, v.time_zone, v.fields::jsonb,
        ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from unnest(${col((x) => x.p.contactId)}::uuid[], ${col((x) => x.d.waId)}::text[], ${col((x) => x.idv.e164)}::text[], ${col((x) => x.d.bsuid)}::text[],
        ${col((x) => x.idv.country)}::text[], ${col((x) => x.idv.market)}::text[], ${col((x) => x.d.name)}::text[], ${col((x) => x.d.email)}::text[],
        ${col((x) => x.d.kind ?? state.defaultKind ?? 'unknown')}::text[], ${col((x) => orgId(x.d.organization))}::uuid[], ${col((x) => x.d.preferredLanguage)}::text[],
        ${col((x) => x.d.timeZone)}::text[], ${col((x) => JSON.stringify(x.d.fields))}::text[])
        as v(id, wa_id, e164, bsuid, country, market, name, email, kind, organization_id, preferred_language, time_zone, fields)
      on conflict do nothing
      returning id`);
    const ok = new Set(inserted.map((r) => r.id));
    for (const p of creates) {
      if (ok.has(p.contactId!)) continue;
      // Someone (an inbound message) created this identity between our read and our insert.
      p.outcome = 'rejected';
      p.problems = [{ column: columnOf(state, 'phone'), value: p.draft!.e164, reason: 'a contact with this identity was created at the same moment (e.g. by an inbound message); import the row again.' }];
    }
  }

  const updates = active.filter((p) => p.outcome === 'updated');
  if (updates.length) {
    const fill = state.onExisting === 'fill';
    const pick = (col: string) => (fill ? sql.raw(`coalesce(c.${col}, v.${col})`) : sql.raw(`coalesce(v.${col}, c.${col})`));
    const rows = updates.map((p) => ({ p, d: p.draft!, idv: newContactValues({ waId: p.draft!.waId, bsuid: p.draft!.bsuid }, now) }));
    const col = (f: (x: (typeof rows)[number]) => string | null | undefined) => pgArray(rows.map(f));
    await db.execute(sql`
      update contacts as c set
        name = ${pick('name')},
        email = ${pick('email')},
        kind = ${fill ? sql`case when c.kind = 'unknown' then coalesce(v.kind, c.kind) else c.kind end` : sql`coalesce(v.kind, c.kind)`},
        organization_id = ${pick('organization_id')},
        preferred_language = ${pick('preferred_language')},
        time_zone = ${pick('time_zone')},
        fields = ${fill ? sql`v.fields || c.fields` : sql`c.fields || v.fields`},
        e164 = case when c.wa_id is null and v.wa_id is not null then v.e164 else c.e164 end,
        country = case when c.wa_id is null and v.wa_id is not null then v.country else c.country end,
        market = case when c.wa_id is null and v.wa_id is not null then v.market else c.market end,
        wa_id = coalesce(c.wa_id, v.wa_id),
        bsuid = coalesce(c.bsuid, v.bsuid),
        updated_at = ${now.toISOString()}::timestamptz
      from unnest(${col((x) => x.p.contactId)}::uuid[], ${col((x) => x.d.name)}::text[], ${col((x) => x.d.email)}::text[], ${col((x) => x.d.kind)}::text[],
        ${col((x) => orgId(x.d.organization))}::uuid[], ${col((x) => x.d.preferredLanguage)}::text[], ${col((x) => x.d.timeZone)}::text[],
        ${col((x) => JSON.stringify(x.d.fields))}::jsonb[], ${col((x) => x.d.waId)}::text[], ${col((x) => x.idv.e164)}::text[], ${col((x) => x.idv.country)}::text[],
        ${col((x) => x.idv.market)}::text[], ${col((x) => x.d.bsuid)}::text[])
        as v(id, name, email, kind, organization_id, preferred_language, time_zone, fields, wa_id, e164, country, market, bsuid)
      where c.id = v.id`);
  }

  const saved = active.filter((p) => p.outcome === 'created' || p.outcome === 'updated');
  const links = saved.flatMap((p) => p.draft!.tags.map((t) => ({ contactId: p.contactId!, tagId: tagId(t), createdAt: now })));
  if (links.length) {
    await db.execute(sql`
      insert into contact_tags (contact_id, tag_id, created_at)
      select l.contact_id, l.tag_id, ${now.toISOString()}::timestamptz from unnest(${pgArray(links.map((l) => l.contactId))}::uuid[], ${pgArray(links.map((l) => l.tagId))}::uuid[]) as l(contact_id, tag_id)
      on conflict do nothing`);
  }

  const recordedBy = `import:${state.jobId}`;
  const events = saved.flatMap((p) =>
    p.draft!.consents.map((c) => ({ contactId: p.contactId!, category: c.category, state: c.state, source: 'import', evidence: c.evidence, recordedBy, at: c.at ?? state.startedAt })),
  );
  if (events.length) {
    const col = (f: (e: (typeof events)[number]) => string | null) => pgArray(events.map(f));
    await db.execute(sql`
      insert into consent_events (contact_id, category, state, source, evidence, recorded_by, at)
      select e.contact_id, e.category, e.state, 'import', e.evidence, ${recordedBy}, e.at
      from unnest(${col((e) => e.contactId)}::uuid[], ${col((e) => e.category)}::text[], ${col((e) => e.state)}::text[], ${col((e) => e.evidence)}::text[],
        ${col((e) => e.at.toISOString())}::timestamptz[]) as e(contact_id, category, state, evidence, at)`);
    // Latest decision wins, as in recordConsent: an old opt-in from a file never overrides a newer opt-out.
    await db.execute(sql`
      insert into consents (contact_id, category, state, at)
      select e.contact_id, e.category, e.state, e.at
      from unnest(${col((e) => e.contactId)}::uuid[], ${col((e) => e.category)}::text[], ${col((e) => e.state)}::text[], ${col((e) => e.at.toISOString())}::timestamptz[])
        as e(contact_id, category, state, at)
      on conflict (contact_id, category) do update set state = excluded.state, at = excluded.at where consents.at <= excluded.at`);
  }
}

/** Report rows and counters, in the same transaction as the rows they describe. */
async function report(db: Db, state: JobState, planned: Planned[]): Promise<void> {
  const reports = planned.flatMap((p): (typeof importRowReports.$inferInsert)[] => {
    if (p.outcome === 'rejected') {
      return p.problems.map((x) => ({ jobId: state.jobId, rowNumber: p.row, outcome: 'rejected', column: x.column, value: truncate(x.value), reason: x.reason }));
    }
    // Real runs keep skipped rows (they carry a reason); dry runs report every row.
    if (p.outcome === 'skipped' || state.dryRun) {
      return [{ jobId: state.jobId, rowNumber: p.row, outcome: p.outcome, column: null, value: null, reason: p.note }];
    }
    return [];
  });
  if (reports.length) {
    const col = (f: (r: (typeof reports)[number]) => string | null | undefined) => pgArray(reports.map(f));
    await db.execute(sql`
      insert into import_row_reports (job_id, row_number, outcome, "column", value, reason)
      select ${state.jobId}::uuid, r.row_number, r.outcome, r."column", r.value, r.reason
      from unnest(${col((r) => String(r.rowNumber))}::int[], ${col((r) => r.outcome)}::text[], ${col((r) => r.column)}::text[], ${col((r) => r.value)}::text[], ${col((r) => r.reason)}::text[])
        as r(row_number, outcome, "column", value, reason)`);
  }
  const count = (o: RowOutcome) => planned.filter((p) => p.outcome === o).length;
  await db
    .update(importJobs)
    .set({
      processedRows: sql`${importJobs.processedRows} + ${planned.length}`,
      created: sql`${importJobs.created} + ${count('created')}`,
      updated: sql`${importJobs.updated} + ${count('updated')}`,
      rejected: sql`${importJobs.rejected} + ${count('rejected')}`,
    })
    .where(eq(importJobs.id, state.jobId));
}
