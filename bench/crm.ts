/**
 * CRM reads benchmark: contact search (name prefix, number prefix) and segment counts over a realistic
 * workspace — 100k contacts with tags, consents, custom fields, conversations and 1M messages.
 *   npx tsx bench/crm.ts [--engine postgres|pglite] [--contacts 100000] [--messages 1000000] [--runs 200] [--explain] [--as-migrated] [--keep]
 * PostgreSQL: a fresh database next to TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * dropped afterwards. Rows are written directly, so the engagement roll-ups on contacts are then derived
 * with refreshEngagement('all') — what migration 0007 does to an existing database — and that is timed too.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../src/store/connection.ts';
import { segmentWhere } from '../src/crm/segments.ts';
import { refreshEngagement } from '../src/crm/engagement.ts';
import { listContacts } from '../src/crm/contacts.ts';
import { openBenchStore } from './lib/store.ts';
import { openPostgres } from '../src/store/connection.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    contacts: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '200' },
    /** Print each segment count's plan (EXPLAIN ANALYZE) instead of timing only. */
    explain: { type: 'boolean', default: false },
    /** Leave the seeded database in place (its URL is printed) for looking at plans by hand. */
    keep: { type: 'boolean', default: false },
    /** Skip compacting contacts after deriving the roll-ups: the state right after migration 0007 on old data. */
    'as-migrated': { type: 'boolean', default: false },
  },
});
const engine = values.engine === 'pglite' ? 'pglite' : 'postgres';
const N = Number(values.contacts);
const M = Number(values.messages);
// 200 samples per line: a p95 of 30 is the second-slowest run, and on this VM that is noise, not the query.
const RUNS = Number(values.runs);

async function openStore() {
  return openBenchStore(engine, { poolSize: 4 });
}

const FIRST = ['Ana', 'María', 'José', 'Juan', 'Lucía', 'Carmen', 'Antonio', 'Laura', 'Javier', 'Sofía', 'Diego', 'Valentina', 'Carlos', 'Camila', 'Miguel', 'Isabel', 'Pedro', 'Daniela', 'Luis', 'Paula', 'Jorge', 'Elena', 'Andrés', 'Marta', 'Fernando', 'Gabriela', 'Ricardo', 'Alejandra', 'Pablo', 'Natalia'];
const LAST = ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Torres', 'Ramírez', 'Flores'];
const TAGS = ['vip', 'mayorista', 'minorista', 'churned', 'newsletter', 'feria-2026', 'madrid', 'cdmx', 'bogota', 'santo-domingo', 'b2b', 'b2c', 'reclamación', 'recomendado', 'black-friday', 'navidad', 'rebajas', 'evento', 'web', 'tienda'];
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);

