// The SQL compiler and the evaluator must select the same contacts: a varied dataset is written to the
// database and described as plain facts, and every filter (and its negation) is run both ways.
import { beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { compileSegmentFilter, matches, type ContactFacts } from '../../src/core/segments/index.ts';
import { SEGMENT_FIELDS } from '../helpers/segment-fields.ts';
import { contacts, conversations, messages, phoneNumbers } from '../../src/messaging/schema.ts';
import { consents, contactTags, customFields, organizations, tags } from '../../src/crm/schema.ts';
import { segmentCondition } from '../../src/crm/segment-sql.ts';
import { countMatching, previewFilter, segmentWhere } from '../../src/crm/segments.ts';
import { refreshEngagement } from '../../src/crm/engagement.ts';

const NOW = new Date('2026-11-02T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const FIELDS = SEGMENT_FIELDS;

// A small deterministic generator (mulberry32), so failures reproduce.
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!, chance: (p: number) => next() < p };
}

const uuid = (n: number, kind: number) => `00000000-0000-4000-8${kind.toString().padStart(3, '0')}-${n.toString().padStart(12, '0')}`;
const ORGS = [{ id: uuid(1, 1), name: 'Acmé S.L.' }, { id: uuid(2, 1), name: 'Hotel Sol' }, { id: uuid(3, 1), name: 'Café y Té' }];
const TAGS = ['VIP', 'Madrid', 'mayorista', 'churned'];
const NAMES = ['Ana García', 'ÁLVARO Núñez', 'maría josé', 'John Smith', 'Lucía Fernández', 'Pedro', ''];
const PLACES: [string | null, string | null][] = [['ES', 'Spain'], ['MX', 'Mexico'], ['CO', 'Colombia'], ['DO', 'Rest of Latin America'], ['US', 'North America'], [null, null]];
const CASES: ContactFacts[] = [];
const MERGED = new Set<string>();

interface Msg { conv: string; direction: 'in' | 'out'; type: string; at: Date; deliveredAt: Date | null; readAt: Date | null }

