// Library sync with the Cloud API (`GET /{WABA}/message_templates`, spec §6): on demand, on a schedule, and
// once when a send names a template we do not have. Meta is the truth for submitted templates; our drafts
// (no meta_id) are never touched unless Meta has a template of the same name and language.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { phoneNumbers } from '../messaging/schema.ts';
import type { PhoneNumberRow } from '../messaging/numbers.ts';
import { cloudApiFor, type TemplateDetail } from '../whatsapp/client.ts';
import { templates } from './schema.ts';
import { asHistory, type HistoryEntry } from './lifecycle.ts';
import type { TemplateUpdated } from './events.ts';

export type TemplateRow = typeof templates.$inferSelect;

export interface SyncResult {
  wabaId: string;
  added: number;
  updated: number;
  removed: number;
}

/** A number of the WABA: Graph calls for a WABA need one of its tokens. */
export async function numberForWaba(db: Db, wabaId: string): Promise<PhoneNumberRow> {
  const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, wabaId)).orderBy(phoneNumbers.createdAt).limit(1);
  if (!row) throw new HttpError(404, 'waba_not_found', `No sender number belongs to WABA ${wabaId}. Add one with POST /api/v1/numbers first.`, { wabaId });
  return row;
}

export async function wabaIds(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ wabaId: phoneNumbers.wabaId }).from(phoneNumbers);
  return rows.map((r) => r.wabaId).sort();
}

function qualityOf(t: TemplateDetail): string | null {
  const q = t.quality_score;
  if (typeof q === 'string') return q;
  if (q && typeof q === 'object' && typeof q.score === 'string') return q.score;
  return null;
}

