// Audience resolution (issue 8): who a campaign reaches and who it leaves out and why, in one set-based query.
// Sources (segments, filters, tags, uploaded lists, explicit contacts) are unioned, exclusion sources removed,
// merged records followed to their survivor, and every remaining contact tagged with the first reason it may not
// be messaged. Preview counts the tags; launch inserts them as campaign_recipients.
import { sql, type SQL } from 'drizzle-orm';
import type { Words } from '../core/errors.ts';
import { NO_MARKETING_COUNTRIES, optInRequired } from '../core/preflight.ts';
import { z } from 'zod';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { getSegment, segmentWhere } from '../crm/segments.ts';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a uuid');

export const audienceSourceSchema = z.union([
  z.object({ segmentId: uuid }).strict(),
  z.object({ filter: z.string().min(1).max(4000) }).strict(),
  z.object({ tag: z.string().min(1).max(200) }).strict(),
  z.object({ listId: uuid }).strict(),
  z.object({ contactIds: z.array(uuid).min(1).max(100_000) }).strict(),
]);
export type AudienceSource = z.infer<typeof audienceSourceSchema>;

export const audienceSchema = z.object({
  include: z.array(audienceSourceSchema).min(1).max(50),
  exclude: z.array(audienceSourceSchema).max(50).default([]),
});
export type Audience = z.infer<typeof audienceSchema>;

