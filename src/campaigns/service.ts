// Campaigns (issue 8): drafts, preview (audience + estimate), launch (recipients with due times, frozen estimate),
// pause, resume, cancel. Sending is the feeder's job (feeder.ts); results are derived in results.ts.
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { campaigns } from './schema.ts';
import { templates } from '../templates/schema.ts';
import { rateCards } from '../pricing/schema.ts';
import { phoneNumbers } from '../messaging/schema.ts';
import { audienceQuery, audienceSchema, countAudience, type Audience, type AudienceCounts } from './audience.ts';
import { checkSchedule, firstDueAt, recipientTimeZone, type Schedule, type SendHours } from '../core/campaigns/schedule.ts';
import { planTier, portfolioTier, tierLimit, DAY_MS, type TierPlan } from '../core/campaigns/tier.ts';
import { estimateCampaign, type CampaignEstimate, type EstimateLine, type PricingKind } from '../core/campaigns/estimate.ts';
import { selectRateCard, type RateCard, type RateTable, type VolumeTier } from '../core/pricing/rate-card.ts';
import { needsPhoneNumber, type TemplateDefinition } from '../core/template-params.ts';
import { checkMapping, type TemplateMapping } from '../templates/mapping.ts';

export type CampaignRow = typeof campaigns.$inferSelect;
export type TemplateRow = typeof templates.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tsz = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('at'), at: z.string().min(10).max(40) }),
  z.object({ kind: z.literal('local_time'), time: z.string().regex(/^\d{2}:\d{2}$/), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
]);
const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'HH:MM');
export const sendHoursSchema = z.object({ from: hhmm, to: hhmm });

