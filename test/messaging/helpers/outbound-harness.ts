// Shared by the outbound tests: a sandbox on port 0, an app with the outbound plugins, its numbers registered
// through the numbers API, and a clock that runs in real time but can be moved (both ours and the sandbox's).
import type { FastifyInstance } from 'fastify';
import { createSandbox, type Sandbox } from '../../../src/sandbox/index.ts';
import { buildApp } from '../../../src/http/app.ts';
import type { AppContext, Clock } from '../../../src/context.ts';
import type { Store } from '../../../src/store/connection.ts';
import { messageRoutes, numberRoutes } from '../../../src/messaging/routes.ts';
import { startDispatcher, type DispatcherHandle, type DispatcherOptions } from '../../../src/messaging/dispatcher.ts';
import { resolveContact } from '../../../src/messaging/contacts.ts';
import { getOrCreateConversation, recordInbound } from '../../../src/messaging/conversations.ts';
import { messages } from '../../../src/messaging/schema.ts';
import { closeCloudApiFor } from '../../../src/whatsapp/client.ts';
import { testContext } from '../../helpers/context.ts';

/** Real time plus an offset tests can move forward (the sandbox's "real" clock does the same). */
export class OffsetClock implements Clock {
  private offset: number;
  constructor(start: number) {
    this.offset = start - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface Harness {
  sandbox: Sandbox;
  app: FastifyInstance;
  ctx: AppContext;
  clock: OffsetClock;
  /** Our number uuids, in sandbox order. */
  numbers: { id: string; metaId: string; display: string }[];
  dispatcher: DispatcherHandle | null;
  startDispatcher(options?: DispatcherOptions): DispatcherHandle;
  /** An extra dispatcher (another "process") for one number, stopped by the caller. */
  startDispatcherFor(numberId: string, options?: DispatcherOptions): DispatcherHandle;
  stopDispatcher(): Promise<void>;
  /** Move our clock and the sandbox's together. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startHarness(store: Store, options: { numbers?: number } = {}): Promise<Harness> {
  const start = Date.parse('2026-11-02T10:00:00Z');
  const sandbox = await createSandbox({
    clock: 'real',
    clockStart: start,
    numbers: options.numbers ?? 2,
    logLevel: 'silent',
    personas: { count: 4, usernameShare: 0 },
    delays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
  });
  await sandbox.listen(0, '127.0.0.1');
  const cfg = sandbox.config;
  const clock = new OffsetClock(start);
  const ctx = testContext(store, { clock, cloudApi: { baseUrl: cfg.baseUrl, version: cfg.apiVersion } });
  const app = await buildApp({ store, logger: false });
  const h: Harness = {
    sandbox,
    app,
    ctx,
    clock,
    numbers: [],
    dispatcher: null,
    startDispatcher(o = {}) {
      h.dispatcher = startDispatcher(ctx, { pollMs: 50, graceMs: 60_000, random: () => 0, ...o });
      return h.dispatcher;
    },
    startDispatcherFor(numberId, o = {}) {
      return startDispatcher(ctx, { pollMs: 50, graceMs: 60_000, random: () => 0, numbers: [numberId], ...o });
    },
    async stopDispatcher() {
      await h.dispatcher?.stop();
      h.dispatcher = null;
    },
    advance(ms) {
      clock.advance(ms);
      sandbox.control.advanceClock(ms);
    },
    async close() {
      await h.stopDispatcher();
      await app.close();
      await sandbox.close();
      await closeCloudApiFor(ctx);
    },
  };
  await app.register(messageRoutes, { ctx, wake: () => h.dispatcher?.wake() });
  await app.register(numberRoutes, { ctx });
  await app.ready();
  for (const pn of cfg.phoneNumbers) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/numbers',
      payload: {
        phoneNumberId: pn.id,
        wabaId: cfg.waba.id,
        displayPhoneNumber: pn.display_phone_number,
        accessToken: cfg.accessToken,
        appSecret: cfg.appSecret,
        verifyToken: cfg.verifyToken,
        throughputMps: pn.throughput_mps,
      },
    });
    if (res.statusCode !== 201) throw new Error(`registering number: ${res.statusCode} ${res.body}`);
    const body = res.json<{ id: string }>();
    h.numbers.push({ id: body.id, metaId: pn.id, display: pn.display_phone_number });
  }
  return h;
}

let personaSeq = 0;

/**
 * A customer who writes to our number: in the sandbox (its window opens) and in our store as the inbound
 * processor would record it (contact, conversation window, message row). Returns the wamid of their message.
 */
export async function customerWrites(
  h: Harness,
  numberIndex = 0,
  options: { waId?: string; referral?: boolean } = {},
): Promise<{ waId: string; wamid: string; conversationId: string; contactId: string }> {
  const waId = options.waId ?? `346${String(process.pid % 10_000).padStart(4, '0')}${String(++personaSeq).padStart(4, '0')}`;
  const number = h.numbers[numberIndex]!;
  if (!h.sandbox.control.personas().some((p) => p.wa_id === waId)) h.sandbox.control.addPersona({ wa_id: waId, country: 'ES', name: 'Test' });
  const sent = h.sandbox.control.customerSends(waId, { phone_number_id: number.metaId, type: 'text', text: { body: 'Hola' } });
  const now = h.ctx.clock.now();
  const db = h.ctx.store.db;
  const contact = await resolveContact(db, { waId }, now);
  const conv = await getOrCreateConversation(db, number.id, contact.id, now);
  await recordInbound(db, conv.id, now, { countsAsUnread: true, ...(options.referral ? { referral: { source_type: 'ad', source_id: '1' } } : {}) });
  await db.insert(messages).values({
    wamid: sent.wamid, conversationId: conv.id, direction: 'in', type: 'text', content: sent.message, status: 'received', at: now,
  });
  return { waId, wamid: sent.wamid, conversationId: conv.id, contactId: contact.id };
}

/** Poll until `check` returns a value (not a timing assertion: only a guard against hanging forever). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, limitMs = 15_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Accepted sends in the sandbox whose biz_opaque_callback_data starts with our message id. */
export function sandboxSendsFor(h: Harness, messageId: string): { count: number; callbackData: string[] } {
  const counts = h.sandbox.control.sends({ limit: 0 }).by_callback_data;
  const keys = Object.keys(counts).filter((k) => k.startsWith(`${messageId}:`));
  return { count: keys.reduce((n, k) => n + (counts[k] ?? 0), 0), callbackData: keys };
}
