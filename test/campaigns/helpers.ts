// A sandbox on port 0 with signed webhooks flowing into the app (processor running), the dispatcher and the
// campaign feeder started, the sandbox's seeded templates stored in the library, and campaign routes mounted.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import type { SandboxOptions } from '../../src/sandbox/options.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import { systemClock, type AppContext } from '../../src/context.ts';
import type { Store } from '../../src/store/connection.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { startDispatcher, type DispatcherHandle } from '../../src/messaging/dispatcher.ts';
import { startCampaignFeeder, type FeederHandle } from '../../src/campaigns/feeder.ts';
import { cloudApiFor } from '../../src/whatsapp/client.ts';
import { templates } from '../../src/templates/schema.ts';
import { testContext } from '../helpers/context.ts';

export interface CampaignHarness {
  sandbox: Sandbox;
  app: FastifyInstance;
  ctx: AppContext;
  services: Services;
  numbers: { id: string; metaId: string }[];
  templateId(name: string, language: string): Promise<string>;
  dispatcher: DispatcherHandle | null;
  feeder: FeederHandle | null;
  startSending(): void;
  stopSending(): Promise<void>;
  call(opts: InjectOptions): Promise<{ statusCode: number; json: <T = Record<string, unknown>>() => T; body: string }>;
  /** Add sandbox personas and matching contacts (Spanish mobiles); returns contact ids in order. */
  addRecipients(n: number, options?: { optIn?: boolean }): Promise<{ contactId: string; waId: string }[]>;
  close(): Promise<void>;
}

let seq = 0;
const TOKEN = 'test-api-token-0123456789abcdef';

export async function startCampaignHarness(store: Store, sandboxOptions: Partial<SandboxOptions> = {}): Promise<CampaignHarness> {
  const sandbox = await createSandbox({
    logLevel: 'silent', numbers: 1, personas: { count: 2, usernameShare: 0 }, delays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
    webhook: { retryBaseMs: 50, retryMaxMs: 200, handshakeAttempts: 1 }, tier: 'TIER_10K', ...sandboxOptions,
  } as SandboxOptions);
  await sandbox.listen(0, '127.0.0.1');
  const cfg = sandbox.config;
  const ctx = testContext(store, { logger: pino({ level: process.env.TEST_LOG ?? 'silent' }), clock: systemClock, cloudApi: { baseUrl: cfg.baseUrl, version: cfg.apiVersion } });
  const services = createServices(ctx, { workers: false });
  const app = await buildApp({ store, logger: false, services, apiToken: TOKEN });
  const h: CampaignHarness = {
    sandbox, app, ctx, services, numbers: [], dispatcher: null, feeder: null,
    async templateId(name, language) {
      const [t] = await store.rows<{ id: string }>(sql`select id from templates where name = ${name} and language = ${language}`);
      return t!.id;
    },
    startSending() {
      h.dispatcher = startDispatcher(ctx, { pollMs: 50, graceMs: 60_000, random: () => 0 });
      h.feeder = startCampaignFeeder(ctx, { pollMs: 50, wakeDispatcher: () => h.dispatcher?.wake() });
    },
    async stopSending() {
      await h.feeder?.stop();
      await h.dispatcher?.stop();
      h.feeder = null;
      h.dispatcher = null;
    },
    call: (opts) => app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${TOKEN}` } }),
    async addRecipients(n, options = {}) {
      const out: { contactId: string; waId: string }[] = [];
      const rows: { wa_id: string }[] = [];
      for (let i = 0; i < n; i++) {
        // Spanish mobiles, unique per process and call.
        const waId = `346${String((process.pid % 90) * 1_000_000 + ++seq).padStart(8, '0')}`;
        sandbox.control.addPersona({ wa_id: waId, country: 'ES', name: `P${i}` });
        rows.push({ wa_id: waId });
      }
      const made = await store.rows<{ id: string; wa_id: string }>(sql`
        insert into contacts (wa_id, e164, country, market, name)
        select v.wa_id, '+' || v.wa_id, 'ES', 'Spain', 'Cliente ' || v.wa_id from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(wa_id text)
        returning id, wa_id`);
      const byWa = new Map(made.map((m) => [m.wa_id, m.id]));
      for (const r of rows) out.push({ contactId: byWa.get(r.wa_id)!, waId: r.wa_id });
      if (options.optIn) {
        await store.db.execute(sql`insert into consents (contact_id, category, state, at)
          select v::uuid, 'marketing', 'opted_in', now() - interval '1 day' from jsonb_array_elements_text(${JSON.stringify(out.map((o) => o.contactId))}::jsonb) v`);
      }
      return out;
    },
    async close() {
      await h.stopSending();
      await services.stop();
      await app.close();
      await sandbox.close();
    },
  };
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  services.processor.start();
  for (const n of cfg.phoneNumbers) {
    const row = await upsertNumber(ctx, {
      phoneNumberId: n.id, wabaId: cfg.waba.id, displayPhoneNumber: n.display_phone_number, accessToken: cfg.accessToken,
      appSecret: cfg.appSecret, verifyToken: cfg.verifyToken, throughputMps: n.throughput_mps,
    });
    h.numbers.push({ id: row.id, metaId: n.id });
  }
  await store.db.execute(sql`update phone_numbers set messaging_limit_tier = ${sandboxOptions.tier ?? 'TIER_10K'}`);
  await sandbox.setWebhook(`${address}/webhooks/whatsapp`, cfg.verifyToken);
  // The library as the templates capability would sync it.
  const first = (await store.rows<{ id: string; phone_number_id: string; waba_id: string; access_token_enc: string }>(sql`select id, phone_number_id, waba_id, access_token_enc from phone_numbers limit 1`))[0]!;
  const list = await cloudApiFor(ctx).listTemplates({ id: first.id, phoneNumberId: first.phone_number_id, wabaId: first.waba_id, accessTokenEnc: first.access_token_enc } as never);
  for (const t of list) {
    await store.db.insert(templates).values({
      wabaId: cfg.waba.id, name: t.name, language: t.language, category: t.category, status: t.status,
      parameterFormat: (t.parameter_format ?? 'positional').toLowerCase(), components: t.components ?? [],
    }).onConflictDoNothing();
  }
  return h;
}

/** Poll until `check` returns a value (a guard against hanging, not a timing assertion). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, limitMs = 30_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