export const campaignInputSchema = z.object({
  name: z.string().min(1).max(200),
  phoneNumberId: z.string().regex(UUID, 'our number id (uuid)'),
  templateId: z.string().regex(UUID, 'a template id (uuid)'),
  /** Variable mapping (templates/mapping format); `send` sources read uploaded-list columns. */
  mapping: z.record(z.string(), z.unknown()).nullable().optional(),
  audience: audienceSchema,
  schedule: scheduleSchema.default({ kind: 'now' }),
  /** Quiet hours: sends only between `from` and `to` in each recipient's local time. */
  sendHours: sendHoursSchema.nullable().optional(),
  endAt: z.string().datetime({ offset: true }).nullable().optional(),
  timeZone: z.string().min(1).max(64).default('Europe/Madrid'),
  /** Workspace policy for utility templates. */
  utilityRequiresOptIn: z.boolean().optional(),
  /** Rate-card currency for the estimate (default: USD if a USD card exists, else the newest card's). */
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;
export const campaignPatchSchema = campaignInputSchema.partial();

/** Stored in campaigns.estimate beside the estimate itself: settings without a column of their own. */
interface Options {
  utilityRequiresOptIn?: boolean;
  currency?: string;
}

function optionsOf(row: CampaignRow): Options {
  const m = row.mapping as { options?: Options } | null;
  return m?.options ?? {};
}

/** The mapping column holds { template mapping, options } so settings travel with the draft. */
function mappingOf(row: CampaignRow): TemplateMapping | null {
  const m = row.mapping as { template?: TemplateMapping } | null;
  return m?.template ?? null;
}

export function campaignView(row: CampaignRow) {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    phoneNumberId: row.phoneNumberId,
    templateId: row.templateId,
    mapping: mappingOf(row),
    audience: row.audience as Audience,
    schedule: row.schedule as Schedule,
    sendHours: (row.quietHours as SendHours | null) ?? null,
    endAt: row.endAt?.toISOString() ?? null,
    timeZone: row.timeZone,
    utilityRequiresOptIn: optionsOf(row).utilityRequiresOptIn ?? false,
    currency: optionsOf(row).currency ?? null,
    estimate: (row.estimate as CampaignEstimate | null) ?? null,
    exclusions: (row.exclusions as AudienceCounts | null) ?? null,
    rateCardId: row.rateCardId,
    launchedAt: row.launchedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type CampaignView = ReturnType<typeof campaignView>;

function notFound(id: string): HttpError {
  return new HttpError(404, 'campaign_not_found', `There is no campaign ${id}.`);
}

export async function getCampaignRow(db: Db, id: string): Promise<CampaignRow> {
  if (!UUID.test(id)) throw notFound(id);
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  if (!row) throw notFound(id);
  return row;
}

export async function loadTemplate(db: Db, id: string): Promise<TemplateRow> {
  const [t] = UUID.test(id) ? await db.select().from(templates).where(eq(templates.id, id)) : [];
  if (!t) throw new HttpError(422, 'template_not_found', `There is no template ${id} in the library. Sync templates from Meta or choose another.`, { field: 'templateId' });
  return t;
}

async function loadNumber(db: Db, id: string) {
  const [n] = UUID.test(id) ? await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)) : [];
  if (!n) throw new HttpError(422, 'number_not_found', `There is no sender number ${id}. List numbers with GET /api/v1/numbers.`, { field: 'phoneNumberId' });
  return n;
}

export function templateDefinition(t: TemplateRow): TemplateDefinition & { category: string; status: string } {
  return {
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    parameter_format: t.parameterFormat === 'named' ? 'named' : 'positional',
    components: (Array.isArray(t.components) ? t.components : []) as TemplateDefinition['components'],
  };
}

async function validateDraft(db: Db, input: CampaignInput, now: Date): Promise<void> {
  const number = await loadNumber(db, input.phoneNumberId);
  const t = await loadTemplate(db, input.templateId);
  if (t.wabaId !== number.wabaId) {
    throw new HttpError(422, 'template_other_account', `The template "${t.name}" belongs to another WhatsApp Business Account than the sender number.`, { field: 'templateId' });
  }
  const problems = checkSchedule(input.schedule, input.sendHours ?? null, input.timeZone, input.endAt ? new Date(input.endAt) : null, now);
  if (problems[0]) throw new HttpError(400, 'invalid_schedule', problems[0].message, { field: problems[0].field, problems });
  if (input.mapping) {
    const mp = checkMapping({ name: t.name, language: t.language, category: t.category, parameter_format: t.parameterFormat, components: t.components }, input.mapping);
    if (mp[0]) throw new HttpError(400, 'invalid_mapping', `mapping: ${mp[0].message}`, { field: `mapping.${mp[0].path}`, problems: mp });
  }
}

function rowValues(input: CampaignInput, now: Date) {
  const options: Options = {};
  if (input.utilityRequiresOptIn !== undefined) options.utilityRequiresOptIn = input.utilityRequiresOptIn;
  if (input.currency) options.currency = input.currency;
  return {
    name: input.name,
    phoneNumberId: input.phoneNumberId,
    templateId: input.templateId,
    mapping: { template: input.mapping ?? null, options },
    audience: input.audience,
    schedule: input.schedule,
    quietHours: input.sendHours ?? null,
    endAt: input.endAt ? new Date(input.endAt) : null,
    timeZone: input.timeZone,
    updatedAt: now,
  };
}

export async function createCampaign(ctx: AppContext, input: CampaignInput, createdBy: string | null = null): Promise<CampaignView> {
  const now = ctx.clock.now();
  await validateDraft(ctx.store.db, input, now);
  const [row] = await ctx.store.db.insert(campaigns).values({ ...rowValues(input, now), state: 'draft', createdBy, createdAt: now }).returning();
  return campaignView(row!);
}

function inputOf(row: CampaignRow): CampaignInput {
  const v = campaignView(row);
  return {
    name: v.name, phoneNumberId: v.phoneNumberId, templateId: v.templateId, mapping: v.mapping as Record<string, unknown> | null, audience: v.audience,
    schedule: v.schedule, sendHours: v.sendHours, endAt: v.endAt, timeZone: v.timeZone,
    ...(optionsOf(row).utilityRequiresOptIn !== undefined ? { utilityRequiresOptIn: optionsOf(row).utilityRequiresOptIn } : {}),
    ...(optionsOf(row).currency ? { currency: optionsOf(row).currency } : {}),
  };
}

export async function updateCampaign(ctx: AppContext, id: string, patch: Partial<CampaignInput>): Promise<CampaignView> {
  const db = ctx.store.db;
  const row = await getCampaignRow(db, id);
  if (row.state !== 'draft') throw new HttpError(409, 'campaign_not_draft', `The campaign is ${row.state}; only drafts can be edited. Duplicate it to change it.`);
  const merged = campaignInputSchema.parse({ ...inputOf(row), ...patch });
  const now = ctx.clock.now();
  await validateDraft(db, merged, now);
  const [updated] = await db.update(campaigns).set(rowValues(merged, now)).where(eq(campaigns.id, id)).returning();
  return campaignView(updated!);
}

export async function deleteCampaign(ctx: AppContext, id: string): Promise<void> {
  const row = await getCampaignRow(ctx.store.db, id);
  if (row.state !== 'draft') throw new HttpError(409, 'campaign_not_draft', `The campaign is ${row.state}; cancel it instead of deleting it (its results are kept).`);
  await ctx.store.db.delete(campaigns).where(eq(campaigns.id, id));
}

export async function listCampaigns(db: Db, opts: { state?: string; limit?: number } = {}): Promise<CampaignView[]> {
  const rows = await db
    .select()
    .from(campaigns)
    .where(opts.state ? eq(campaigns.state, opts.state) : undefined)
    .orderBy(desc(campaigns.createdAt))
    .limit(opts.limit ?? 200);
  return rows.map(campaignView);
}

// --- facts for preview and launch ---

interface Facts {
  row: CampaignRow;
  template: TemplateRow;
  number: Awaited<ReturnType<typeof loadNumber>>;
  start: Date;
  resolve: { category: string; needsPhone: boolean; utilityRequiresOptIn: boolean; now: Date };
}

async function factsOf(ctx: AppContext, row: CampaignRow): Promise<Facts> {
  const db = ctx.store.db;
  const template = await loadTemplate(db, row.templateId);
  const number = await loadNumber(db, row.phoneNumberId);
  const now = ctx.clock.now();
  const schedule = row.schedule as Schedule;
  // The estimate's send date: the schedule's start in the business's zone (local-time schedules: its own zone too).
  const start = firstDueAt(schedule, row.timeZone, row.timeZone, null, now);
  return {
    row,
    template,
    number,
    start,
    resolve: {
      category: template.category,
      needsPhone: needsPhoneNumber(templateDefinition(template)),
      utilityRequiresOptIn: optionsOf(row).utilityRequiresOptIn ?? false,
      now,
    },
  };
}

/** When each unique user reached outside a window in the last 24 h (all numbers, campaigns and agents) was first reached. */
export async function reachedOutsideWindow(db: Db, now: Date): Promise<Date[]> {
  const since = new Date(now.getTime() - DAY_MS);
  const rows = await db.execute(sql`
    select min(coalesce(m.sent_at, m.at)) as at from messages m join conversations cv on cv.id = m.conversation_id
    where m.direction = 'out' and m.type = 'template' and m.status not in ('failed', 'cancelled') and m.at > ${tsz(since)}
      and not exists (select 1 from messages i where i.conversation_id = m.conversation_id and i.direction = 'in'
                      and i.at <= m.at and i.at > m.at - interval '24 hours')
    group by cv.contact_id`);
  return (rows as unknown as { rows: { at: Date | string }[] }).rows.map((r) => new Date(r.at));
}

export async function portfolioLimit(db: Db): Promise<{ tier: string | null; limit: number }> {
  const rows = await db.select({ t: phoneNumbers.messagingLimitTier }).from(phoneNumbers);
  const tier = portfolioTier(rows.map((r) => r.t));
  return { tier, limit: tierLimit(tier) };
}

async function rateCardFor(db: Db, at: Date, currency: string | undefined): Promise<(RateCard & { id: string }) | null> {
  const rows = await db.select().from(rateCards);
  const cards = rows.map((r) => ({ id: r.id, name: r.name, currency: r.currency, effectiveFrom: r.effectiveFrom, rates: r.rates as RateTable, tiers: (r.tiers ?? []) as VolumeTier[] }));
  if (currency) return selectRateCard(cards, at, currency);
  return selectRateCard(cards, at, 'USD') ?? selectRateCard(cards, at);
}

/** Charged messages so far this month per market|category (volume tiers count from there). */
export async function monthToDate(db: Db, at: Date): Promise<Record<string, number>> {
  const monthStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const rows = await db.execute(sql`
    select coalesce(c.market, 'Other') as market, m.pricing->>'category' as category, count(*)::int as n
    from messages m join conversations cv on cv.id = m.conversation_id join contacts c on c.id = cv.contact_id
    where m.direction = 'out' and m.pricing is not null and (m.pricing->>'billable') = 'true'
      and m.at >= ${tsz(monthStart)} and m.at < ${tsz(at)}
    group by 1, 2`);
  const out: Record<string, number> = {};
  for (const r of (rows as unknown as { rows: { market: string; category: string; n: number }[] }).rows) out[`${r.market}|${r.category}`] = Number(r.n);
  return out;
}

export interface Preview {
  audience: AudienceCounts;
  estimate: CampaignEstimate;
  tier: { name: string | null; plan: TierPlan };
  template: { id: string; name: string; language: string; category: string; status: string };
}

async function buildPreview(ctx: AppContext, f: Facts): Promise<Preview> {
  const db = ctx.store.db;
  const audience = await countAudience(db, f.row.audience as Audience, f.resolve);
  const q = await audienceQuery(db, f.row.audience as Audience, f.resolve);
  const category = f.template.category.toLowerCase();
  const utility = category === 'utility';
  const groups = (await db.execute(sql`
    select coalesce(a.market, 'Other') as market,
      case when cv.fep_expires_at > ${tsz(f.start)} then 'free_entry_point'
           when ${sql.raw(String(utility))} and cv.window_expires_at > ${tsz(f.start)} then 'free_customer_service'
           else 'regular' end as pricing,
      coalesce(cv.window_expires_at > ${tsz(f.start)}, false) as in_window,
      count(*)::int as n
    from (${q}) a left join conversations cv on cv.phone_number_id = ${f.number.id}::uuid and cv.contact_id = a.contact_id
    where a.reason is null group by 1, 2, 3`)) as unknown as { rows: { market: string; pricing: PricingKind; in_window: boolean; n: number }[] };
  const lines: EstimateLine[] = groups.rows.map((g) => ({ market: g.market, category, pricing: g.pricing, count: Number(g.n) }));
  const outside = groups.rows.filter((g) => !g.in_window).reduce((n, g) => n + Number(g.n), 0);
  const { tier, limit } = await portfolioLimit(db);
  const plan = planTier({ limit, reachedAt: Number.isFinite(limit) ? await reachedOutsideWindow(db, f.start) : [], count: outside, now: f.start });
  const card = await rateCardFor(db, f.start, optionsOf(f.row).currency);
  const estimate = estimateCampaign({
    lines,
    card,
    monthToDate: card ? await monthToDate(db, f.start) : {},
    mps: f.number.throughputMps,
    start: f.start,
    tier: plan,
  });
  return {
    audience,
    estimate,
    tier: { name: tier, plan },
    template: { id: f.template.id, name: f.template.name, language: f.template.language, category: f.template.category, status: f.template.status },
  };
}

export async function previewCampaign(ctx: AppContext, id: string): Promise<Preview> {
  const row = await getCampaignRow(ctx.store.db, id);
  return buildPreview(ctx, await factsOf(ctx, row));
}

// --- launch and state changes ---

export async function launchCampaign(ctx: AppContext, id: string, options: { wake?: () => void } = {}): Promise<{ campaign: CampaignView; preview: Preview }> {
  const db = ctx.store.db;
  const row = await getCampaignRow(db, id);
  if (row.state !== 'draft') throw new HttpError(409, 'campaign_not_draft', `The campaign is already ${row.state}.`);
  const f = await factsOf(ctx, row);
  if (f.template.status.toUpperCase() !== 'APPROVED') {
    throw new HttpError(422, 'template_not_approved', `The template "${f.template.name}" is ${f.template.status.toLowerCase()}; only approved templates can be sent.`, { field: 'templateId' });
  }
  const endAt = row.endAt;
  if (endAt && endAt.getTime() <= f.resolve.now.getTime()) throw new HttpError(422, 'campaign_ended', 'The end time has already passed; change it before launching.', { field: 'endAt' });
  const preview = await buildPreview(ctx, f);
  if (preview.audience.included === 0) throw new HttpError(422, 'audience_empty', 'Nobody in this audience can be messaged; see the exclusions in the preview.', { exclusions: preview.audience.byReason });
  const q = await audienceQuery(db, row.audience as Audience, f.resolve);
  const now = f.resolve.now;
  const schedule = row.schedule as Schedule;
  const hours = (row.quietHours as SendHours | null) ?? null;

  await db.transaction(async (tx) => {
    // Claim the draft first: a second launch of the same campaign finds it no longer a draft.
    const claimed = await tx.execute(sql`update campaigns set state = 'launching', updated_at = ${tsz(now)} where id = ${id}::uuid and state = 'draft' returning id`);
    if ((claimed as unknown as { rows: unknown[] }).rows.length === 0) throw new HttpError(409, 'campaign_not_draft', 'The campaign was launched by someone else a moment ago.');
    await tx.execute(sql`
      insert into campaign_recipients (campaign_id, contact_id, state, reason, market, values, updated_at)
      select ${id}::uuid, a.contact_id, case when a.reason is null then 'pending' else 'excluded' end, a.reason, coalesce(a.market, 'Other'), a.values, ${tsz(now)}
      from (${q}) a`);
    // First due time per (time zone, country): few groups, computed by the pure schedule rules.
    const zones = (await tx.execute(sql`
      select distinct coalesce(c.time_zone, '') as tz, coalesce(c.country, '') as country
      from campaign_recipients r join contacts c on c.id = r.contact_id where r.campaign_id = ${id}::uuid and r.state = 'pending'`)) as unknown as { rows: { tz: string; country: string }[] };
    const due = zones.rows.map((z) => {
      const tz = recipientTimeZone({ timeZone: z.tz || null, country: z.country || null }, row.timeZone);
      return { tz: z.tz, country: z.country, due: firstDueAt(schedule, tz, row.timeZone, hours, now).toISOString() };
    });
    await tx.execute(sql`
      update campaign_recipients r set due_at = g.due
      from contacts c, jsonb_to_recordset(${JSON.stringify(due)}::jsonb) as g(tz text, country text, due timestamptz)
      where r.campaign_id = ${id}::uuid and r.state = 'pending' and c.id = r.contact_id
        and coalesce(c.time_zone, '') = g.tz and coalesce(c.country, '') = g.country`);
    // Messaging tier: recipients outside a window beyond today's budget wait for capacity to free up.
    const plan = preview.tier.plan;
    let offset = plan.now;
    for (const wave of plan.later) {
      await tx.execute(sql`
        update campaign_recipients r set due_at = greatest(r.due_at, ${tsz(wave.at)})
        where r.id in (
          select r2.id from campaign_recipients r2
          left join conversations cv on cv.phone_number_id = ${f.number.id}::uuid and cv.contact_id = r2.contact_id
          where r2.campaign_id = ${id}::uuid and r2.state = 'pending' and coalesce(cv.window_expires_at > ${tsz(f.start)}, false) = false
          order by r2.due_at, r2.id offset ${offset} limit ${wave.count})`);
      offset += wave.count;
    }
    const state = f.start.getTime() > now.getTime() ? 'scheduled' : 'running';
    await tx
      .update(campaigns)
      .set({
        state,
        estimate: preview.estimate,
        exclusions: preview.audience,
        rateCardId: preview.estimate.rateCard?.id ?? null,
        launchedAt: now,
        updatedAt: now,
      })
      .where(eq(campaigns.id, id));
  });
  options.wake?.();
  return { campaign: campaignView(await getCampaignRow(db, id)), preview };
}

export async function pauseCampaign(ctx: AppContext, id: string): Promise<CampaignView> {
  const db = ctx.store.db;
  const row = await getCampaignRow(db, id);
  if (row.state === 'paused') return campaignView(row);
  if (row.state !== 'running' && row.state !== 'scheduled') throw new HttpError(409, 'campaign_not_running', `The campaign is ${row.state}; only a running or scheduled campaign can be paused.`);
  // Rows already in the outbox stay queued: the dispatcher claims campaign rows only while the campaign runs.
  const [u] = await db.update(campaigns).set({ state: 'paused', updatedAt: ctx.clock.now() }).where(sql`${campaigns.id} = ${id} and ${campaigns.state} in ('running', 'scheduled')`).returning();
  return campaignView(u ?? (await getCampaignRow(db, id)));
}

export async function resumeCampaign(ctx: AppContext, id: string, options: { wake?: () => void } = {}): Promise<CampaignView> {
  const db = ctx.store.db;
  const row = await getCampaignRow(db, id);
  if (row.state === 'running') return campaignView(row);
  if (row.state !== 'paused') throw new HttpError(409, 'campaign_not_paused', `The campaign is ${row.state}; only a paused campaign can be resumed.`);
  const [u] = await db.update(campaigns).set({ state: 'running', updatedAt: ctx.clock.now() }).where(sql`${campaigns.id} = ${id} and ${campaigns.state} = 'paused'`).returning();
  options.wake?.();
  return campaignView(u ?? (await getCampaignRow(db, id)));
}

/**
 * Cancel: no message of the campaign is sent after this returns. The state change commits first (the dispatcher
 * claims campaign rows only while the campaign runs, and withdraws rows of a cancelled one), then queued outbox
 * rows and pending recipients are marked here too so results show it at once.
 */
export async function cancelCampaign(ctx: AppContext, id: string): Promise<CampaignView> {
  const db = ctx.store.db;
  const row = await getCampaignRow(db, id);
  if (row.state === 'cancelled') return campaignView(row);
  if (row.state === 'completed' || row.state === 'draft') {
    throw new HttpError(409, 'campaign_not_active', row.state === 'draft' ? 'The campaign has not been launched; delete the draft instead.' : 'The campaign has already finished.');
  }
  const now = ctx.clock.now();
  await db.transaction(async (tx) => {
    await tx.update(campaigns).set({ state: 'cancelled', cancelledAt: now, updatedAt: now }).where(eq(campaigns.id, id));
    await tx.execute(sql`
      with o as (
        update outbound_messages set state = 'cancelled', updated_at = ${tsz(now)}, last_error = jsonb_build_object('code', 'withdrawn', 'reason', 'campaign_cancelled')
        where campaign_id = ${id}::uuid and state = 'queued' returning id
      )
      update messages m set status = 'cancelled', errors = jsonb_build_array(jsonb_build_object('code', 'withdrawn', 'reason', 'campaign_cancelled'))
      from o where m.id = o.id and m.status = 'queued'`);
    await tx.execute(sql`update campaign_recipients set state = 'skipped', reason = 'cancelled', updated_at = ${tsz(now)}
      where campaign_id = ${id}::uuid and state = 'pending'`);
  });
  return campaignView(await getCampaignRow(db, id));
}
