/**
 * Inbox reads benchmark: the conversation list (several views and filters), the sidebar counts and a
 * thread page (conversation + first timeline page), timed at the API (fastify inject, JSON included).
 * Seeds 50k open (+5k pending, +15k resolved) conversations and ~1M messages.
 *   npx tsx bench/inbox.ts [--engine postgres|pglite] [--open 50000] [--per 14] [--runs 60] [--extra-indexes]
 * PostgreSQL: a fresh database next to TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * dropped afterwards. --extra-indexes creates the indexes proposed in BENCHMARKS.md before measuring.
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../src/store/connection.ts';
import { buildApp } from '../src/http/app.ts';
import { createContext } from '../src/context.ts';
import { secretsFromKey } from '../src/store/secrets.ts';
import { inboxRoutes } from '../src/inbox/routes.ts';
import { TOKEN_PRINCIPAL, type Principal } from '../src/inbox/principal.ts';
import { openBenchStore } from './lib/store.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    open: { type: 'string', default: '50000' },
    per: { type: 'string', default: '14' },
    runs: { type: 'string', default: '60' },
    'extra-indexes': { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
  },
});
const engine = values.engine === 'pglite' ? 'pglite' : 'postgres';
const OPEN = Number(values.open);
const PENDING = Math.round(OPEN / 10);
const RESOLVED = Math.round(OPEN * 0.3);
const TOTAL = OPEN + PENDING + RESOLVED;
const PER = Number(values.per);
const RUNS = Number(values.runs);

async function openStore(): Promise<{ store: Store; drop(): Promise<void> }> {
  return openBenchStore(engine, { poolSize: 4 });
}

const FIRST = ['Ana', 'María', 'José', 'Juan', 'Lucía', 'Carmen', 'Antonio', 'Laura', 'Javier', 'Sofía', 'Diego', 'Valentina', 'Carlos', 'Camila', 'Miguel', 'Isabel', 'Pedro', 'Daniela', 'Luis', 'Paula'];
const LAST = ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín'];
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);

const TEAMS = 5;
const AGENTS_PER_TEAM = 8;

async function seed(store: Store): Promise<void> {
  const x = (q: SQL) => store.db.execute(q);
  if (engine === 'postgres') await x(sql`select setseed(0.42)`);
  await x(sql`insert into phone_numbers (id, phone_number_id, waba_id, display_phone_number, access_token_enc, app_secret_enc, verify_token)
    values ('00000000-0000-4000-8000-000000000001', 'PN1', 'W', '34910000001', 'x', 'x', 'v'), ('00000000-0000-4000-8000-000000000002', 'PN2', 'W', '525500000002', 'x', 'x', 'v')`);
  await x(sql`insert into teams (id, name, assignment) select ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, 'Equipo ' || g, 'round_robin' from generate_series(1, ${TEAMS}) g`);
  await x(sql`insert into users (id, email, name, role, availability)
    select ('00000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, 'agente' || g || '@example.com', 'Agente ' || g, 'agent', 'online'
    from generate_series(1, ${TEAMS * AGENTS_PER_TEAM}) g`);
  await x(sql`insert into team_members (team_id, user_id)
    select ('00000000-0000-4000-9000-' || lpad((((g - 1) / ${AGENTS_PER_TEAM}) + 1)::text, 12, '0'))::uuid, ('00000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid
    from generate_series(1, ${TEAMS * AGENTS_PER_TEAM}) g`);
  await x(sql`insert into labels (name) select 'Etiqueta ' || g from generate_series(1, 10) g`);
  // Contacts: a third unknown (wrote in, not classified), the rest leads or customers.
  await x(sql`insert into contacts (wa_id, e164, profile_name, name, kind, created_at)
    select w, '+' || w, f || ' ' || l, case when random() < 0.5 then f || ' ' || l end,
      case when random() < 0.33 then 'unknown' when random() < 0.5 then 'lead' else 'customer' end, now()
    from (select g, '3461' || lpad(g::text, 7, '0') as w,
      (${arr(FIRST)})[1 + floor(random() * ${FIRST.length})::int] as f,
      (${arr(LAST)})[1 + floor(random() * ${LAST.length})::int] as l
      from generate_series(1, ${TOTAL}) g) s`);
  // Conversations: states by share, teams (10 % none), 60 % assigned to a member of their team.
  await x(sql`insert into conversations (phone_number_id, contact_id, state, team_id, assignee_id, important, unread_count,
      last_message_at, last_inbound_at, window_expires_at, created_at, resolved_at)
    select case when rn % 2 = 0 then '00000000-0000-4000-8000-000000000001'::uuid else '00000000-0000-4000-8000-000000000002'::uuid end,
      id, st, team, case when team is not null and random() < 0.6
        then ('00000000-0000-4000-a000-' || lpad(((tn - 1) * ${AGENTS_PER_TEAM} + 1 + floor(random() * ${AGENTS_PER_TEAM})::int)::text, 12, '0'))::uuid end,
      random() < 0.03, case when random() < 0.4 then 1 + floor(random() * 5)::int else 0 end,
      lm, lm, lm + interval '24 hours', lm - interval '30 days', case when st = 'resolved' then lm end
    from (select k.id, row_number() over () as rn,
        case when row_number() over () <= ${OPEN} then 'open' when row_number() over () <= ${OPEN + PENDING} then 'pending' else 'resolved' end as st,
        1 + floor(random() * ${TEAMS})::int as tn, random() < 0.1 as noteam,
        now() - random() * interval '30 days' as lm
      from contacts k) s
    cross join lateral (select case when not noteam then ('00000000-0000-4000-9000-' || lpad(tn::text, 12, '0'))::uuid end as team) t`);
  // Messages: PER per conversation, ending at last_message_at; the last one inbound 60 % of the time.
  await x(sql`insert into messages (wamid, conversation_id, direction, type, content, status, at, created_at)
    select 'wamid.' || c.id || '.' || k, c.id,
      case when k = ${PER} then (case when random() < 0.6 then 'in' else 'out' end) when k % 2 = 0 then 'out' else 'in' end as dir,
      case when k % 10 = 3 then 'image' else 'text' end,
      case when k % 10 = 3 then jsonb_build_object('type', 'image', 'image', jsonb_build_object('id', 'm' || k, 'caption', 'foto ' || k))
        else jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', 'Mensaje número ' || k || ' de la conversación, con algo de texto para que pese.')) end,
      'delivered', c.last_message_at - (${PER} - k) * interval '7 minutes', c.last_message_at - (${PER} - k) * interval '7 minutes'
    from conversations c cross join generate_series(1, ${PER}) k`);
  await x(sql`update conversations c set last_inbound_at = m.at from (
      select conversation_id, max(at) as at from messages where direction = 'in' group by conversation_id) m
    where m.conversation_id = c.id`);
  await x(sql`insert into conversation_labels (conversation_id, label_id)
    select c.id, (select id from labels order by name offset (abs(hashtext(c.id::text)) % 10) limit 1)
    from conversations c where random() < 0.2`);
  await x(sql`insert into conversation_notes (conversation_id, body, kind, created_at)
    select id, 'Nota interna', 'note', last_message_at - interval '3 minutes' from conversations where random() < 0.3`);
  await x(sql`analyze`);
}

const EXTRA_INDEXES = [
  sql`create index if not exists conversations_contact_idx on conversations (contact_id)`,
  sql`create index if not exists conversations_important_idx on conversations (state, last_message_at) where important`,
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { store, drop } = await openStore();
  try {
    await seed(store);
    const seeded = performance.now() - t0;
    const [counts] = await store.rows<{ c: number; m: number }>(sql`select (select count(*)::int from conversations) as c, (select count(*)::int from messages) as m`);
    if (values['extra-indexes']) for (const q of EXTRA_INDEXES) await store.db.execute(q);
    if (values['extra-indexes']) await store.db.execute(sql`analyze conversations`);

    const ctx = createContext({ store, secrets: secretsFromKey('bench-key-bench-key-bench-key-bench-0001'), cloudApi: { baseUrl: 'http://127.0.0.1:9', version: 'v23.0' } });
    const app = await buildApp({ store, logger: false });
    await app.register(async (api) => {
      api.addHook('onRequest', async (request) => {
        const h = request.headers['x-principal'];
        request.principal = typeof h === 'string' ? (JSON.parse(h) as Principal) : TOKEN_PRINCIPAL;
      });
      await api.register(inboxRoutes, { ctx });
    });
    await app.ready();

    const team1 = '00000000-0000-4000-9000-000000000001';
    const agentId = '00000000-0000-4000-a000-000000000001';
    const agent: Principal = { kind: 'user', userId: agentId, role: 'agent', teamIds: [team1] };
    const sup: Principal = { kind: 'user', userId: '00000000-0000-4000-a000-000000000040', role: 'supervisor', teamIds: [] };
    const [label] = await store.rows<{ id: string }>(sql`select id from labels order by name limit 1`);
    const threads = (await store.rows<{ id: string }>(sql`select id from conversations where state = 'open' order by random() limit 500`)).map((r) => r.id);

    const get = async (p: Principal, url: string) => {
      const res = await app.inject({ url, headers: { 'x-principal': JSON.stringify(p) } });
      if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
      return res.json() as { data: unknown[]; nextCursor?: string | null };
    };
    // The fifth page: follow cursors once, then time that request.
    let page5 = '/api/v1/inbox/conversations?view=all';
    for (let i = 0; i < 4; i++) {
      const r = await get(sup, page5);
      page5 = `/api/v1/inbox/conversations?view=all&cursor=${r.nextCursor}`;
    }

    const L = '/api/v1/inbox/conversations';
    const cases: [string, Principal, (i: number) => string | string[]][] = [
      ['list: all open (supervisor)', sup, () => `${L}?view=all`],
      ['list: all open, 5th page', sup, () => page5],
      ['list: mine (agent)', agent, () => `${L}?view=mine`],
      ['list: team (agent)', agent, () => `${L}?view=team`],
      ['list: all visible (agent)', agent, () => `${L}?view=all`],
      ['list: unassigned (agent)', agent, () => `${L}?view=unassigned`],
      ['list: unread only', sup, () => `${L}?unread=true`],
      ['list: new (no reply yet)', sup, () => `${L}?category=new`],
      ['list: important', sup, () => `${L}?category=important`],
      ['list: unknown number', sup, () => `${L}?category=unknown`],
      ['list: label', sup, () => `${L}?labelId=${label!.id}`],
      ['list: pending', sup, () => `${L}?state=pending`],
      ['list: search name prefix', sup, (i) => `${L}?q=${encodeURIComponent(FIRST[i % FIRST.length]!.slice(0, 3).toLowerCase())}`],
      ['list: search number prefix', sup, (i) => `${L}?q=3461${String((i * 7919) % OPEN).padStart(7, '0').slice(0, 5)}`],
      ['counts (agent)', agent, () => '/api/v1/inbox/counts'],
      ['counts (supervisor)', sup, () => '/api/v1/inbox/counts'],
      ['thread: conversation', sup, (i) => `${L}/${threads[i % threads.length]}`],
      ['thread: timeline page', sup, (i) => `${L}/${threads[i % threads.length]}/timeline`],
      ['thread page (both)', sup, (i) => [`${L}/${threads[i % threads.length]}`, `${L}/${threads[i % threads.length]}/timeline`]],
    ];
    const results: { name: string; p50: number; p95: number; rows: number }[] = [];
    for (const [name, p, url] of cases) {
      for (let i = 0; i < 5; i++) for (const u of [url(i)].flat()) await get(p, u);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const urls = [url(i + 100)].flat();
        const s = performance.now();
        for (const u of urls) rows = (await get(p, u)).data?.length ?? 0;
        times.push(performance.now() - s);
      }
      results.push({ name, p50: pct(times, 50), p95: pct(times, 95), rows });
    }
    if (values.explain && engine === 'postgres') {
      for (const cond of [sql`lower(coalesce(k.name, k.profile_name)) like 'mar%'`, sql`k.wa_id like '346100123%'`, sql`k.wa_id like '34619%'`]) {
        const plan = await store.rows<{ 'QUERY PLAN': string }>(sql`explain analyze select c.id from conversations c join contacts k on k.id = c.contact_id
          where c.state = 'open' and c.last_message_at is not null and ${cond} order by c.last_message_at desc, c.id desc limit 31`);
        console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
      }
    }
    await app.close();
    console.log(`\nInbox reads — ${engine}, ${counts!.c.toLocaleString('en')} conversations (${OPEN.toLocaleString('en')} open), ${counts!.m.toLocaleString('en')} messages; seeded in ${(seeded / 1000).toFixed(1)} s`);
    console.log(`${os.cpus().length} vCPU, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs each${values['extra-indexes'] ? ', extra indexes' : ''}\n`);
    console.log('| request | p50 ms | p95 ms | rows |');
    console.log('|---|---|---|---|');
    for (const r of results) console.log(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.rows} |`);
  } finally {
    await drop();
  }
}

await main();
