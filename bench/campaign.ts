/**
 * Campaign benchmarks (issue 8), on PostgreSQL (TEST_DATABASE_URL, fresh database), sandbox in its own process.
 *   npx tsx bench/campaign.ts --recipients 100000 --mps 1000     one campaign, one number: share of the cap sustained
 *   npx tsx bench/campaign.ts --campaigns 10 --mps 80 [--recipients 40000]   ten campaigns on ten numbers at once
 *   npx tsx bench/campaign.ts --cost 2000                       estimate vs cost summed from the sandbox's pricing webhooks
 *   npx tsx bench/campaign.ts --kill 10 --recipients 10000      sender process SIGKILLed N times; exactly once per recipient
 *   npx tsx bench/campaign.ts --resolve 1000000                 audience resolution (preview counts) over N contacts
 * Sends go through the real path: launch → feeder (outbox kept ~2 s deep) → dispatcher lanes → sandbox. Rates come
 * from the sandbox's own acceptance log, as in bench/send.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createContext } from '../src/context.ts';
import { TEST_KEY } from '../test/helpers/context.ts';
import type { Store } from '../src/store/connection.ts';
import { openBenchStore } from './lib/store.ts';
import { secretsFromKey } from '../src/store/secrets.ts';
import { upsertNumber } from '../src/messaging/numbers.ts';
import { startDispatcher } from '../src/messaging/dispatcher.ts';
import { startCampaignFeeder } from '../src/campaigns/feeder.ts';
import { createCampaign, launchCampaign, getCampaignRow } from '../src/campaigns/service.ts';
import { createServices } from '../src/services.ts';
import { buildApp } from '../src/http/app.ts';
import { countAudience } from '../src/campaigns/audience.ts';
import { actualCost, type CampaignEstimate } from '../src/core/campaigns/estimate.ts';
import { marketOfPhone } from '../src/core/market.ts';
import type { RateTable } from '../src/core/pricing/rate-card.ts';
import { acceptanceRates } from './lib/rates.ts';
import { startSandbox as startSandboxProcess } from './lib/sandbox.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string' },
    mps: { type: 'string', default: '1000' },
    campaigns: { type: 'string' },
    kill: { type: 'string' },
    resolve: { type: 'string' },
    cost: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const RATES: RateTable = { Spain: { marketing: '0.0615', utility: '0.0200', authentication: '0.0200' }, Mexico: { marketing: '0.0436', utility: '0.0100', authentication: '0.0100' } };
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Statuses right away: the runs measure sending, not Meta's delivery delay. */
const startSandbox = (args: string[]) => startSandboxProcess(['--delivered-ms', '0', '--read-ms', '0', ...args]);

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  return (await (await fetch(url, init)).json()) as T;
}

interface SandboxConfig { apiVersion: string; accessToken: string; appSecret: string; verifyToken: string; waba: { id: string }; phoneNumbers: { id: string; display_phone_number: string }[] }

async function setup(store: Store, url: string, mps: number) {
  const cfg = await getJson<SandboxConfig>(`${url}/_sandbox/config`);
  // The sender child (a test fixture) decrypts the same tokens: same key.
  const ctx = createContext({ store, secrets: secretsFromKey(TEST_KEY), logger: pino({ level: 'warn' }), cloudApi: { baseUrl: url, version: cfg.apiVersion } });
  const numbers: { id: string; metaId: string }[] = [];
  for (const pn of cfg.phoneNumbers) {
    const row = await upsertNumber(ctx, { phoneNumberId: pn.id, wabaId: cfg.waba.id, displayPhoneNumber: pn.display_phone_number, accessToken: cfg.accessToken, appSecret: cfg.appSecret, verifyToken: cfg.verifyToken, throughputMps: mps });
    numbers.push({ id: row.id, metaId: pn.id });
  }
  await store.db.execute(sql`update phone_numbers set messaging_limit_tier = 'TIER_UNLIMITED'`);
  const tpl = await getJson<{ data: { name: string; language: string; category: string; status: string; parameter_format?: string; components: unknown[] }[] }>(
    `${url}/${cfg.apiVersion}/${cfg.waba.id}/message_templates?limit=100&access_token=${cfg.accessToken}`);
  for (const t of tpl.data) {
    await store.db.execute(sql`insert into templates (waba_id, name, language, category, status, parameter_format, components)
      values (${cfg.waba.id}, ${t.name}, ${t.language}, ${t.category}, ${t.status}, ${(t.parameter_format ?? 'positional').toLowerCase()}, ${JSON.stringify(t.components)}::jsonb) on conflict do nothing`);
  }
  await store.db.execute(sql`insert into rate_cards (name, currency, effective_from, rates, tiers) values ('bench', 'USD', '2025-07-01T00:00:00Z', ${JSON.stringify(RATES)}::jsonb, '[]')`);
  const [orderUpdate] = await store.rows<{ id: string }>(sql`select id from templates where name = 'order_update' and language = 'es'`);
  return { ctx, cfg, numbers, templateId: orderUpdate!.id };
}