async function seed(store: Store): Promise<void> {
  const x = (q: SQL) => store.db.execute(q);
  if (engine === 'postgres') await x(sql`select setseed(0.42)`);
  await x(sql`insert into phone_numbers (id, phone_number_id, waba_id, display_phone_number, access_token_enc, app_secret_enc, verify_token)
    values ('00000000-0000-4000-8000-000000000001', 'PN1', 'W', '34910000001', 'x', 'x', 'v'), ('00000000-0000-4000-8000-000000000002', 'PN2', 'W', '525500000002', 'x', 'x', 'v')`);
  await x(sql`insert into organizations (name) select 'Hotel Sol ' || g from generate_series(1, 500) g
    union all select 'Clínica Norte ' || g from generate_series(1, 300) g union all select 'Colegio Santa ' || g from generate_series(1, 200) g`);
  await x(sql`insert into tags (name) select unnest(${arr(TAGS)})`);
  await x(sql`insert into custom_fields (entity, key, label, type, options) values
    ('contact', 'plan', 'Plan', 'choice', '["Gold","Silver","Bronze"]'), ('contact', 'visits', 'Visitas', 'number', null),
    ('contact', 'interests', 'Intereses', 'multi_choice', '["Golf","Tenis","Vela","Pádel"]'), ('contact', 'birth_date', 'Nacimiento', 'date', null)`);
  // Countries by the share a Spanish/LatAm business sees: ES, MX, CO, AR, DO (Rest of Latin America), US.
  await x(sql`
    with orgs as (select array_agg(id order by id) ids, count(*)::int n from organizations), p as (
      select g, random() r, random() r2, random() r3, random() r4, (array['34','52','57','54','1809','1'])[1 + (g % 17 % 6)] cc from generate_series(1, ${N}) g
    )
    insert into contacts (wa_id, e164, name, profile_name, kind, country, market, email, organization_id, fields, created_at, bsuid, username)
    select cc || lpad(g::text, 9, '0'), '+' || cc || lpad(g::text, 9, '0'),
      case when r < 0.6 then (${arr(FIRST)})[1 + (g * 7 % ${FIRST.length})] || ' ' || (${arr(LAST)})[1 + (g * 13 % ${LAST.length})] end,
      (${arr(FIRST)})[1 + (g * 11 % ${FIRST.length})],
      (array['unknown','lead','lead','customer','customer','customer','supplier'])[1 + (g % 7)],
      case cc when '34' then 'ES' when '52' then 'MX' when '57' then 'CO' when '54' then 'AR' when '1809' then 'DO' else 'US' end,
      case cc when '34' then 'Spain' when '52' then 'Mexico' when '57' then 'Colombia' when '54' then 'Argentina' when '1809' then 'Rest of Latin America' else 'North America' end,
      case when r2 < 0.4 then 'c' || g || '@example.com' end,
      case when r3 < 0.3 then orgs.ids[1 + (g % orgs.n)] end,
      jsonb_strip_nulls(jsonb_build_object(
        'plan', case when r4 < 0.5 then (array['Gold','Silver','Bronze'])[1 + (g % 3)] end,
        'visits', case when r4 < 0.7 then (g % 20) end,
        'interests', case when r4 > 0.6 then jsonb_build_array((array['Golf','Tenis','Vela','Pádel'])[1 + (g % 4)]) end,
        'birth_date', case when r < 0.3 then to_char(date '1960-01-01' + (g % 15000), 'YYYY-MM-DD') end)),
      now() - (g % 1000) * interval '1 day' - (g % 86400) * interval '1 second',
      case when r4 < 0.1 then 'ES.' || g end, case when r4 < 0.05 then 'user_' || g end
    from p cross join orgs`);
  await x(sql`insert into contact_tags (contact_id, tag_id)
    select c.id, t.id from contacts c cross join lateral (select id from tags order by random() limit (abs(hashtext(c.id::text)) % 4)) t
    on conflict do nothing`);
  await x(sql`insert into consents (contact_id, category, state, at)
    select id, 'marketing', case when random() < 0.85 then 'opted_in' else 'opted_out' end, now() - random() * interval '300 days' from contacts where random() < 0.7`);
  await x(sql`insert into consents (contact_id, category, state, at)
    select id, 'utility', 'opted_in', now() - random() * interval '300 days' from contacts where random() < 0.5`);
  await x(sql`insert into conversations (phone_number_id, contact_id, state, created_at)
    select '00000000-0000-4000-8000-000000000001'::uuid, id, (array['open','pending','resolved','resolved'])[1 + (abs(hashtext(id::text)) % 4)], now() from contacts where random() < 0.9
    union all
    select '00000000-0000-4000-8000-000000000002'::uuid, id, (array['open','resolved'])[1 + (abs(hashtext(id::text)) % 2)], now() from contacts where random() < 0.2`);
  const conv = Number((await store.rows<{ n: number }>(sql`select count(*)::int n from conversations`))[0]!.n);
  const per = Math.max(1, Math.round(M / conv));
  // Per conversation: a mix of inbound texts, agent texts and campaign templates over the last 180 days.
  await x(sql`
    with s as (
      select cv.id conv, random() r, random() r2, now() - random() * interval '180 days' ts
      from conversations cv cross join generate_series(1, ${per}) g
    )
    insert into messages (conversation_id, direction, type, content, status, at, delivered_at, read_at)
    select conv, case when r < 0.5 then 'in' else 'out' end, case when r < 0.5 then 'text' when r < 0.8 then 'template' else 'text' end,
      '{}'::jsonb, case when r < 0.5 then 'received' else 'delivered' end, ts,
      case when r >= 0.5 and r2 < 0.85 then ts + interval '1 minute' end,
      case when r >= 0.5 and r2 < 0.45 then ts + interval '2 hours' end
    from s`);
  await x(sql`update conversations cv set last_inbound_at = m.last, last_message_at = m.last
    from (select conversation_id, max(at) last from messages where direction = 'in' group by conversation_id) m where m.conversation_id = cv.id`);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function measure(label: string, queries: (() => Promise<unknown>)[], rows: string[]): Promise<void> {
  for (const q of queries.slice(0, 3)) await q();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const q = queries[i % queries.length]!;
    const t = performance.now();
    await q();
    times.push(performance.now() - t);
  }
  const line = `| ${label} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} |`;
  rows.push(line);
  console.log(line);
}

