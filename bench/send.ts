/**
 * Outbound sending benchmark: how close the dispatcher gets to each number's throughput cap, and whether Meta's
 * limits are ever hit (130429 throughput, 131056 pair rate).
 *   npx tsx bench/send.ts [--engine pglite|postgres] [--numbers 10 --mps 80 | --numbers 1 --mps 1000] [--seconds 20]
 * The sandbox runs in its own child process (`charla sandbox`), enforcing the same cap per number; the dispatcher
 * runs here on PGlite or PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a
 * fresh database). Messages are pre-enqueued in bulk inside open windows to distinct customers (so the pair rate
 * is not what is measured); accepted sends are read back from the sandbox's own log of acceptance times.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startSandbox } from './lib/sandbox.ts';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createContext } from '../src/context.ts';
import type { Store } from '../src/store/connection.ts';
import { openBenchStore } from './lib/store.ts';
import { acceptanceRates } from './lib/rates.ts';
import { secretsFromKey } from '../src/store/secrets.ts';
import { upsertNumber } from '../src/messaging/numbers.ts';
import { startDispatcher } from '../src/messaging/dispatcher.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    numbers: { type: 'string', default: '10' },
    mps: { type: 'string', default: '80' },
    seconds: { type: 'string', default: '20' },
    inflight: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const engine = values.engine === 'postgres' ? 'postgres' : 'pglite';
const numbers = Number(values.numbers);
const mps = Number(values.mps);
const seconds = Number(values.seconds);

async function openStore(): Promise<{ store: Store; drop(): Promise<void> }> {
  return openBenchStore(engine === 'pglite' ? 'pglite' : 'postgres');
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const { child, url } = await startSandbox(['--numbers', String(numbers), '--throughput', String(mps), '--personas', '10']);
  const { store, drop } = await openStore();
  try {
    const cfg = await getJson<{ apiVersion: string; accessToken: string; appSecret: string; verifyToken: string; waba: { id: string }; phoneNumbers: { id: string; display_phone_number: string }[] }>(`${url}/_sandbox/config`);
    const ctx = createContext({
      store,
      secrets: secretsFromKey('bench-key-bench-key-bench-key-bench-key-0001'),
      logger: pino({ level: 'warn' }),
      cloudApi: { baseUrl: url, version: cfg.apiVersion },
    });
    const perNumber = Math.ceil(mps * seconds * 1.1);
    const ours: { id: string; metaId: string }[] = [];
    for (const [i, pn] of cfg.phoneNumbers.entries()) {
      const row = await upsertNumber(ctx, {
        phoneNumberId: pn.id, wabaId: cfg.waba.id, displayPhoneNumber: pn.display_phone_number,
        accessToken: cfg.accessToken, appSecret: cfg.appSecret, verifyToken: cfg.verifyToken, throughputMps: mps,
      });
      ours.push({ id: row.id, metaId: pn.id });
      // Bulk seed: distinct customers who wrote just now (open windows), one queued text each.
      await store.db.execute(sql`
        with c as (
          insert into contacts (wa_id, e164, country, market)
          select '346' || lpad((${i * 1_000_000} + g)::text, 8, '0'), '+346' || lpad((${i * 1_000_000} + g)::text, 8, '0'), 'ES', 'Spain'
          from generate_series(1, ${perNumber}) g returning id, wa_id
        ), cv as (
          insert into conversations (phone_number_id, contact_id, last_inbound_at, window_expires_at)
          select ${row.id}::uuid, c.id, now(), now() + interval '24 hours' from c returning id, contact_id
        ), m as (
          insert into messages (conversation_id, direction, type, content, status)
          select cv.id, 'out', 'text', jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', 'bench')), 'queued' from cv
          returning id, conversation_id
        )
        insert into outbound_messages (id, phone_number_id, recipient_key, body, state)
        select m.id, ${row.id}::uuid, c.wa_id,
          jsonb_build_object('recipient_type', 'individual', 'to', '+' || c.wa_id, 'type', 'text', 'text', jsonb_build_object('body', 'bench')), 'queued'
        from m join cv on cv.id = m.conversation_id join c on c.id = cv.contact_id`);
    }
    process.stderr.write(`seeded ${perNumber} messages × ${numbers} numbers on ${engine}; sending for ${seconds} s…\n`);

    const started = Date.now();
    const d = startDispatcher(ctx, { maxInFlight: Number(values.inflight) });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await d.stop();
    const elapsed = (Date.now() - started) / 1000;

    // Acceptance times as the sandbox saw them (its clock is real time here).
    const sends: { phoneNumberId: string; acceptedAt: number }[] = [];
    for (let offset = 0; ; offset += 10_000) {
      const page = await getJson<{ data: { phoneNumberId: string; acceptedAt: number }[] }>(`${url}/_sandbox/sends?limit=10000&offset=${offset}`);
      sends.push(...page.data);
      if (page.data.length < 10_000) break;
    }
    const errors = await store.rows<{ code: string | null; n: number | string }>(sql`
      select last_error->>'code' as code, count(*) as n from outbound_messages where last_error is not null group by 1`);
    const throttle = errors.filter((e) => e.code === '130429' || e.code === '131056').reduce((n, e) => n + Number(e.n), 0);
    const states = await store.rows<{ state: string; n: number | string }>(sql`select state, count(*) as n from outbound_messages group by 1`);

    const perNumberStats = ours.map((n) => acceptanceRates(sends.filter((s) => s.phoneNumberId === n.metaId).map((s) => s.acceptedAt), mps));
    const min = (k: 'busiestPct' | 'steadyPct') => Math.min(...perNumberStats.map((s) => s[k]));
    const avg = (k: 'busiestPct' | 'steadyPct') => perNumberStats.reduce((a, s) => a + s[k], 0) / perNumberStats.length;
    const result = {
      engine, numbers, mps, seconds, elapsed: Number(elapsed.toFixed(1)), total: sends.length,
      steadyPctMin: Number(min('steadyPct').toFixed(1)), steadyPctAvg: Number(avg('steadyPct').toFixed(1)),
      busiestPctMin: Number(min('busiestPct').toFixed(1)), busiestPctMax: Number(Math.max(...perNumberStats.map((s) => s.busiestPct)).toFixed(1)),
      throttleErrors: throttle, errors: Object.fromEntries(errors.map((e) => [e.code ?? '?', Number(e.n)])),
      states: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
      cpus: os.cpus().length, node: process.version,
    };
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`engine ${engine}, ${numbers} number(s) at ${mps} mps for ${seconds} s (${os.cpus().length} CPUs, Node ${process.version})`);
      console.log(`  accepted sends: ${sends.length}; outbox states: ${JSON.stringify(result.states)}`);
      console.log(`  steady rate per number: min ${result.steadyPctMin} %, avg ${result.steadyPctAvg} % of the cap`);
      console.log(`  busiest 1 s window per number: min ${result.busiestPctMin} %, max ${result.busiestPctMax} % of the cap`);
      console.log(`  130429/131056 errors: ${throttle}; all errors by code: ${JSON.stringify(result.errors)}`);
    }
  } finally {
    child.kill('SIGTERM');
    await store.close();
    await drop();
  }
}

await main();