/** Contacts in bulk: Spanish (and some Mexican) mobiles tagged per campaign. */
async function seedContacts(store: Store, n: number, tag: string, offset: number, mexicanShare = 0) {
  await store.db.execute(sql`insert into tags (name) values (${tag}) on conflict do nothing`);
  await store.db.execute(sql`
    with c as (
      insert into contacts (wa_id, e164, country, market, name)
      select case when g % 100 < ${mexicanShare * 100} then '52155' || lpad((${offset} + g)::text, 8, '0') else '346' || lpad((${offset} + g)::text, 8, '0') end,
             case when g % 100 < ${mexicanShare * 100} then '+52155' || lpad((${offset} + g)::text, 8, '0') else '+346' || lpad((${offset} + g)::text, 8, '0') end,
             case when g % 100 < ${mexicanShare * 100} then 'MX' else 'ES' end,
             case when g % 100 < ${mexicanShare * 100} then 'Mexico' else 'Spain' end,
             'Cliente ' || g
      from generate_series(1, ${n}) g returning id)
    insert into contact_tags (contact_id, tag_id) select c.id, t.id from c, tags t where t.name = ${tag}`);
}

const MAPPING = { body: { '1': { from: 'contact.first_name', fallback: 'cliente' }, '2': { from: 'fixed', value: 'A-1' } }, buttons: { '0': { from: 'fixed', value: 'A-1' } } };

async function sandboxSends(url: string): Promise<{ phoneNumberId: string; acceptedAt: number; input?: string }[]> {
  const out: { phoneNumberId: string; acceptedAt: number; input?: string }[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const page = await getJson<{ data: { phoneNumberId: string; acceptedAt: number; input?: string }[] }>(`${url}/_sandbox/sends?limit=10000&offset=${offset}`);
    out.push(...page.data);
    if (page.data.length < 10_000) return out;
  }
}

function rateStats(times: number[], mps: number) {
  const r = acceptanceRates(times, mps);
  return { sends: r.sends, steadyPct: Number(r.steadyPct.toFixed(1)), busiestPct: Number(r.busiestPct.toFixed(1)), seconds: Number(r.seconds.toFixed(1)) };
}