async function main(): Promise<void> {
  const { store: seedStore, drop, url } = await openStore();
  let store = seedStore;
  try {
    const t0 = performance.now();
    await seed(store);
    await store.db.execute(sql`analyze`);
    const t1 = performance.now();
    await refreshEngagement(store.db, 'all');
    console.log(`engagement roll-ups derived for all contacts in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    // The seed writes every contact twice (insert, then its roll-ups), leaving half of the table dead; a
    // workspace that grew by itself does not look like that, so compact it unless asked for that state.
    if (!values['as-migrated']) await store.db.execute(sql`vacuum full contacts`);
    await store.db.execute(sql`vacuum analyze`);
    // Write the seed's gigabyte out now, not during the timed runs.
    if (engine === 'postgres') await store.db.execute(sql`checkpoint`);
    console.log(`contacts table: ${(await store.rows<{ size: string }>(sql`select pg_size_pretty(pg_table_size('contacts')) size`))[0]!.size}`);
    const counts = (await store.rows<Record<string, number>>(sql`select (select count(*) from contacts)::int contacts, (select count(*) from messages)::int messages,
      (select count(*) from conversations)::int conversations, (select count(*) from contact_tags)::int contact_tags, (select count(*) from consents)::int consents`))[0]!;
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s:`, counts);
    // Time on new connections, as the app's would be, not on the ones that bulk-loaded and vacuumed.
    if (url) store = openPostgres(url, 4);
    const rows: string[] = [];
    console.log('| query | p50 ms | p95 ms |\n|---|---|---|');
    const prefixes = ['an', 'mar', 'jo', 'lu', 'car', 'ped', 'sof', 'ga', 'al', 'dan'];
    // What GET /api/v1/contacts[?q=] runs (listContacts: newest first, a page of 50 with its tags).
    await measure('list (API): newest first, first page of 50, no search', [() => listContacts(store.db, { limit: 50 })], rows);
    await measure('list (API): by name A–Z, first page of 50', [() => listContacts(store.db, { limit: 50, sort: 'name' })], rows);
    await measure('list (API): latest message first, first page of 50', [() => listContacts(store.db, { limit: 50, sort: '-last_inbound' })], rows);
    await measure('search (API): name or username prefix, newest first, page of 50', prefixes.map((p) => () => listContacts(store.db, { q: p, limit: 50 })), rows);
    const numbers = ['34', '3400001', '52000', '5700004', '1809000012', '54000009'];
    await measure('search (API): number prefix, newest first, page of 50', numbers.map((p) => () => listContacts(store.db, { q: `+${p}`, limit: 50 })), rows);
    await measure('search (API): exact e-mail', ['c17@example.com', 'c90211@example.com', 'nadie@example.com'].map((e) => () => listContacts(store.db, { q: e, limit: 50 })), rows);
    const FILTERS = [
      'kind = lead and tag = "vip" and consent.marketing = opted_in',
      'country in (ES, MX) and last_inbound within 30d',
      'market = "Rest of Latin America" and engagement.read within 14d and conversation.state = open',
      'consent.marketing = opted_in and not engagement.delivered within 30d',
      'field.plan = "Gold" or (organization = "Hotel Sol 7" and not tag = churned)',
      'engagement.replied within 30d and consent.marketing != opted_out',
      'tag in (mayorista, b2b) and field.visits >= 10 and has email',
      'name starts with "ana" and last_inbound never',
    ];
    const now = new Date();
    for (const f of FILTERS) {
      const where = await segmentWhere(store.db, f, { now });
      const n = (await store.rows<{ n: number }>(sql`select count(*)::int n from contacts c where ${where}`))[0]!.n;
      if (values.explain) {
        const plan = await store.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze, costs off) select count(*)::int n from contacts c where ${where}`);
        console.log(`\n${f}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      }
      await measure(`count: \`${f}\` (${n})`, [() => store.rows(sql`select count(*)::int n from contacts c where ${where}`)], rows);
    }
    console.log(`\n${engine}, ${os.cpus().length} vCPU, ${os.cpus()[0]?.model ?? ''}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  } finally {
    if (store !== seedStore) await store.close();
    if (values.keep) {
      console.log(`kept: ${url ?? 'pglite (in memory: gone)'}`);
      await seedStore.close();
    } else await drop();
  }
}

await main();