/** Why someone in the audience is not messaged, in the order they are checked (the first that applies is kept). */
export const EXCLUSION_REASONS = [
  'audience_exclusion',
  'invalid_number',
  'phone_required',
  'duplicate',
  'suppressed',
  'blocked',
  'opted_out',
  'no_consent',
  'marketing_not_available',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Why a contact is left out, in the UI's two languages (exclusions CSV). */
export const EXCLUSION_WORDS: Record<ExclusionReason, Words> = {
  audience_exclusion: { en: 'In an excluded segment, tag, list or contact selection.', es: 'Está en un segmento, etiqueta, lista o selección excluida.' },
  invalid_number: { en: 'No WhatsApp number and no WhatsApp user ID on the contact.', es: 'El contacto no tiene número de WhatsApp ni ID de usuario de WhatsApp.' },
  phone_required: {
    en: 'Known only by a WhatsApp user ID, and this template needs a phone number (one-tap/zero-tap/copy-code).',
    es: 'Solo se conoce su ID de usuario de WhatsApp y esta plantilla necesita un número de teléfono (one-tap/zero-tap/copiar código).',
  },
  duplicate: { en: 'The same WhatsApp number (or user ID) as another contact in the audience; messaged once.', es: 'Mismo número (o ID de usuario) de WhatsApp que otro contacto de la audiencia; recibe un solo mensaje.' },
  suppressed: { en: 'On the suppression list.', es: 'Está en la lista de supresión.' },
  blocked: {
    en: 'Repeatedly unreachable: the last sends failed with 131026 (not on WhatsApp or blocked us) and nothing came back since.',
    es: 'Inalcanzable varias veces: los últimos envíos fallaron con 131026 (no usa WhatsApp o nos bloqueó) y no ha escrito desde entonces.',
  },
  opted_out: { en: 'Opted out of this kind of message.', es: 'Se dio de baja de este tipo de mensajes.' },
  no_consent: { en: 'No recorded opt-in for this kind of message.', es: 'No hay consentimiento registrado para este tipo de mensajes.' },
  marketing_not_available: { en: 'US number: WhatsApp does not deliver marketing templates there.', es: 'Número de EE. UU.: WhatsApp no entrega allí plantillas de marketing.' },
};

export interface ResolveOptions {
  /** MARKETING | UTILITY | AUTHENTICATION */
  category: string;
  /** The template needs a phone number (authentication OTP buttons, spec §9). */
  needsPhone: boolean;
  /** Workspace policy: utility templates also need an opt-in. */
  utilityRequiresOptIn: boolean;
  now: Date;
}

async function sourceSql(db: Db, s: AudienceSource, now: Date): Promise<SQL> {
  if ('segmentId' in s) {
    const seg = await getSegment(db, s.segmentId);
    return sql`select c.id from contacts c where ${await segmentWhere(db, seg.filter, { now })}`;
  }
  if ('filter' in s) return sql`select c.id from contacts c where ${await segmentWhere(db, s.filter, { now })}`;
  if ('tag' in s) return sql`select ct.contact_id as id from contact_tags ct join tags t on t.id = ct.tag_id where t.name = ${s.tag}`;
  if ('listId' in s) {
    const found = await db.execute(sql`select 1 from campaign_lists where id = ${s.listId}::uuid`);
    if ((found as unknown as { rows: unknown[] }).rows.length === 0) throw new HttpError(404, 'list_not_found', `There is no uploaded list ${s.listId}.`, { field: 'audience' });
    return sql`select (e->>'contactId')::uuid as id from campaign_lists l, jsonb_array_elements(l.rows) e where l.id = ${s.listId}::uuid and e->>'contactId' is not null`;
  }
  return sql`select v::uuid as id from jsonb_array_elements_text(${JSON.stringify(s.contactIds)}::jsonb) v`;
}

async function unionOf(db: Db, sources: readonly AudienceSource[], now: Date): Promise<SQL> {
  if (sources.length === 0) return sql`select null::uuid as id where false`;
  const parts = await Promise.all(sources.map((s) => sourceSql(db, s, now)));
  return sql.join(parts.map((p) => sql`(${p})`), sql` union all `);
}

/**
 * The audience as a query of (contact_id, reason, market, country, time_zone, values): reason null = messaged.
 * `values` comes from the first uploaded list that has the contact (send-time columns).
 */
export async function audienceQuery(db: Db, audience: Audience, o: ResolveOptions): Promise<SQL> {
  const include = await unionOf(db, audience.include, o.now);
  const exclude = await unionOf(db, audience.exclude, o.now);
  const category = o.category.toLowerCase();
  // The same rules as the core preflight, set-based: the feeder runs preflight again on each recipient at send time.
  const needsOptIn = optInRequired(category, { utilityRequiresOptIn: o.utilityRequiresOptIn });
  const listIds = audience.include.flatMap((s) => ('listId' in s ? [s.listId] : []));
  const listValues = listIds.length
    ? sql`select distinct on ((e->>'contactId')::uuid) (e->>'contactId')::uuid as contact_id, e->'values' as values
          from campaign_lists l, jsonb_array_elements(l.rows) e
          where l.id in (${sql.join(listIds.map((id) => sql`${id}::uuid`), sql`, `)}) and e->>'contactId' is not null
          order by (e->>'contactId')::uuid, l.created_at`
    : sql`select null::uuid as contact_id, null::jsonb as values where false`;
  return sql`
    with inc as (${include}), exc as (${exclude}),
    cand as (select distinct coalesce(c0.merged_into, c0.id) as id from inc join contacts c0 on c0.id = inc.id),
    excl as (select distinct coalesce(c1.merged_into, c1.id) as id from exc join contacts c1 on c1.id = exc.id),
    fails as (
      select cv.contact_id, count(*) as n, max(m.at) as last_at from messages m join conversations cv on cv.id = m.conversation_id
      where m.direction = 'out' and m.status = 'failed' and m.errors @> '[{"code": 131026}]'::jsonb
      group by cv.contact_id having count(*) >= 2
    ),
    blocked as (
      select f.contact_id as id from fails f
      where not exists (
        select 1 from conversations cv2 join messages m2 on m2.conversation_id = cv2.id
        where cv2.contact_id = f.contact_id and m2.at > f.last_at and (m2.direction = 'in' or m2.status in ('delivered', 'read')))
    ),
    lv as (${listValues}),
    tagged as (
      select c.id as contact_id, c.market, c.country, c.time_zone,
        case
          when c.id in (select id from excl) then 'audience_exclusion'
          when c.wa_id is null and c.e164 is null and c.bsuid is null and c.parent_bsuid is null then 'invalid_number'
          when ${sql.raw(String(o.needsPhone))} and c.wa_id is null and c.e164 is null then 'phone_required'
          when row_number() over (
            partition by coalesce(c.wa_id, ltrim(c.e164, '+'), c.bsuid, c.parent_bsuid, c.id::text) order by c.created_at, c.id) > 1 then 'duplicate'
          when c.wa_id in (select identifier from suppressions) or c.bsuid in (select identifier from suppressions)
            or ltrim(c.e164, '+') in (select identifier from suppressions) then 'suppressed'
          when c.id in (select id from blocked) then 'blocked'
          when cs.state = 'opted_out' then 'opted_out'
          when ${sql.raw(String(needsOptIn))} and coalesce(cs.state, 'unknown') <> 'opted_in' then 'no_consent'
          when ${sql.raw(String(category === 'marketing'))} and c.country in (${sql.join(NO_MARKETING_COUNTRIES.map((x) => sql`${x}`), sql`, `)}) then 'marketing_not_available'
          else null
        end as reason
      from cand join contacts c on c.id = cand.id
      left join consents cs on cs.contact_id = c.id and cs.category = ${category}
    )
    select t.contact_id, t.reason, t.market, t.country, t.time_zone, lv.values
    from tagged t left join lv on lv.contact_id = t.contact_id`;
}

export interface AudienceCounts {
  /** Everyone the sources name (after union and merge), before exclusions. */
  total: number;
  included: number;
  excluded: number;
  byReason: Partial<Record<ExclusionReason, number>>;
}

export async function countAudience(db: Db, audience: Audience, o: ResolveOptions): Promise<AudienceCounts> {
  const q = await audienceQuery(db, audience, o);
  const rows = (await db.execute(sql`select reason, count(*)::int as n from (${q}) a group by reason`)) as unknown as { rows: { reason: string | null; n: number }[] };
  const byReason: Partial<Record<ExclusionReason, number>> = {};
  let included = 0;
  let excluded = 0;
  for (const r of rows.rows) {
    if (r.reason === null) included += Number(r.n);
    else {
      byReason[r.reason as ExclusionReason] = Number(r.n);
      excluded += Number(r.n);
    }
  }
  return { total: included + excluded, included, excluded, byReason };
}