async function throughput(campaigns: number, recipients: number, mps: number) {
  const { child, url } = await startSandbox(['--numbers', String(campaigns), '--throughput', String(mps), '--personas', '10']);
  const { store, drop } = await openBenchStore('postgres', { poolSize: 16 });
  try {
    const { ctx, numbers, templateId } = await setup(store, url, mps);
    const per = Math.floor(recipients / campaigns);
    const ids: string[] = [];
    for (let i = 0; i < campaigns; i++) {
      await seedContacts(store, per, `bench${i}`, i * 10_000_000);
      const c = await createCampaign(ctx, { name: `bench ${i}`, phoneNumberId: numbers[i]!.id, templateId, mapping: MAPPING, audience: { include: [{ tag: `bench${i}` }], exclude: [] }, schedule: { kind: 'now' }, timeZone: 'Europe/Madrid' });
      ids.push(c.id);
    }
    log(`seeded ${per} × ${campaigns}; launching…`);
    const t0 = Date.now();
    for (const id of ids) await launchCampaign(ctx, id);
    const launchMs = Date.now() - t0;
    const started = Date.now();
    const dispatcher = startDispatcher(ctx);
    const feeder = startCampaignFeeder(ctx, { wakeDispatcher: () => dispatcher.wake() });
    for (;;) {
      const states = await Promise.all(ids.map(async (id) => (await getCampaignRow(store.db, id)).state));
      if (states.every((s) => s === 'completed')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const elapsed = (Date.now() - started) / 1000;
    await feeder.stop();
    await dispatcher.stop();
    const sends = await sandboxSends(url);
    const stats = numbers.map((n) => rateStats(sends.filter((s) => s.phoneNumberId === n.metaId).map((s) => s.acceptedAt), mps));
    const errors = await store.rows<{ code: string | null; n: number }>(sql`select last_error->>'code' as code, count(*)::int as n from outbound_messages where last_error is not null group by 1`);
    return {
      mode: 'throughput', campaigns, recipients: per * campaigns, mps, launchSeconds: launchMs / 1000, elapsed,
      total: sends.length, steadyPctMin: Math.min(...stats.map((s) => s.steadyPct)), steadyPctAvg: Number((stats.reduce((a, s) => a + s.steadyPct, 0) / stats.length).toFixed(1)),
      busiestPctMax: Math.max(...stats.map((s) => s.busiestPct)),
      throttle: errors.filter((e) => e.code === '130429' || e.code === '131056').reduce((a, e) => a + e.n, 0), errors,
    };
  } finally {
    child.kill();
    await drop();
  }
}

async function cost(recipients: number) {
  // Webhooks come to a receiver here that sums Meta's pricing facts (billable per category) per recipient market.
  const statuses = new Map<string, { billable: boolean; category: string; to: string }>();
  const receiver = createServer((req, res) => {
    if (req.method === 'GET') {
      const u = new URL(req.url ?? '/', 'http://x');
      res.end(u.searchParams.get('hub.challenge') ?? '');
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        const j = JSON.parse(body) as { entry: { changes: { value: { statuses?: { id: string; recipient_id: string; pricing?: { billable: boolean; category: string } }[] } }[] }[] };
        for (const e of j.entry) for (const c of e.changes) for (const s of c.value.statuses ?? []) if (s.pricing) statuses.set(s.id, { billable: s.pricing.billable, category: s.pricing.category, to: s.recipient_id });
      } catch {
        // not JSON: ignore
      }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as { port: number }).port;
  const { child, url } = await startSandbox(['--numbers', '1', '--throughput', '200', '--personas', '10', '--callback-url', `http://127.0.0.1:${port}/`]);
  const { store, drop } = await openBenchStore('postgres');
  try {
    const { ctx, numbers, templateId } = await setup(store, url, 200);
    await seedContacts(store, recipients, 'cost', 0, 0.3);
    // The sandbox knows only its personas: add every recipient so sends are delivered (and priced).
    const people = await store.rows<{ wa_id: string; country: string }>(sql`select wa_id, country from contacts`);
    for (const p of people) await fetch(`${url}/_sandbox/personas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wa_id: p.wa_id, country: p.country }) });
    const c = await createCampaign(ctx, { name: 'cost', phoneNumberId: numbers[0]!.id, templateId, mapping: MAPPING, audience: { include: [{ tag: 'cost' }], exclude: [] }, schedule: { kind: 'now' }, timeZone: 'Europe/Madrid' });
    const { preview } = await launchCampaign(ctx, c.id);
    const dispatcher = startDispatcher(ctx);
    const feeder = startCampaignFeeder(ctx, { wakeDispatcher: () => dispatcher.wake() });
    while ((await getCampaignRow(store.db, c.id)).state !== 'completed') await new Promise((r) => setTimeout(r, 300));
    const end = Date.now() + 30_000;
    while (statuses.size < recipients && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    await feeder.stop();
    await dispatcher.stop();
    const lines = new Map<string, { market: string; category: string; billable: boolean; count: number }>();
    for (const s of statuses.values()) {
      const market = marketOfPhone(s.to);
      const k = `${market}|${s.category}|${s.billable}`;
      const l = lines.get(k) ?? { market, category: s.category, billable: s.billable, count: 0 };
      l.count++;
      lines.set(k, l);
    }
    const card = { name: 'bench', currency: 'USD', effectiveFrom: new Date('2025-07-01T00:00:00Z'), rates: RATES, tiers: [] };
    const fromWebhooks = actualCost(card, [...lines.values()]);
    const est = (await getCampaignRow(store.db, c.id)).estimate as CampaignEstimate;
    return { mode: 'cost', recipients, priced: statuses.size, estimate: est.total, estimateRounded: est.totalRounded, fromWebhooks: fromWebhooks.total, equal: est.totalRounded === fromWebhooks.totalRounded, previewCharged: preview.estimate.charged };
  } finally {
    child.kill();
    receiver.close();
    await drop();
  }
}

async function kill(times: number, recipients: number) {
  const { child, url } = await startSandbox(['--numbers', '1', '--throughput', '1000', '--personas', '10']);
  const { store, drop, url: dbUrl } = await openBenchStore('postgres');
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  try {
    const { ctx, numbers, templateId } = await setup(store, url, 1000);
    await seedContacts(store, recipients, 'kill', 0);
    const c = await createCampaign(ctx, { name: 'kill', phoneNumberId: numbers[0]!.id, templateId, mapping: MAPPING, audience: { include: [{ tag: 'kill' }], exclude: [] }, schedule: { kind: 'now' }, timeZone: 'Europe/Madrid' });
    await launchCampaign(ctx, c.id);
    // Status webhooks flow into an app here (processor running): after a kill, rows left in doubt are reconciled
    // from statuses carrying our id before any resend, as in production.
    const services = createServices(ctx, { workers: false });
    const app = await buildApp({ store, logger: false, services, apiToken: 'bench-api-token-0123456789abcdef' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    services.processor.start();
    await fetch(`${url}/_sandbox/webhook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callback_url: `${address}/webhooks/whatsapp` }) });
    closers.push(async () => {
      await services.stop();
      await app.close();
    });
    const script = fileURLToPath(new URL('../test/campaigns/fixtures/sender-child.ts', import.meta.url));
    const start = () => {
      const ch = spawn(process.execPath, ['--import', 'tsx', script, dbUrl!, url, '20000'], { stdio: 'ignore' });
      children.push(ch);
      return ch;
    };
    for (let k = 0; k < times; k++) {
      const ch = start();
      await new Promise((r) => setTimeout(r, 1500 + Math.floor(Math.random() * 2500)));
      ch.kill('SIGKILL');
      await new Promise((r) => ch.on('exit', r));
    }
    const last = start();
    const inDoubt = async () => Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from outbound_messages where state = 'sending'`))[0]!.n);
    for (;;) {
      const pending = Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from campaign_recipients where state = 'pending'`))[0]!.n);
      const queued = Number((await store.rows<{ n: number }>(sql`select count(*)::int as n from outbound_messages where state in ('queued', 'sending')`))[0]!.n);
      if (pending === 0 && queued === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    last.kill('SIGKILL');
    const sends = await sandboxSends(url);
    const per = new Map<string, number>();
    for (const s of sends) per.set(String(s.input ?? '').replace(/\D/g, ''), (per.get(String(s.input ?? '').replace(/\D/g, '')) ?? 0) + 1);
    const twice = [...per.values()].filter((n) => n > 1).length;
    const doubt = await inDoubt();
    return { mode: 'kill', kills: times, recipients, accepted: sends.length, distinct: per.size, sentTwice: twice, leftInDoubt: doubt, exactlyOnce: twice === 0 && per.size === recipients };
  } finally {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    for (const c of closers) await c().catch(() => {});
    child.kill();
    await drop();
  }
}

