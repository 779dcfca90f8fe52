/**
 * Webhook ingest benchmark: events/s durably stored (ack latency p50/p99, measured by a separate
 * load process) and events/s fully processed (message, contact, conversation written).
 * Usage: tsx bench/ingest.ts [--engine pglite|postgres] [--events 20000] [--concurrency 64]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openBenchStore } from './lib/store.ts';
import { createContext } from '../src/context.ts';
import { secretsFromKey } from '../src/store/secrets.ts';
import { createServices } from '../src/services.ts';
import { buildApp } from '../src/http/app.ts';
import { upsertNumber } from '../src/messaging/numbers.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    events: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    /** Measure the durable append alone (no processor running during the load). */
    'ingest-only': { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const concurrency = Number(values.concurrency);
const engine = values.engine === 'pglite' ? 'pglite' : 'postgres';

const { store, drop } = await openBenchStore(engine, { dataDir: engine === 'pglite' ? join(mkdtempSync(join(tmpdir(), 'charla-bench-')), 'pgdata') : undefined });
const ctx = createContext({
  store,
  secrets: secretsFromKey('bench-key-bench-key-bench-key-bench-key'),
  logger: pino({ level: 'warn' }),
  cloudApi: { baseUrl: 'http://127.0.0.1:9', version: 'v23.0' },
});
const services = createServices(ctx, { workers: !values['ingest-only'] });
const app = await buildApp({ store, logger: false, services, apiToken: 'bench-token-bench-token-bench' });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
await upsertNumber(ctx, { phoneNumberId: 'PN1', wabaId: 'WABA', displayPhoneNumber: '15550000000', accessToken: 'x', appSecret: 'bench-secret', verifyToken: 'v' });
await services.start();

const count = async (q: ReturnType<typeof sql>) => Number((await store.rows<{ n: number }>(q))[0]!.n);
const started = performance.now();
const load = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'webhook-load.ts'), `${address}/webhooks/whatsapp`, 'bench-secret', 'PN1', String(events), String(concurrency), String(Date.now())], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
load.stdout.on('data', (d) => (out += d));
await new Promise((r) => load.on('exit', r));
const ack = JSON.parse(out) as { sent: number; errors: number; seconds: number; perSecond: number; p50: number; p99: number; max: number };
// Processing finishes after the last ack; wait for it.
if (values['ingest-only']) services.processor.start();
while ((await count(sql`select count(*)::int as n from webhook_events where processed_at is null`)) > 0) await new Promise((r) => setTimeout(r, 50));
const processedSeconds = (performance.now() - started) / 1000;
const msgs = await count(sql`select count(*)::int as n from messages`);
await services.stop();
await app.close();
await drop();

const fmt = (n: number) => n.toFixed(1);
console.log(
  JSON.stringify({
    engine,
    events,
    concurrency,
    ingestPerSecond: Math.round(ack.perSecond),
    ackP50ms: fmt(ack.p50),
    ackP99ms: fmt(ack.p99),
    ackMaxMs: fmt(ack.max),
    non200: ack.errors,
    ...(values['ingest-only'] ? { ingestOnly: true, processedAfterLoadPerSecond: Math.round(events / (processedSeconds - ack.seconds)) } : { processedPerSecond: Math.round(events / processedSeconds) }),
    messagesStored: msgs,
  }),
);
