// The campaign feeder (issue 8): a durable job that moves due recipients into the outbox in chunks, keeping
// about `queueSeconds` of the number's throughput queued so pause and cancel act within that time. Each chunk is
// one transaction: recipients are claimed with FOR UPDATE SKIP LOCKED (several feeders never take the same
// one), re-checked (sending hours, end time, suppression, consent, window, parameters via the core preflight,
// messaging-tier budget), and written as messages + outbox rows linked to the recipient. A crash rolls the chunk
// back whole, so a recipient is queued once or not at all; the outbox's exactly-once sending does the rest.
//
// Why not enqueueMessage per recipient: it is ~10 round trips per message, and at 1,000 mps the feeder would
// take the CPU the dispatcher needs. The feeder writes the same rows (messages + outbound_messages, priority,
// campaign_id) set-based after the same pure preflight enqueueMessage runs.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { preflight, type ConsentState, type TemplateFacts } from '../core/preflight.ts';
import { insideSendHours, nextInsideSendHours, recipientTimeZone, type SendHours } from '../core/campaigns/schedule.ts';
import { buildTemplateSend, type TemplateMapping } from '../templates/mapping.ts';
import { addressOf, fepFacts } from '../messaging/outbox.ts';
import type { ContactRow } from '../messaging/contacts.ts';
import { portfolioLimit, reachedOutsideWindow, templateDefinition, type TemplateRow } from './service.ts';
import { templates } from '../templates/schema.ts';
import { eq } from 'drizzle-orm';

const tsz = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Agent replies use 0; campaigns queue behind them. */
export const CAMPAIGN_PRIORITY = 10;

export interface FeederOptions {
  /** Idle poll between passes (a wake() starts one at once). */
  pollMs?: number;
  /** Most recipients moved per transaction. */
  chunk?: number;
  /** Seconds of the number's throughput kept queued in the outbox per number. */
  queueSeconds?: number;
  /** Nudge the dispatcher after queueing (services: dispatcher.wake). */
  wakeDispatcher?: () => void;
  /** How long a tier-blocked recipient waits before the next try. */
  tierRetryMs?: number;
}

export interface FeederHandle {
  wake(): void;
  stop(): Promise<void>;
}

interface ActiveCampaign {
  id: string;
  state: string;
  phone_number_id: string;
  template_id: string;
  mapping: { template?: TemplateMapping | null; options?: { utilityRequiresOptIn?: boolean } } | null;
  quiet_hours: SendHours | null;
  end_at: Date | string | null;
  time_zone: string;
  throughput_mps: number;
}

interface DueRow {
  rid: number | string;
  contact_id: string;
  values: Record<string, unknown> | null;
  wa_id: string | null;
  e164: string | null;
  bsuid: string | null;
  parent_bsuid: string | null;
  name: string | null;
  profile_name: string | null;
  email: string | null;
  username: string | null;
  country: string | null;
  time_zone: string | null;
  fields: Record<string, unknown> | null;
  org_name: string | null;
  org_domain: string | null;
  org_fields: Record<string, unknown> | null;
  conv_id: string | null;
  last_inbound_at: Date | string | null;
  referral_at: Date | string | null;
  fep_expires_at: Date | string | null;
  marketing: string | null;
  utility: string | null;
  suppressed: boolean;
}

const d = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

async function rowsOf<T>(db: Db, q: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

/** Shared tier budget across this process's passes: refreshed from the store every few seconds, spent locally. */
class TierBudget {
  private remaining = 0;
  private at = 0;
  /** Outside any transaction: on PGlite the one connection is the transaction's while it lasts. */
  async refresh(ctx: AppContext): Promise<void> {
    const now = ctx.clock.now();
    if (now.getTime() - this.at <= 5_000 && this.at <= now.getTime()) return;
    const { limit } = await portfolioLimit(ctx.store.db);
    this.remaining = Number.isFinite(limit) ? Math.max(0, limit - (await reachedOutsideWindow(ctx.store.db, now)).length) : Number.POSITIVE_INFINITY;
    this.at = now.getTime();
  }
  take(n: number): number {
    const granted = Math.min(n, this.remaining);
    this.remaining -= granted;
    return granted;
  }
}

/** One pass over every active campaign; returns how many recipients were queued or settled. */
export async function feedOnce(ctx: AppContext, options: FeederOptions = {}, budget = new TierBudget()): Promise<number> {
  const db = ctx.store.db;
  const active = await rowsOf<ActiveCampaign>(db, sql`
    select ca.id, ca.state, ca.phone_number_id, ca.template_id, ca.mapping, ca.quiet_hours, ca.end_at, ca.time_zone, p.throughput_mps
    from campaigns ca join phone_numbers p on p.id = ca.phone_number_id
    where ca.state in ('running', 'scheduled') order by ca.launched_at`);
  let moved = 0;
  for (const c of active) {
    try {
      moved += await feedCampaign(ctx, c, options, budget);
    } catch (err) {
      ctx.logger.error({ err, campaign: c.id }, 'campaign feed failed; retrying on the next pass');
    }
  }
  return moved;
}

/**
 * Campaign rows waiting in a number's outbox, counted with a plain scan of outbound_due_idx. Left to itself the
 * planner takes a bitmap scan here, and a bitmap scan never marks index entries of rows already sent as dead: it
 * visits the heap page of every row queued since the last vacuum (7,600 pages, ~10 ms, per feeder pass after 100k
 * sends, and growing). A plain index scan marks them as it passes, as the dispatcher's claim does, so later passes
 * skip them without touching the heap.
 */
async function queuedCampaignRows(db: Db, numberId: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const [r] = await rowsOf<{ n: number }>(tx as unknown as Db, sql`select count(*)::int as n from outbound_messages
      where phone_number_id = ${numberId}::uuid and state = 'queued' and campaign_id is not null`);
    return Number(r?.n ?? 0);
  });
}

