import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createPostgresDatabase } from '../helpers/store.ts';
import { testContext } from '../helpers/context.ts';
import { systemClock } from '../../src/context.ts';
import { openPostgres, type Store } from '../../src/store/connection.ts';
import { migrateStore } from '../../src/store/migrate.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { enqueueMessage } from '../../src/messaging/outbox.ts';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts';

/**
 * A dispatcher process is killed (SIGKILL) while it is sending, several times, and started again:
 * the sandbox must have accepted every message exactly once. Needs separate processes sharing one
 * database, so it runs on PostgreSQL only.
 */
const url = inject('postgresUrl');
const suite = url ? describe : describe.skip;

suite('crash while sending [postgres]', () => {
  let store: Store;
  let drop: () => Promise<void>;
  let dbUrl: string;
  let sandbox: Sandbox;
  let app: FastifyInstance;
  let services: Services;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const database = await createPostgresDatabase(url!);
    dbUrl = database.url;
    drop = database.drop;
    store = openPostgres(dbUrl, 5);
    await migrateStore(store);
    sandbox = await createSandbox({ logLevel: 'silent', seed: 11, throughputMps: 80, webhook: { retryBaseMs: 50, retryMaxMs: 200, handshakeAttempts: 1 } });
    await sandbox.listen(0);
    const ctx = testContext(store, { clock: systemClock, cloudApi: { baseUrl: sandbox.url, version: 'v23.0' } });
    // The app (webhooks + processor) lives here; only the dispatcher runs in the children.
    services = createServices(ctx, { workers: false });
    app = await buildApp({ store, logger: false, services, apiToken: 'test-api-token-0123456789abcdef' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    services.processor.start();
    const sc = sandbox.config;
    for (const n of sc.phoneNumbers) {
      // Paced well under the sandbox's cap: the run lasts long enough for ten kills to land mid-run.
      await upsertNumber(ctx, { phoneNumberId: n.id, wabaId: sc.waba.id, displayPhoneNumber: n.display_phone_number, accessToken: sc.accessToken, appSecret: sc.appSecret, verifyToken: sc.verifyToken, throughputMps: 20 });
    }
    await sandbox.setWebhook(`${address}/webhooks/whatsapp`, sc.verifyToken);
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await services?.stop();
    await app?.close();
    await sandbox?.close();
    await store?.close();
    await drop?.();
  });

  function startChild(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/dispatcher-child.ts'), dbUrl, sandbox.url, '1500'], { stdio: 'ignore' });
    children.push(child);
    return child;
  }

  const count = async (q: ReturnType<typeof sql>) => Number((await store.rows<{ n: number }>(q))[0]!.n);

  it('sends every message exactly once across ten kills and restarts', async () => {
    const personas = ((await (await fetch(`${sandbox.url}/_sandbox/personas`)).json()) as { data: { id: string; wa_id: string; username: string | null }[] }).data.filter((p) => !p.username).slice(0, 25);
    for (const p of personas) {
      await fetch(`${sandbox.url}/_sandbox/personas/${p.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', text: { body: 'hola' } }) });
    }
    await sandbox.webhooksIdle();
    while ((await count(sql`select count(*)::int as n from messages where direction = 'in'`)) < personas.length) await new Promise((r) => setTimeout(r, 50));
    const number = (await store.rows<{ id: string }>(sql`select id from phone_numbers order by created_at limit 1`))[0]!.id;
    const ctx = services.ctx;
    const perPersona = 20; // well within one pair-rate burst, even with resends after a kill
    const total = personas.length * perPersona;
    for (let i = 0; i < perPersona; i++) {
      for (const p of personas) await enqueueMessage(ctx, { phoneNumberId: number, to: `+${p.wa_id}`, body: { type: 'text', text: { body: `mensaje ${i}` } } });
    }

    // Kill the dispatcher at varied points of the run until ten kills have landed mid-run.
    const sentSoFar = async () => ((await (await fetch(`${sandbox.url}/_sandbox/sends?limit=1`)).json()) as { total: number }).total;
    let midRun = 0;
    for (let k = 0; midRun < 10 && k < 40; k++) {
      const child = startChild();
      await new Promise((r) => setTimeout(r, 1200 + ((k * 397) % 1200)));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const sent = await sentSoFar();
      if (sent > 0 && sent < total) midRun++;
      if (sent >= total) break;
    }
    expect(midRun).toBe(10);
    const last = startChild();
    const until = Date.now() + 180_000;
    while ((await count(sql`select count(*)::int as n from outbound_messages where state in ('queued', 'sending')`)) > 0) {
      if (Date.now() > until) {
        const states = await store.rows(sql`select state, attempts, count(*)::int as n, min(not_before) as next from outbound_messages group by state, attempts order by state, attempts`);
        throw new Error(`the dispatcher did not finish: ${JSON.stringify(states)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    last.kill('SIGKILL');

    const sends = (await (await fetch(`${sandbox.url}/_sandbox/sends?limit=10000`)).json()) as { total: number; data: { bizOpaqueCallbackData?: string }[] };
    const perMessage = new Map<string, number>();
    for (const s of sends.data) {
      const id = (s.bizOpaqueCallbackData ?? '').split(':')[0]!;
      perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    }
    expect(sends.total).toBe(total);
    expect(perMessage.size).toBe(total);
    expect([...perMessage.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await count(sql`select count(*)::int as n from outbound_messages where state = 'accepted'`)).toBe(total);
  }, 300_000);
});
