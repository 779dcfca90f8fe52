// Template webhooks (spec §3.6) applied to the library inside the processor's transaction. Each event is
// applied once (the processor dedupes account events before calling); one that is older than the stored
// state is kept in the history but changes nothing, since webhooks arrive in any order.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { templates } from './schema.ts';
import { asHistory, isStale, normaliseLanguage, pausedUntil, statusOfEvent, type HistoryEntry } from './lifecycle.ts';

export const TEMPLATE_FIELDS = ['message_template_status_update', 'template_category_update', 'message_template_quality_update'] as const;

export interface TemplateEventInput {
  field: string;
  wabaId: string | null;
  value: Record<string, unknown>;
  at: Date;
}

/** Payload of the `template.updated` domain event, emitted by the caller after commit. */
export interface TemplateUpdated {
  templateId: string;
  status: string;
}

type Row = typeof templates.$inferSelect;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

async function findTemplate(tx: Db, wabaId: string | null, value: Record<string, unknown>): Promise<Row | undefined> {
  const metaId = text(value.message_template_id);
  if (metaId) {
    const [row] = await tx
      .select()
      .from(templates)
      .where(wabaId ? and(eq(templates.metaId, metaId), eq(templates.wabaId, wabaId)) : eq(templates.metaId, metaId));
    if (row) return row;
  }
  // Not linked yet (the webhook beat our own write of meta_id after submitting): by name and language.
  const name = text(value.message_template_name);
  const language = text(value.message_template_language);
  if (!wabaId || !name || !language) return undefined;
  const [row] = await tx
    .select()
    .from(templates)
    .where(and(eq(templates.wabaId, wabaId), eq(templates.name, name), eq(templates.language, normaliseLanguage(language))));
  return row;
}

/**
 * Apply one template webhook (message_template_status_update, template_category_update,
 * message_template_quality_update) to the stored library. Returns what changed, for `template.updated`
 * events the caller emits after commit. Other fields and unknown templates (a sync will bring them) return [].
 */
export async function applyTemplateEvent(tx: Db, ev: TemplateEventInput): Promise<TemplateUpdated[]> {
  if (!(TEMPLATE_FIELDS as readonly string[]).includes(ev.field)) return [];
  const row = await findTemplate(tx, ev.wabaId, ev.value);
  if (!row) return [];
  const history = asHistory(row.history);
  const at = ev.at;
  const stale = isStale(at, history);
  const v = ev.value;
  const set: Partial<typeof templates.$inferInsert> = {};
  const metaId = text(v.message_template_id);
  if (metaId && !row.metaId) set.metaId = metaId;
  let entry: HistoryEntry;

  if (ev.field === 'message_template_status_update') {
    const event = (text(v.event) ?? '').toUpperCase();
    const status = statusOfEvent(event) ?? event;
    if (!status) return [];
    entry = { status, at: at.toISOString(), source: 'webhook', event: event.toLowerCase() };
    const other = rec(v.other_info);
    if (status === 'REJECTED') {
      const info = rec(v.rejection_info);
      const code = text(v.reason) ?? null;
      entry.reasonCode = code;
      entry.reason = text(info.reason) ?? code;
      entry.recommendation = text(info.recommendation) ?? null;
      if (!stale) set.rejectionReason = entry.reason ?? null;
    }
    if (status === 'PAUSED') {
      const earlier = history.filter((h) => h.status === 'PAUSED' && !h.stale).length;
      const until = pausedUntil(v, at, earlier);
      entry.pausedUntil = until.toISOString();
      if (typeof other.title === 'string') entry.reason = other.title;
      if (!stale) set.pausedUntil = until;
    } else if (!stale) {
      set.pausedUntil = null;
    }
    if (status === 'APPROVED' && typeof other.title === 'string' && other.title.toUpperCase() === 'UNPAUSE') entry.event = 'unpaused';
    if (status === 'DISABLED' && typeof other.title === 'string') entry.reason = other.title;
    if (status !== 'REJECTED' && status !== 'PAUSED' && !stale) set.rejectionReason = null;
    const category = text(v.message_template_category);
    if (category && !stale && category !== row.category && status === 'APPROVED') {
      entry.previousCategory = row.category;
      entry.category = category;
      set.category = category;
    }
    if (!stale) set.status = status;
  } else if (ev.field === 'template_category_update') {
    const next = text(v.new_category) ?? text(v.correct_category) ?? text(v.category);
    if (!next) return [];
    entry = { status: row.status, at: at.toISOString(), source: 'webhook', event: 'category', category: next, previousCategory: text(v.previous_category) ?? row.category };
    if (!stale) set.category = next;
  } else {
    const quality = text(v.new_quality_score) ?? text(rec(v.quality_score).score);
    if (!quality) return [];
    entry = { status: row.status, at: at.toISOString(), source: 'webhook', event: 'quality', quality };
    set.quality = quality;
  }
  if (stale) entry.stale = true;

  await tx
    .update(templates)
    .set({ ...set, history: sql`${templates.history} || ${JSON.stringify([entry])}::jsonb`, updatedAt: at })
    .where(eq(templates.id, row.id));
  return [{ templateId: row.id, status: set.status ?? row.status }];
}