const templateCache = new Map<string, { at: number; t: TemplateRow }>();
async function templateOf(db: Db, id: string): Promise<TemplateRow | null> {
  const hit = templateCache.get(id);
  if (hit && Date.now() - hit.at < 10_000) return hit.t;
  const [t] = await db.select().from(templates).where(eq(templates.id, id));
  if (t) templateCache.set(id, { at: Date.now(), t });
  return t ?? null;
}

async function feedCampaign(ctx: AppContext, c: ActiveCampaign, o: FeederOptions, budget: TierBudget): Promise<number> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const endAt = d(c.end_at);
  if (endAt && now.getTime() >= endAt.getTime()) {
    const ended = await rowsOf<{ id: number }>(db, sql`update campaign_recipients set state = 'skipped', reason = 'campaign_ended', updated_at = ${tsz(now)}
      where campaign_id = ${c.id}::uuid and state = 'pending' returning id`);
    await completeIfDone(ctx, c.id, now);
    return ended.length;
  }
  const room = Math.min(o.chunk ?? 500, Math.ceil(c.throughput_mps * (o.queueSeconds ?? 2)) - (await queuedCampaignRows(db, c.phone_number_id)));
  if (room <= 0) return 0;
  const template = await templateOf(db, c.template_id);
  if (!template) {
    ctx.logger.warn({ campaign: c.id }, 'campaign template is gone from the library; pausing the campaign');
    await db.execute(sql`update campaigns set state = 'paused', updated_at = ${tsz(now)} where id = ${c.id}::uuid and state in ('running', 'scheduled')`);
    return 0;
  }
  const def = templateDefinition(template);
  const facts: TemplateFacts = { ...def, pausedUntil: template.pausedUntil };
  await budget.refresh(ctx);
  const hours = c.quiet_hours;
  const mapping = c.mapping?.template ?? null;
  const utilityRequiresOptIn = c.mapping?.options?.utilityRequiresOptIn ?? false;

  const result = await db.transaction(async (tx) => {
    // Pick (and lock) the chunk first, then join what preflight needs to those rows only. Ordered by (due_at, id),
    // which campaign_recipients_due_idx (campaign_id, due_at, id) gives directly, so the scan stops after `room`
    // rows. With the joins in the same query, or without `id` in the index (every recipient launched at once shares
    // one due_at), PostgreSQL joined and sorted every pending recipient per chunk: 0.45 s per chunk at 100k pending
    // recipients, which made a long campaign fall behind the number's cap (issue 8).
    const due = await rowsOf<DueRow>(tx as unknown as Db, sql`
      with picked as (
        select r.id, r.contact_id, r.values, r.due_at from campaign_recipients r
        where r.campaign_id = ${c.id}::uuid and r.state = 'pending' and r.due_at <= ${tsz(now)}
        order by r.due_at, r.id
        limit ${room}
        for update skip locked
      )
      select r.id as rid, r.contact_id, r.values, c.wa_id, c.e164, c.bsuid, c.parent_bsuid, c.name, c.profile_name, c.email, c.username,
        c.country, c.time_zone, c.fields, org.name as org_name, org.domain as org_domain, org.fields as org_fields,
        cv.id as conv_id, cv.last_inbound_at, cv.referral_at, cv.fep_expires_at,
        csm.state as marketing, csu.state as utility,
        (c.wa_id in (select identifier from suppressions) or c.bsuid in (select identifier from suppressions)) is true as suppressed
      from picked r
      join contacts c on c.id = r.contact_id
      left join organizations org on org.id = c.organization_id
      left join conversations cv on cv.phone_number_id = ${c.phone_number_id}::uuid and cv.contact_id = r.contact_id
      left join consents csm on csm.contact_id = r.contact_id and csm.category = 'marketing'
      left join consents csu on csu.contact_id = r.contact_id and csu.category = 'utility'
      order by r.due_at, r.id`);
    if (due.length === 0) return { queued: [] as Queued[], settled: 0 };

    const skip: { rid: string; reason: string }[] = [];
    const defer: { rid: string; due: string }[] = [];
    const ready: { row: DueRow; body: Record<string, unknown>; key: string; outside: boolean }[] = [];
    for (const r of due) {
      const rid = String(r.rid);
      const tz = recipientTimeZone({ timeZone: r.time_zone, country: r.country }, c.time_zone);
      if (!insideSendHours(now, tz, hours)) {
        const next = nextInsideSendHours(now, tz, hours);
        if (endAt && next.getTime() >= endAt.getTime()) skip.push({ rid, reason: 'outside_send_hours_until_end' });
        else defer.push({ rid, due: next.toISOString() });
        continue;
      }
      if (r.suppressed) {
        skip.push({ rid, reason: 'suppressed' });
        continue;
      }
      const contact = { waId: r.wa_id, e164: r.e164, bsuid: r.bsuid, parentBsuid: r.parent_bsuid } as ContactRow;
      const address = addressOf(contact);
      if (!address) {
        skip.push({ rid, reason: 'invalid_number' });
        continue;
      }
      const built = buildTemplateSend(
        { name: template.name, language: template.language, category: template.category, parameter_format: template.parameterFormat, components: template.components },
        mapping,
        {
          name: r.name, profileName: r.profile_name, phone: r.e164 ?? (r.wa_id ? `+${r.wa_id}` : null), waId: r.wa_id, email: r.email, username: r.username,
          country: r.country, timeZone: r.time_zone, fields: r.fields,
          organization: r.org_name ? { name: r.org_name, domain: r.org_domain, fields: r.org_fields } : null,
        },
        r.values ?? {},
      );
      if (built.problems.length > 0) {
        skip.push({ rid, reason: `variables: ${built.problems[0]!.message}` });
        continue;
      }
      const body: Record<string, unknown> = { recipient_type: 'individual', ...address, ...built.body };
      const pre = preflight({
        body: { messaging_product: 'whatsapp', ...body },
        conversation: { lastCustomerMessageAt: d(r.last_inbound_at), fep: fepFacts({ referralAt: d(r.referral_at), fepExpiresAt: d(r.fep_expires_at) }) },
        template: facts,
        consent: { marketing: (r.marketing ?? 'unknown') as ConsentState, utility: (r.utility ?? 'unknown') as ConsentState },
        policy: { utilityRequiresOptIn },
        recipient: { phone: r.e164 ?? (r.wa_id ? `+${r.wa_id}` : null), bsuid: r.bsuid, bsuidOnly: !r.wa_id && !r.e164 },
        now,
      });
      if (!pre.ok) {
        const consent = pre.refusal.details.consent;
        skip.push({ rid, reason: consent === 'opted_out' ? 'opted_out' : pre.refusal.code });
        continue;
      }
      ready.push({ row: r, body, key: r.wa_id ?? r.e164 ?? r.bsuid ?? r.parent_bsuid ?? r.contact_id, outside: pre.clearance.countsAgainstMessagingLimit });
    }
    // Messaging tier: only as many recipients outside a window as the portfolio has left in its rolling 24 h.
    const outside = ready.filter((x) => x.outside).length;
    let allowed = outside > 0 ? budget.take(outside) : 0;
    const retryAt = new Date(now.getTime() + (o.tierRetryMs ?? 60_000)).toISOString();
    const go: typeof ready = [];
    for (const x of ready) {
      if (x.outside && allowed <= 0) defer.push({ rid: String(x.row.rid), due: retryAt });
      else {
        if (x.outside) allowed--;
        go.push(x);
      }
    }

    // Conversations for first-time recipients, then messages + outbox rows + the recipient link, set-based.
    const needConv = [...new Set(go.filter((x) => !x.row.conv_id).map((x) => x.row.contact_id))];
    const convOf = new Map<string, string>(go.filter((x) => x.row.conv_id).map((x) => [x.row.contact_id, x.row.conv_id!]));
    if (needConv.length > 0) {
      await tx.execute(sql`insert into conversations (phone_number_id, contact_id, created_at)
        select ${c.phone_number_id}::uuid, v::uuid, ${tsz(now)} from jsonb_array_elements_text(${JSON.stringify(needConv)}::jsonb) v
        on conflict (phone_number_id, contact_id) do nothing`);
      const made = await rowsOf<{ id: string; contact_id: string }>(tx as unknown as Db, sql`select id, contact_id from conversations
        where phone_number_id = ${c.phone_number_id}::uuid and contact_id in (select v::uuid from jsonb_array_elements_text(${JSON.stringify(needConv)}::jsonb) v)`);
      for (const m of made) convOf.set(m.contact_id, m.id);
    }
    const queued: Queued[] = go.map((x) => ({ id: randomUUID(), rid: String(x.row.rid), conversationId: convOf.get(x.row.contact_id)!, key: x.key, body: x.body }));
    if (queued.length > 0) {
      const json = JSON.stringify(queued);
      await tx.execute(sql`
        with v as (select * from jsonb_to_recordset(${json}::jsonb) as v(id uuid, "conversationId" uuid, key text, body jsonb))
        insert into messages (id, conversation_id, direction, type, content, status, at, created_at)
        select v.id, v."conversationId", 'out', 'template', v.body, 'queued', ${tsz(now)}, ${tsz(now)} from v`);
      await tx.execute(sql`
        with v as (select * from jsonb_to_recordset(${json}::jsonb) as v(id uuid, key text, body jsonb))
        insert into outbound_messages (id, phone_number_id, recipient_key, body, state, not_before, priority, campaign_id, created_at, updated_at)
        select v.id, ${c.phone_number_id}::uuid, v.key, v.body, 'queued', ${tsz(now)}, ${CAMPAIGN_PRIORITY}, ${c.id}::uuid, ${tsz(now)}, ${tsz(now)} from v`);
      await tx.execute(sql`
        update conversations set last_message_at = greatest(last_message_at, ${tsz(now)})
        where id in (select (v->>'conversationId')::uuid from jsonb_array_elements(${json}::jsonb) v)`);
      await tx.execute(sql`
        update campaign_recipients r set state = 'queued', message_id = v.id, updated_at = ${tsz(now)}
        from jsonb_to_recordset(${json}::jsonb) as v(id uuid, rid bigint) where r.id = v.rid`);
    }
    if (skip.length > 0) {
      await tx.execute(sql`update campaign_recipients r set state = 'skipped', reason = v.reason, updated_at = ${tsz(now)}
        from jsonb_to_recordset(${JSON.stringify(skip)}::jsonb) as v(rid bigint, reason text) where r.id = v.rid`);
    }
    if (defer.length > 0) {
      await tx.execute(sql`update campaign_recipients r set due_at = v.due, updated_at = ${tsz(now)}
        from jsonb_to_recordset(${JSON.stringify(defer)}::jsonb) as v(rid bigint, due timestamptz) where r.id = v.rid`);
    }
    if (c.state === 'scheduled' && queued.length > 0) {
      await tx.execute(sql`update campaigns set state = 'running', updated_at = ${tsz(now)} where id = ${c.id}::uuid and state = 'scheduled'`);
    }
    return { queued, settled: skip.length };
  });

  for (const q of result.queued) ctx.events.emit('message.created', { messageId: q.id, conversationId: q.conversationId, direction: 'out' });
  if (result.queued.length > 0) o.wakeDispatcher?.();
  if (result.queued.length === 0 && result.settled === 0) await completeIfDone(ctx, c.id, now);
  return result.queued.length + result.settled;
}