function buildDataset(n: number) {
  const r = rng(42);
  const numberIds = [uuid(1, 2), uuid(2, 2)];
  const rows = { contacts: [] as (typeof contacts.$inferInsert)[], conversations: [] as (typeof conversations.$inferInsert)[], messages: [] as Msg[], tags: [] as { contactId: string; tag: string }[], consents: [] as (typeof consents.$inferInsert)[] };
  for (let i = 0; i < n; i++) {
    const id = uuid(i + 1, 3);
    const [country, market] = r.pick(PLACES);
    const hasPhone = r.chance(0.85);
    const waId = hasPhone ? `${r.pick(['34', '52', '57', '1809'])}6${String(i).padStart(8, '0')}` : null;
    const named = r.chance(0.6);
    const org = r.chance(0.5) ? r.pick(ORGS) : null;
    const fields: Record<string, unknown> = {};
    if (r.chance(0.6)) fields.plan = r.pick(['Gold', 'Silver', 'Bronze']);
    if (r.chance(0.5)) fields.interests = ['Golf', 'Tenis', 'Vela'].filter(() => r.chance(0.5));
    if (r.chance(0.6)) fields.visits = r.pick([0, 1, 2.5, 3, 7, 12]);
    if (r.chance(0.05)) fields.visits = 'muchas'; // legacy junk: must not break the numeric comparison
    if (r.chance(0.5)) fields.birth_date = r.pick(['1970-01-31', '1985-06-15', '1990-01-01', '2001-12-24']);
    if (r.chance(0.5)) fields.vip = r.chance(0.5);
    if (r.chance(0.4)) fields.notes = r.pick(['Llamar después de las 5', 'URGENTE: presupuesto', 'cliente de toda la vida', '']);
    const contactTagsList = TAGS.filter(() => r.chance(0.3));
    const consentsOf: ContactFacts['consents'] = {};
    for (const cat of ['marketing', 'utility'] as const) {
      if (r.chance(0.6)) {
        consentsOf[cat] = r.chance(0.7) ? 'opted_in' : 'opted_out';
        rows.consents.push({ contactId: id, category: cat, state: consentsOf[cat]!, at: ago(r.next() * 100 * DAY) });
      }
    }
    const facts: ContactFacts = {
      kind: r.pick(['unknown', 'lead', 'customer', 'supplier']),
      name: named ? r.pick(NAMES) : null,
      profileName: r.chance(0.7) ? r.pick(NAMES) : null,
      waId,
      bsuid: r.chance(0.3) ? `ES.${i}abc` : null,
      username: r.chance(0.2) ? `user_${i}` : null,
      email: r.chance(0.4) ? r.pick(['ana@acme.es', 'Ventas@Hotel-Sol.com', 'pedro@gmail.com']) : null,
      country, market, organization: org, fields, tags: contactTagsList, consents: consentsOf,
      conversationStates: [], lastInboundAt: null, lastDeliveredAt: null, lastReadAt: null, lastRepliedAt: null,
    };
    rows.contacts.push({
      id, kind: facts.kind, name: facts.name, profileName: facts.profileName, waId, e164: waId ? `+${waId}` : null, bsuid: facts.bsuid,
      username: facts.username, email: facts.email, country, market, organizationId: org?.id ?? null, fields,
    });
    for (const t of contactTagsList) rows.tags.push({ contactId: id, tag: t });
    const max = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a > b ? a : b);
    for (const [k, numberId] of numberIds.entries()) {
      if (!r.chance(k === 0 ? 0.75 : 0.3)) continue;
      const conv = uuid(i * 2 + k + 1, 4);
      const state = r.pick(['open', 'pending', 'resolved']);
      facts.conversationStates.push(state);
      const msgs: Msg[] = [];
      const count = Math.floor(r.next() * 6);
      for (let j = 0; j < count; j++) {
        const at = ago(r.next() * 60 * DAY);
        if (r.chance(0.5)) {
          const template = r.chance(0.7);
          const delivered = r.chance(0.7) ? new Date(at.getTime() + 60_000) : null;
          const read = r.chance(0.5) ? new Date(at.getTime() + 2 * HOUR) : null;
          msgs.push({ conv, direction: 'out', type: template ? 'template' : 'text', at, deliveredAt: delivered, readAt: read });
        } else {
          msgs.push({ conv, direction: 'in', type: 'text', at, deliveredAt: null, readAt: null });
        }
      }
      let lastIn: Date | null = null;
      for (const m of msgs) {
        if (m.direction === 'in') {
          lastIn = max(lastIn, m.at);
          if (msgs.some((o) => o.direction === 'out' && o.type === 'template' && o.at < m.at)) facts.lastRepliedAt = max(facts.lastRepliedAt, m.at);
        } else if (m.type === 'template') {
          facts.lastDeliveredAt = max(facts.lastDeliveredAt, m.deliveredAt ?? m.readAt);
          facts.lastReadAt = max(facts.lastReadAt, m.readAt);
        }
      }
      // Conversations may know an inbound time whose message is not kept (retention); the fact follows the column.
      if (lastIn === null && r.chance(0.2)) lastIn = ago(r.next() * 200 * DAY);
      facts.lastInboundAt = max(facts.lastInboundAt, lastIn);
      rows.conversations.push({ id: conv, phoneNumberId: numberId, contactId: id, state, lastInboundAt: lastIn });
      rows.messages.push(...msgs);
    }
    if (i % 17 === 5) MERGED.add(id);
    CASES.push(facts);
  }
  return rows;
}

