// Campaign results (issue 8), derived on read from the message core: a recipient's state follows its message's
// merged status (monotonic in the processor), "replied" = the customer wrote in that conversation after the send,
// so results never regress and need no roll-up job. Actual cost comes from the pricing facts Meta put on statuses.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { explainError, type Words } from '../core/errors.ts';
import { actualCost, type CampaignEstimate } from '../core/campaigns/estimate.ts';
import type { RateTable, VolumeTier } from '../core/pricing/rate-card.ts';
import { csvRow, neutralise, UTF8_BOM } from '../crm/import/csv.ts';
import { audienceQuery, EXCLUSION_WORDS, type Audience, type ExclusionReason } from './audience.ts';
import { getCampaignRow, loadTemplate, templateDefinition, type CampaignRow } from './service.ts';
import { needsPhoneNumber } from '../core/template-params.ts';

export const RECIPIENT_STATES = ['pending', 'queued', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped', 'excluded'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** The derived state of `r` (campaign_recipients) with `m` (messages) and `cv` (conversations) joined. */
// Meta's timestamps are whole seconds: a reply in the same second as the send counts as after it.
const STATE_SQL = sql`case
  when r.state in ('pending', 'excluded', 'skipped') then r.state
  when m.id is null then 'queued'
  when m.status = 'cancelled' then 'skipped'
  when m.status = 'failed' then 'failed'
  when m.status in ('accepted', 'sent', 'delivered', 'read', 'played') and cv.last_inbound_at >= date_trunc('second', coalesce(m.sent_at, m.at)) then 'replied'
  when m.status in ('read', 'played') then 'read'
  when m.status = 'delivered' then 'delivered'
  when m.status in ('accepted', 'sent') then 'sent'
  else 'queued' end`;

const REASON_SQL = sql`coalesce(r.reason, case when m.status = 'cancelled' then m.errors->0->>'reason' end)`;

function joined(campaignId: string): SQL {
  return sql`from campaign_recipients r
    left join messages m on m.id = r.message_id
    left join conversations cv on cv.id = m.conversation_id
    where r.campaign_id = ${campaignId}::uuid`;
}

export interface Funnel {
  recipients: number;
  counts: Record<RecipientState, number>;
  /** Cumulative: delivered includes read and replied, and so on. */
  reached: { sent: number; delivered: number; read: number; replied: number };
  rates: { delivered: number | null; read: number | null; replied: number | null; failed: number | null };
  skippedByReason: Record<string, number>;
}

export async function funnelOf(db: Db, campaignId: string): Promise<Funnel> {
  const rows = (await db.execute(sql`select st, reason, count(*)::int as n from (
      select ${STATE_SQL} as st, ${REASON_SQL} as reason ${joined(campaignId)}) x group by 1, 2`)) as unknown as { rows: { st: RecipientState; reason: string | null; n: number }[] };
  const counts = Object.fromEntries(RECIPIENT_STATES.map((s) => [s, 0])) as Record<RecipientState, number>;
  const skippedByReason: Record<string, number> = {};
  for (const r of rows.rows) {
    counts[r.st] += Number(r.n);
    if (r.st === 'skipped') skippedByReason[r.reason ?? 'unknown'] = (skippedByReason[r.reason ?? 'unknown'] ?? 0) + Number(r.n);
  }
  const replied = counts.replied;
  const read = counts.read + replied;
  const delivered = counts.delivered + read;
  const sent = counts.sent + delivered;
  const attempted = sent + counts.failed;
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
  return {
    recipients: Object.values(counts).reduce((a, b) => a + b, 0) - counts.excluded,
    counts,
    reached: { sent, delivered, read, replied },
    rates: { delivered: rate(delivered, sent), read: rate(read, delivered), replied: rate(replied, delivered), failed: rate(counts.failed, attempted) },
    skippedByReason,
  };
}

/** The UI's languages: API answers carry both (the screen picks), CSV files take one (`?lang=`). */
export const LANGS = ['en', 'es'] as const satisfies readonly (keyof Words)[];
export type Lang = (typeof LANGS)[number];

export interface ErrorGroup {
  code: number | null;
  title: string;
  count: number;
  explanation: Words;
  advice: Words;
}

export async function errorsOf(db: Db, campaignId: string): Promise<ErrorGroup[]> {
  const rows = (await db.execute(sql`select (m.errors->0->>'code') as code, max(m.errors->0->>'title') as title, count(*)::int as n
    ${joined(campaignId)} and m.status = 'failed' group by 1 order by 3 desc`)) as unknown as { rows: { code: string | null; title: string | null; n: number }[] };
  return rows.rows.map((r) => {
    const code = r.code !== null && /^\d+$/.test(r.code) ? Number(r.code) : null;
    const info = explainError({ code, title: r.title ?? undefined });
    return { code, title: r.title ?? info.title, count: Number(r.n), explanation: info.explanation, advice: info.advice };
  });
}

export async function costOf(db: Db, row: CampaignRow) {
  const estimate = row.estimate as CampaignEstimate | null;
  const lines = (await db.execute(sql`select coalesce(r.market, 'Other') as market, coalesce(m.pricing->>'category', 'unknown') as category,
      (m.pricing->>'billable') = 'true' as billable, count(*)::int as n
    ${joined(row.id)} and m.pricing is not null group by 1, 2, 3`)) as unknown as { rows: { market: string; category: string; billable: boolean; n: number }[] };
  let card = null;
  if (row.rateCardId) {
    const c = (await db.execute(sql`select id, name, currency, effective_from, rates, tiers from rate_cards where id = ${row.rateCardId}::uuid`)) as unknown as {
      rows: { id: string; name: string; currency: string; effective_from: Date | string; rates: RateTable; tiers: VolumeTier[] }[];
    };
    const r = c.rows[0];
    if (r) card = { id: r.id, name: r.name, currency: r.currency, effectiveFrom: new Date(r.effective_from), rates: r.rates, tiers: r.tiers ?? [] };
  }
  // Volume tiers continue from where the estimate started counting (frozen at launch).
  const actual = actualCost(card, lines.rows.map((l) => ({ market: l.market, category: l.category, billable: l.billable, count: Number(l.n) })));
  return {
    currency: card?.currency ?? estimate?.currency ?? null,
    estimated: estimate ? { total: estimate.total, totalRounded: estimate.totalRounded, charged: estimate.charged } : null,
    actual,
    pricedMessages: lines.rows.reduce((n, l) => n + Number(l.n), 0),
  };
}

export async function campaignResults(db: Db, id: string) {
  const row = await getCampaignRow(db, id);
  const [funnel, errors, cost] = await Promise.all([funnelOf(db, id), errorsOf(db, id), costOf(db, row)]);
  const total = funnel.recipients;
  const done = total - funnel.counts.pending - funnel.counts.queued;
  return { progress: { total, done, fraction: total > 0 ? done / total : 1 }, funnel, errors, cost };
}

export interface RecipientView {
  id: string;
  contactId: string;
  phone: string | null;
  name: string | null;
  state: RecipientState;
  reason: string | null;
  dueAt: string | null;
  messageId: string | null;
  conversationId: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  repliedAt: string | null;
  /** Meta's error in words (explanation, then advice), in both languages. */
  error: { code: number | null; title: string | null; text: Words } | null;
}

interface RecipientSqlRow {
  id: number | string;
  contact_id: string;
  phone: string | null;
  name: string | null;
  st: RecipientState;
  reason: string | null;
  due_at: Date | string | null;
  message_id: string | null;
  conversation_id: string | null;
  sent_at: Date | string | null;
  delivered_at: Date | string | null;
  read_at: Date | string | null;
  replied_at: Date | string | null;
  error: { code?: number; title?: string; message?: string } | null;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function recipientView(r: RecipientSqlRow): RecipientView {
  let error: RecipientView['error'] = null;
  if (r.st === 'failed' && r.error) {
    const code = typeof r.error.code === 'number' ? r.error.code : null;
    const info = explainError({ code, title: r.error.title });
    const text = (l: Lang) => `${info.explanation[l]} ${info.advice[l]}`.trim();
    error = { code, title: r.error.title ?? null, text: { en: text('en'), es: text('es') } };
  }
  return {
    id: String(r.id),
    contactId: r.contact_id,
    phone: r.phone,
    name: r.name,
    state: r.st,
    reason: r.reason,
    dueAt: iso(r.due_at),
    messageId: r.message_id,
    conversationId: r.conversation_id,
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    readAt: iso(r.read_at),
    repliedAt: iso(r.replied_at),
    error,
  };
}

function recipientsSql(campaignId: string, state: RecipientState | undefined, afterId: number, limit: number | null): SQL {
  return sql`select * from (
      select r.id, r.contact_id, coalesce(c.e164, c.bsuid) as phone, coalesce(c.name, c.profile_name) as name, ${STATE_SQL} as st, ${REASON_SQL} as reason,
        r.due_at, r.message_id, m.conversation_id, m.sent_at, m.delivered_at, m.read_at,
        case when cv.last_inbound_at >= date_trunc('second', coalesce(m.sent_at, m.at)) and m.status not in ('queued', 'failed', 'cancelled') then cv.last_inbound_at end as replied_at,
        m.errors->0 as error
      from campaign_recipients r
      join contacts c on c.id = r.contact_id
      left join messages m on m.id = r.message_id
      left join conversations cv on cv.id = m.conversation_id
      where r.campaign_id = ${campaignId}::uuid and r.id > ${afterId}
      order by r.id) x
    ${state ? sql`where x.st = ${state}` : sql``}
    ${limit !== null ? sql`limit ${limit}` : sql``}`;
}

/** Recipients in id order; cursor = the last id seen. */
export async function listRecipients(db: Db, campaignId: string, q: { state?: RecipientState; cursor?: string; limit: number }): Promise<{ data: RecipientView[]; nextCursor: string | null }> {
  await getCampaignRow(db, campaignId);
  if (q.cursor !== undefined && !/^\d+$/.test(q.cursor)) throw new HttpError(400, 'invalid_cursor', 'The cursor is not one this API gave out; start again without it.', { field: 'querystring.cursor' });
  const rows = (await db.execute(recipientsSql(campaignId, q.state, Number(q.cursor ?? 0), q.limit + 1))) as unknown as { rows: RecipientSqlRow[] };
  const data = rows.rows.slice(0, q.limit).map(recipientView);
  return { data, nextCursor: rows.rows.length > q.limit ? data[data.length - 1]!.id : null };
}

/** CSV of every recipient with its state (pages of 5,000 so memory stays flat). */
export async function* recipientsCsv(db: Db, campaignId: string, state?: RecipientState, lang: Lang = 'en'): AsyncGenerator<string> {
  await getCampaignRow(db, campaignId);
  yield UTF8_BOM + csvRow(['contact_id', 'phone', 'name', 'state', 'reason', 'error_code', 'error', 'sent_at', 'delivered_at', 'read_at', 'replied_at', 'message_id', 'conversation_id']);
  let after = 0;
  for (;;) {
    const rows = (await db.execute(recipientsSql(campaignId, state, after, 5_000))) as unknown as { rows: RecipientSqlRow[] };
    if (rows.rows.length === 0) return;
    let out = '';
    for (const raw of rows.rows) {
      const r = recipientView(raw);
      out += csvRow([r.contactId, r.phone, neutralise(r.name ?? ''), r.state, r.reason, r.error?.code ?? '', r.error?.text[lang] ?? '', r.sentAt, r.deliveredAt, r.readAt, r.repliedAt, r.messageId, r.conversationId]);
    }
    yield out;
    after = Number(rows.rows[rows.rows.length - 1]!.id);
  }
}

/** CSV of who was left out and why: the launch's list, or (for a draft) the audience as it resolves now. */
export async function* exclusionsCsv(db: Db, campaignId: string, now: Date, lang: Lang = 'en'): AsyncGenerator<string> {
  const row = await getCampaignRow(db, campaignId);
  yield UTF8_BOM + csvRow(['contact_id', 'phone', 'name', 'reason', 'explanation']);
  let source: SQL;
  if (row.state === 'draft') {
    const t = await loadTemplate(db, row.templateId);
    const opts = (row.mapping as { options?: { utilityRequiresOptIn?: boolean } } | null)?.options ?? {};
    const q = await audienceQuery(db, row.audience as Audience, { category: t.category, needsPhone: needsPhoneNumber(templateDefinition(t)), utilityRequiresOptIn: opts.utilityRequiresOptIn ?? false, now });
    source = sql`select a.contact_id, a.reason from (${q}) a where a.reason is not null`;
  } else {
    source = sql`select contact_id, reason from campaign_recipients where campaign_id = ${campaignId}::uuid and state = 'excluded'`;
  }
  const rows = (await db.execute(sql`select x.contact_id, coalesce(c.e164, c.bsuid) as phone, coalesce(c.name, c.profile_name) as name, x.reason
    from (${source}) x join contacts c on c.id = x.contact_id order by x.reason, c.id`)) as unknown as { rows: { contact_id: string; phone: string | null; name: string | null; reason: string }[] };
  let out = '';
  for (const r of rows.rows) {
    out += csvRow([r.contact_id, r.phone, neutralise(r.name ?? ''), r.reason, EXCLUSION_WORDS[r.reason as ExclusionReason]?.[lang] ?? '']);
    if (out.length > 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}