async function resolve(n: number) {
  const { store, drop } = await openBenchStore('postgres');
  try {
    log(`seeding ${n} contacts…`);
    await store.db.execute(sql`insert into contacts (wa_id, e164, country, market, name, kind)
      select '346' || lpad(g::text, 8, '0'), '+346' || lpad(g::text, 8, '0'), 'ES', 'Spain', 'C' || g, case when g % 3 = 0 then 'customer' else 'lead' end
      from generate_series(1, ${n}) g`);
    await store.db.execute(sql`insert into consents (contact_id, category, state, at)
      select id, 'marketing', case when random() < 0.05 then 'opted_out' else 'opted_in' end, now() from contacts where random() < 0.7`);
    await store.db.execute(sql`insert into suppressions (identifier) select wa_id from contacts where random() < 0.01`);
    await store.db.execute(sql`analyze`);
    const audience = { include: [{ filter: 'kind = customer or kind = lead' }], exclude: [] };
    const runs: number[] = [];
    let counts = null;
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      counts = await countAudience(store.db, audience, { category: 'MARKETING', needsPhone: false, utilityRequiresOptIn: false, now: new Date() });
      runs.push((Date.now() - t) / 1000);
    }
    return { mode: 'resolve', contacts: n, seconds: runs, counts };
  } finally {
    await drop();
  }
}

async function main(): Promise<void> {
  let result: Record<string, unknown>;
  if (values.resolve) result = await resolve(Number(values.resolve));
  else if (values.kill) result = await kill(Number(values.kill), Number(values.recipients ?? 10_000));
  else if (values.cost) result = await cost(Number(values.cost));
  else if (values.campaigns) result = await throughput(Number(values.campaigns), Number(values.recipients ?? Number(values.campaigns) * 4_000), Number(values.mps));
  else result = await throughput(1, Number(values.recipients ?? 100_000), Number(values.mps));
  console.log(JSON.stringify({ ...result, cpus: os.cpus().length, node: process.version, at: new Date().toISOString() }, null, values.json ? 0 : 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