const FILTERS = [
  'kind = lead', 'kind in (customer, supplier)', 'kind != unknown',
  'tag = vip', 'tag in (madrid, MAYORISTA)', 'tag is empty', 'not tag = churned', 'has tags',
  'organization = "acme s.l."', `organization = ${ORGS[1]!.id}`, 'organization contains "sol"', 'organization starts with "cafe"', 'organization is empty', 'has organization',
  'country = es', 'country in (MX, CO)', 'country is empty', 'country != ES',
  'market = "Rest of Latin America"', 'market in (Spain, Mexico)', 'market is not empty',
  'consent.marketing = opted_in', 'consent.marketing = opted_out', 'consent.marketing = unknown', 'consent.utility in (opted_out, unknown)', 'consent.utility != opted_in', 'consent.authentication = unknown',
  'last_inbound within 7d', 'last_inbound within 30d', 'last_inbound within 36h', 'last_inbound before 2026-10-01', 'last_inbound after 2026-10-15', 'last_inbound after 2026-10-15T12:00Z', 'last_inbound never',
  'engagement.delivered within 14d', 'engagement.delivered never', 'engagement.read within 30d', 'engagement.read before 2026-10-10', 'engagement.read after 2026-10-20', 'engagement.read never',
  'engagement.replied within 30d', 'engagement.replied before 2026-10-10', 'engagement.replied never', 'engagement.replied is not empty',
  'conversation.state = open', 'conversation.state in (pending, resolved)', 'conversation.state != open', 'conversation.state is empty', 'has conversation',
  'name starts with "ana"', 'name contains "nunez"', 'name = "MARIA JOSE"', 'name is empty', 'has name',
  'phone starts with 34', 'phone contains 00001', 'phone = +526000000003', 'phone is empty', 'has phone', 'has bsuid', 'has username', 'username starts with user_1',
  'email contains "@gmail"', 'email = "ventas@hotel-sol.com"', 'email is empty', 'has email',
  'field.plan = gold', 'field.plan in (silver, bronze)', 'field.plan != gold', 'field.plan is empty',
  'field.interests has golf', 'field.interests in (tenis, vela)', 'field.interests is empty', 'field.interests not in (golf)',
  'field.visits > 2', 'field.visits <= 2.5', 'field.visits = 3', 'field.visits in (0, 12)', 'field.visits is empty', 'field.visits != 3',
  'field.birth_date < 1990-01-01', 'field.birth_date >= 1990-01-01', 'field.birth_date before 01/01/1986', 'field.birth_date after 1985-06-15', 'field.birth_date = 2001-12-24',
  'field.vip = true', 'field.vip = no', 'field.vip is empty',
  'field.notes contains "despues"', 'field.notes starts with urgente', 'field.notes = "CLIENTE DE TODA LA VIDA"', 'field.notes is empty',
  'kind = lead and tag = "vip" and country in (ES, MX) and consent.marketing = opted_in and last_inbound within 30d',
  'field.plan = "gold" or (organization = "Acme S.L." and not tag = churned)',
  'market = "Rest of Latin America" and engagement.read within 14d and conversation.state = open',
  '(tag = vip or field.vip = true) and not consent.marketing = opted_out and has phone',
  'not (engagement.delivered within 30d or last_inbound within 30d)',
  'consent.marketing = opted_in and engagement.read never and not engagement.replied within 60d',
];