interface Queued {
  id: string;
  rid: string;
  conversationId: string;
  key: string;
  body: Record<string, unknown>;
}

/** Done when nobody is pending and nothing of the campaign waits in the outbox. */
async function completeIfDone(ctx: AppContext, id: string, now: Date): Promise<void> {
  await ctx.store.db.execute(sql`update campaigns set state = 'completed', completed_at = ${tsz(now)}, updated_at = ${tsz(now)}
    where id = ${id}::uuid and state in ('running', 'scheduled')
      and not exists (select 1 from campaign_recipients where campaign_id = ${id}::uuid and state = 'pending')
      and not exists (select 1 from outbound_messages where campaign_id = ${id}::uuid and state in ('queued', 'sending'))`);
}

/**
 * Start the feeder in this process: a pass every `pollMs` (or at once after wake()). Safe to run in several
 * processes at the same time (recipients are claimed with SKIP LOCKED). stop() waits for the current pass.
 */
export function startCampaignFeeder(ctx: AppContext, options: FeederOptions = {}): FeederHandle {
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  const budget = new TierBudget();
  const loop = (async () => {
    while (!stopped) {
      let moved = 0;
      try {
        moved = await feedOnce(ctx, options, budget);
      } catch (err) {
        ctx.logger.error({ err }, 'campaign feeder pass failed');
      }
      if (stopped) break;
      // Busy: go again soon (the outbox drains at the number's rate); idle: wait for a wake or the poll.
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, moved > 0 ? Math.min(100, options.pollMs ?? 250) : (options.pollMs ?? 250));
        function done(): void {
          clearTimeout(t);
          wakeUp = null;
          resolve();
        }
        wakeUp = done;
      });
    }
  })();
  return {
    wake: () => wakeUp?.(),
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
