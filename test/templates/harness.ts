// The sandbox as Meta for template tests: an app listening on port 0 with the webhook route and processor (so
// template status webhooks flow in as in production), the messaging and template plugins, a dispatcher, and
// a clock moved together with the sandbox's.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { eq } from 'drizzle-orm';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppContext } from '../../src/context.ts';
import type { Store } from '../../src/store/connection.ts';
import { messageRoutes, numberRoutes } from '../../src/messaging/routes.ts';
import { webhookRoutes } from '../../src/messaging/webhook-routes.ts';
import { WebhookIngest } from '../../src/messaging/ingest.ts';
import { WebhookProcessor } from '../../src/messaging/processor.ts';
import { startDispatcher, type DispatcherHandle } from '../../src/messaging/dispatcher.ts';
import { resolveContact } from '../../src/messaging/contacts.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { closeCloudApiFor } from '../../src/whatsapp/client.ts';
import { templateRoutes } from '../../src/templates/routes.ts';
import { testContext } from '../helpers/context.ts';
import { OffsetClock } from '../messaging/helpers/outbound-harness.ts';

export const REVIEW_MS = 60_000;

export interface TemplateHarness {
  sandbox: Sandbox;
  app: FastifyInstance;
  ctx: AppContext;
  wabaId: string;
  numbers: { id: string; metaId: string }[];
  processor: WebhookProcessor;
  call(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Move our clock and the sandbox's together (due sandbox tasks, e.g. reviews, run now). */
  advance(ms: number): void;
  /** Wait until the sandbox delivered its webhooks and the processor applied them. */
  settle(): Promise<void>;
  /** A customer known to the sandbox and stored as a contact. */
  contact(fields: { name?: string | null; profileName?: string | null; fields?: Record<string, unknown> }): Promise<{ id: string; waId: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function startTemplateHarness(store: Store): Promise<TemplateHarness> {
  const start = Date.parse('2026-11-02T10:00:00Z');
  const sandbox = await createSandbox({
    clock: 'real',
    clockStart: start,
    numbers: 1,
    logLevel: 'silent',
    personas: { count: 2, usernameShare: 0 },
    delays: { sentMs: 0, deliveredMs: 0, readMs: 0, templateReviewMs: REVIEW_MS },
    webhook: { retryBaseMs: 20, retryMaxMs: 100, handshakeAttempts: 1 },
  });
  await sandbox.listen(0, '127.0.0.1');
  const cfg = sandbox.config;
  const clock = new OffsetClock(start);
  const ctx = testContext(store, { clock, cloudApi: { baseUrl: cfg.baseUrl, version: cfg.apiVersion } });
  const processor = new WebhookProcessor(ctx, { pollMs: 50 });
  const ingest = new WebhookIngest(store.db, () => processor.wake());
  const app = await buildApp({ store, logger: false });
  let dispatcher: DispatcherHandle | null = null;
  const wake = () => dispatcher?.wake();
  await app.register(webhookRoutes, { ctx, ingest });
  await app.register(messageRoutes, { ctx, wake });
  await app.register(numberRoutes, { ctx });
  await app.register(templateRoutes, { ctx, wake });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const numbers: { id: string; metaId: string }[] = [];
  for (const pn of cfg.phoneNumbers) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/numbers',
      payload: { phoneNumberId: pn.id, wabaId: cfg.waba.id, displayPhoneNumber: pn.display_phone_number, accessToken: cfg.accessToken, appSecret: cfg.appSecret, verifyToken: cfg.verifyToken },
    });
    if (res.statusCode !== 201) throw new Error(`registering number: ${res.statusCode} ${res.body}`);
    numbers.push({ id: res.json<{ id: string }>().id, metaId: pn.id });
  }
  processor.start();
  dispatcher = startDispatcher(ctx, { pollMs: 50, graceMs: 60_000, random: () => 0 });
  if (!(await sandbox.setWebhook(`${address}/webhooks/whatsapp`, cfg.verifyToken))) throw new Error('webhook handshake failed');

  const h: TemplateHarness = {
    sandbox,
    app,
    ctx,
    wabaId: cfg.waba.id,
    numbers,
    processor,
    call: (o) => app.inject(o),
    advance(ms) {
      clock.advance(ms);
      sandbox.control.advanceClock(ms);
    },
    async settle() {
      for (let i = 0; i < 3; i++) {
        await sandbox.webhooksIdle();
        await processor.processBatch();
      }
    },
    async contact(f) {
      const waId = `3469${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(4, '0')}`;
      sandbox.control.addPersona({ wa_id: waId, country: 'ES', name: f.name ?? 'Cliente' });
      const row = await resolveContact(store.db, { waId }, clock.now());
      await store.db
        .update(contacts)
        .set({ name: f.name ?? null, profileName: f.profileName ?? null, fields: f.fields ?? {} })
        .where(eq(contacts.id, row.id));
      return { id: row.id, waId };
    },
    async close() {
      await dispatcher?.stop();
      await processor.stop();
      await app.close();
      await sandbox.close();
      await closeCloudApiFor(ctx);
    },
  };
  return h;
}