function formatOf(t: TemplateDetail): string {
  return (t.parameter_format ?? 'positional').toLowerCase() === 'named' ? 'named' : 'positional';
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

async function applySync(ctx: AppContext, wabaId: string, remote: TemplateDetail[], startedAt: Date): Promise<{ result: SyncResult; changed: TemplateUpdated[] }> {
  const now = ctx.clock.now();
  const result: SyncResult = { wabaId, added: 0, updated: 0, removed: 0 };
  const changed: TemplateUpdated[] = [];
  await ctx.store.db.transaction(async (tx) => {
    const local = await tx.select().from(templates).where(eq(templates.wabaId, wabaId));
    const byKey = new Map(local.map((r) => [`${r.name}\u0000${r.language}`, r]));
    const seen = new Set<string>();
    for (const t of remote) {
      if (!t.name || !t.language) continue;
      const key = `${t.name}\u0000${t.language}`;
      seen.add(key);
      const row = byKey.get(key);
      const status = String(t.status ?? 'PENDING').toUpperCase();
      const values = {
        metaId: t.id === undefined ? null : String(t.id),
        category: String(t.category ?? 'UTILITY').toUpperCase(),
        parameterFormat: formatOf(t),
        components: Array.isArray(t.components) ? t.components : [],
        status,
        quality: qualityOf(t),
      };
      if (!row) {
        const history: HistoryEntry[] = [{ status, at: now.toISOString(), source: 'sync', event: 'imported' }];
        const [ins] = await tx
          .insert(templates)
          .values({ wabaId, name: t.name, language: t.language, ...values, rejectionReason: status === 'REJECTED' ? (t.rejected_reason ?? null) : null, history, syncedAt: now, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning({ id: templates.id });
        if (ins) {
          result.added++;
          changed.push({ templateId: ins.id, status });
        }
        continue;
      }
      const statusChanged = row.status !== status;
      const differs =
        statusChanged ||
        row.metaId !== values.metaId ||
        row.category !== values.category ||
        row.parameterFormat !== values.parameterFormat ||
        row.quality !== values.quality ||
        !same(row.components, values.components);
      if (!differs) {
        await tx.update(templates).set({ syncedAt: now }).where(eq(templates.id, row.id));
        continue;
      }
      const set: Partial<typeof templates.$inferInsert> = { ...values, syncedAt: now, updatedAt: now };
      // Meta's list says neither when a pause ends nor why a template was rejected in words: keep what webhooks told us.
      if (status !== 'PAUSED') set.pausedUntil = null;
      if (status === 'REJECTED' && !row.rejectionReason) set.rejectionReason = t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null;
      if (status !== 'REJECTED') set.rejectionReason = null;
      if (statusChanged) {
        const entry: HistoryEntry = { status, at: now.toISOString(), source: 'sync' };
        set.history = sql`${templates.history} || ${JSON.stringify([entry])}::jsonb` as unknown as HistoryEntry[];
      }
      await tx.update(templates).set(set).where(eq(templates.id, row.id));
      result.updated++;
      if (statusChanged || row.category !== values.category) changed.push({ templateId: row.id, status });
    }
    // Submitted templates Meta no longer lists were deleted there. Rows touched since the list was read
    // (a submit racing this sync) are left for the next run.
    for (const row of local) {
      if (!row.metaId || seen.has(`${row.name}\u0000${row.language}`) || row.updatedAt.getTime() >= startedAt.getTime()) continue;
      await tx.delete(templates).where(and(eq(templates.id, row.id), lt(templates.updatedAt, startedAt)));
      result.removed++;
      changed.push({ templateId: row.id, status: 'DELETED' });
    }
  });
  return { result, changed };
}

// One sync per WABA at a time per context; callers arriving meanwhile share its result.
const inFlight = new WeakMap<object, Map<string, Promise<SyncResult>>>();

/** Read the WABA's templates from the Cloud API and bring the library in line. */
export function syncWaba(ctx: AppContext, wabaId: string): Promise<SyncResult> {
  let mine = inFlight.get(ctx);
  if (!mine) inFlight.set(ctx, (mine = new Map()));
  const running = mine.get(wabaId);
  if (running) return running;
  const p = (async () => {
    const number = await numberForWaba(ctx.store.db, wabaId);
    const startedAt = ctx.clock.now();
    const remote = await cloudApiFor(ctx).listTemplateDetails(number);
    const { result, changed } = await applySync(ctx, wabaId, remote, startedAt);
    for (const c of changed) ctx.events.emit('template.updated', c);
    return result;
  })().finally(() => mine.delete(wabaId));
  mine.set(wabaId, p);
  return p;
}

export async function syncAll(ctx: AppContext, onlyWaba?: string): Promise<SyncResult[]> {
  const ids = onlyWaba ? [onlyWaba] : await wabaIds(ctx.store.db);
  const out: SyncResult[] = [];
  for (const id of ids) out.push(await syncWaba(ctx, id));
  return out;
}

/**
 * Sync every WABA now and then every `intervalMs` (default 15 min). Webhooks keep statuses current; the
 * schedule catches what webhooks missed and templates made in WhatsApp Manager. Failures are logged and
 * retried on the next tick.
 */
export function startTemplateSync(ctx: AppContext, options: { intervalMs?: number } = {}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  const tick = (): void => {
    timer = null;
    if (stopped) return;
    current = (async () => {
      for (const id of await wabaIds(ctx.store.db).catch(() => [] as string[])) {
        if (stopped) return;
        try {
          await syncWaba(ctx, id);
        } catch (err) {
          ctx.logger.warn({ err, wabaId: id }, 'template sync failed; retrying on the next run');
        }
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

// Names a send asked for that Meta did not have either: not synced again for a minute, so a campaign with a
// wrong name does not turn into one Graph call per recipient.
const recentMisses = new WeakMap<object, Map<string, number>>();
const MISS_MS = 60_000;

async function findRow(db: Db, wabaId: string, name: string, language: string): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.wabaId, wabaId), eq(templates.name, name), eq(templates.language, language)));
  return row;
}

/** The stored template a send names, syncing the WABA once when it is missing. */
export async function libraryTemplate(ctx: AppContext, number: Pick<PhoneNumberRow, 'wabaId'>, name: string, language: string): Promise<TemplateRow | null> {
  const db = ctx.store.db;
  const row = await findRow(db, number.wabaId, name, language);
  if (row) return row;
  let misses = recentMisses.get(ctx);
  if (!misses) recentMisses.set(ctx, (misses = new Map()));
  const key = `${number.wabaId}|${name}|${language}`;
  const missedAt = misses.get(key);
  if (missedAt !== undefined && Date.now() - missedAt < MISS_MS) return null;
  try {
    await syncWaba(ctx, number.wabaId);
  } catch (err) {
    ctx.logger.warn({ err, name }, 'template sync for a send failed');
    throw new HttpError(503, 'template_lookup_failed', `Could not read the template "${name}" from WhatsApp to check it. Try again in a moment.`);
  }
  const after = await findRow(db, number.wabaId, name, language);
  if (!after) {
    if (misses.size > 1000) misses.clear();
    misses.set(key, Date.now());
  }
  return after ?? null;
}

/** Stored history, parsed. */
export function historyOf(row: TemplateRow): HistoryEntry[] {
  return asHistory(row.history);
}