describeEachEngine('segments: SQL agrees with the evaluator', (ctx) => {
  beforeAll(async () => {
    const db = ctx.store.db;
    CASES.length = 0;
    MERGED.clear();
    const rows = buildDataset(160);
    await db.insert(phoneNumbers).values([1, 2].map((k) => ({
      id: uuid(k, 2), phoneNumberId: `PN${k}`, wabaId: 'WABA', displayPhoneNumber: `1555000000${k}`, accessTokenEnc: 'x', appSecretEnc: 'x', verifyToken: 'v',
    })));
    await db.insert(organizations).values(ORGS);
    const tagRows = await db.insert(tags).values(TAGS.map((name) => ({ name }))).returning();
    await db.insert(customFields).values(FIELDS.map((f) => ({ entity: 'contact', key: f.key, label: f.label, type: f.type, options: f.options ?? null })));
    await db.insert(contacts).values(rows.contacts);
    // Merged records keep their data but never appear in a segment.
    for (const id of MERGED) await db.update(contacts).set({ mergedInto: uuid(1, 3) }).where(sql`${contacts.id} = ${id}`);
    await db.insert(contactTags).values(rows.tags.map((t) => ({ contactId: t.contactId, tagId: tagRows.find((x) => x.name === t.tag)!.id })));
    if (rows.consents.length) await db.insert(consents).values(rows.consents);
    await db.insert(conversations).values(rows.conversations);
    for (let i = 0; i < rows.messages.length; i += 500) {
      await db.insert(messages).values(rows.messages.slice(i, i + 500).map((m) => ({
        conversationId: m.conv, direction: m.direction, type: m.type, content: {}, status: m.direction === 'in' ? 'received' : 'sent', at: m.at, deliveredAt: m.deliveredAt, readAt: m.readAt,
      })));
    }
    // Rows written directly, as a migration's backfill would meet them: derive the engagement roll-ups.
    await refreshEngagement(db, 'all');
  });

  const idsOf = async (where: ReturnType<typeof sql>) =>
    (await ctx.store.rows<{ id: string }>(sql`select c.id from contacts c where ${where}`)).map((r) => r.id).sort();

  let nonTrivial = 0;
  it.each(FILTERS)('%s', async (filter) => {
    const r = compileSegmentFilter(filter, FIELDS);
    if (!r.ok) throw new Error(r.error.message);
    const live = CASES.map((f, i) => ({ f, id: uuid(i + 1, 3) })).filter((x) => !MERGED.has(x.id));
    const want = live.filter((x) => matches(r.predicate, x.f, NOW)).map((x) => x.id).sort();
    expect(await idsOf(segmentCondition(r.predicate, NOW))).toEqual(want);
    // The negation is exactly the complement (conditions are two-valued, NULLs included).
    const complement = live.filter((x) => !matches(r.predicate, x.f, NOW)).map((x) => x.id).sort();
    expect(await idsOf(segmentCondition({ t: 'not', item: r.predicate }, NOW))).toEqual(complement);
    if (want.length > 0 && complement.length > 0) nonTrivial++;
  });

  it('the dataset makes most filters select some but not all contacts', () => {
    expect(nonTrivial).toBeGreaterThanOrEqual(Math.floor(FILTERS.length * 0.9));
  });

  it('segmentWhere works for drizzle queries on the contacts table too', async () => {
    const where = await segmentWhere(ctx.store.db, 'tag = vip and has phone', { now: NOW, table: 'contacts' });
    const viaDrizzle = (await ctx.store.db.select({ id: contacts.id }).from(contacts).where(where)).map((r) => r.id).sort();
    const direct = await idsOf(await segmentWhere(ctx.store.db, 'tag = vip and has phone', { now: NOW }));
    expect(viaDrizzle).toEqual(direct);
    expect(direct.length).toBeGreaterThan(0);
  });

  it('counts and previews with the workspace fields, and refuses unknown ones', async () => {
    const count = await countMatching(ctx.store.db, 'field.plan = gold', NOW);
    const preview = await previewFilter(ctx.store.db, 'field.plan = gold', NOW);
    expect(preview.count).toBe(count);
    expect(preview.sample.length).toBe(Math.min(20, count));
    await expect(segmentWhere(ctx.store.db, 'field.color = red')).rejects.toMatchObject({ statusCode: 400, code: 'invalid_filter', details: { column: 1 } });
  });

  it('binds values as parameters, never as SQL text', async () => {
    const evil = `name = "x'); drop table contacts; --"`;
    const where = await segmentWhere(ctx.store.db, evil, { now: NOW });
    expect(await idsOf(where)).toEqual([]);
    expect((await ctx.store.rows<{ n: number }>(sql`select count(*)::int n from contacts`))[0]!.n).toBe(160);
  });
});
