import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/http/app.ts';
import { webhookRoutes } from '../../src/messaging/webhook-routes.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { Store } from '../../src/store/connection.ts';
import type { AppContext } from '../../src/context.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { signatureFor } from '../../src/whatsapp/signature.ts';
import { teamMembers, teams, users } from '../../src/accounts/schema.ts';
import { phoneNumbers } from '../../src/messaging/schema.ts';
import { inboxRoutes } from '../../src/inbox/routes.ts';
import { createEventHub, type EventHub } from '../../src/inbox/events.ts';
import { TOKEN_PRINCIPAL, type Principal } from '../../src/inbox/principal.ts';
import type { CloudApiClient } from '../../src/whatsapp/client.ts';
import { testContext, TestClock } from '../helpers/context.ts';
import { APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, envelope, inbound, metaJson, type Sender } from '../messaging/helpers/inbound-payloads.ts';

export const TOKEN = 'test-api-token-0123456789abcdef';

export interface InboxHarness {
  app: FastifyInstance;
  ctx: AppContext;
  clock: TestClock;
  services: Services;
  hub: EventHub;
  numberId: string;
  /** inject() as this principal (none = the API token). */
  as(p: Principal | null, opts: InjectOptions | string): Promise<LightMyRequestResponse>;
  /** Deliver a signed inbound text (or other) message and apply it. */
  receive(sender: Sender, at: Date, message?: Record<string, unknown>, id?: string): Promise<string>;
  drain(): Promise<void>;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app plus the inbox plugin and event hub, with a stand-in for the accounts capability's
 * principal hook: tests pass the principal in a header.
 */
export async function inboxHarness(store: Store, options: { client?: CloudApiClient; heartbeatMs?: number } = {}): Promise<InboxHarness> {
  const clock = new TestClock(Date.parse('2026-11-02T10:00:00Z'));
  const ctx = testContext(store, { clock });
  const services = createServices(ctx, { workers: false });
  const hub = createEventHub(ctx, { heartbeatMs: options.heartbeatMs ?? 15_000 });
  // The foundation app plus the webhook and inbox routes, with a stand-in principal instead of sign-in.
  const app = await buildApp({ store, logger: false });
  await app.register(webhookRoutes, { ctx, ingest: services.ingest });
  await app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      const h = request.headers['x-test-principal'];
      // Stand-in for the accounts capability's authenticate hook: no header = the API token.
      request.principal = typeof h === 'string' ? (JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as Principal) : TOKEN_PRINCIPAL;
    });
    await api.register(inboxRoutes, { ctx, ...(options.client ? { client: options.client } : {}) });
    await api.register(hub.plugin);
  });
  await app.ready();
  await hub.start();
  const number = await upsertNumber(ctx, { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: DISPLAY, accessToken: 'tok', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  const drain = async () => {
    while ((await services.processor.processBatch()) > 0) {
      /* until the backlog is empty */
    }
  };
  let listening: string | null = null;
  return {
    app,
    ctx,
    clock,
    services,
    hub,
    numberId: number.id,
    as(p, opts) {
      const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
      const headers = { ...(o.headers ?? {}), ...(p ? { 'x-test-principal': Buffer.from(JSON.stringify(p)).toString('base64') } : {}) };
      return app.inject({ ...o, headers });
    },
    async receive(sender, at, message = { type: 'text', text: { body: 'Hola' } }, id) {
      const m = inbound(sender, at, message, id);
      const payload = metaJson(envelope(m.value));
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureFor(APP_SECRET, payload) },
        payload,
      });
      if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
      await drain();
      return m.id;
    },
    drain,
    async listen() {
      if (!listening) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        listening = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      return listening;
    },
    async close() {
      await hub.stop();
      await services.stop();
      await app.close();
    },
  };
}

export async function truncateInbox(store: Store): Promise<void> {
  await store.db.execute(sql`truncate conversation_labels, labels, quick_replies, conversation_notes, outbound_messages, media_files, pending_statuses,
    messages, conversations, contacts, webhook_events, account_events, team_members, teams, users cascade`);
}

export async function seedUser(store: Store, name: string, role: Principal['role'] = 'agent', extra: { availability?: string; disabled?: boolean } = {}): Promise<string> {
  const [u] = await store.db
    .insert(users)
    .values({ email: `${name.toLowerCase().replace(/\W/g, '')}-${Math.random().toString(36).slice(2, 8)}@example.com`, name, role, availability: extra.availability ?? 'online', disabledAt: extra.disabled ? new Date() : null })
    .returning({ id: users.id });
  return u!.id;
}

export async function seedTeam(store: Store, name: string, assignment = 'manual', members: string[] = []): Promise<string> {
  const [t] = await store.db.insert(teams).values({ name, assignment }).returning({ id: teams.id });
  if (members.length) await store.db.insert(teamMembers).values(members.map((userId) => ({ teamId: t!.id, userId })));
  return t!.id;
}

export async function setNumberTeam(store: Store, numberId: string, teamId: string | null): Promise<void> {
  await store.db.update(phoneNumbers).set({ teamId }).where(sql`${phoneNumbers.id} = ${numberId}::uuid`);
}

export const agent = (userId: string, teamIds: string[]): Principal => ({ kind: 'user', userId, role: 'agent', teamIds });
export const supervisor = (userId: string): Principal => ({ kind: 'user', userId, role: 'supervisor', teamIds: [] });

// --- a minimal SSE client over a real socket (inject() cannot stream) ---

export interface SseEvent {
  id: string | null;
  event: string;
  data: unknown;
}

export interface SseClient {
  events: SseEvent[];
  comments: number;
  /** Resolves with the first event (from the start) matching, or rejects after `ms`. */
  waitFor(pred: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      const client: SseClient = {
        events: [],
        comments: 0,
        waitFor(pred, ms = 5000) {
          return new Promise((ok, fail) => {
            const check = () => {
              const hit = client.events.find(pred);
              if (hit) {
                clearInterval(timer);
                clearTimeout(timeout);
                ok(hit);
              }
            };
            const timer = setInterval(check, 10);
            const timeout = setTimeout(() => {
              clearInterval(timer);
              fail(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(client.events.map((e) => e.event))}`));
            }, ms);
            check();
          });
        },
        close: () => req.destroy(),
      };
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) client.comments++;
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) {
              data.push(line.slice(6));
              any = true;
            }
          }
          if (any) client.events.push({ id, event, data: JSON.parse(data.join('\n')) as unknown });
        }
      });
      res.on('error', () => {});
      // Ready once the hub has subscribed us.
      void client.waitFor((e) => e.event === 'ready').then(() => resolve(client), reject);
    });
    req.on('error', reject);
  });
}

export const principalHeader = (p: Principal) => ({ 'x-test-principal': Buffer.from(JSON.stringify(p)).toString('base64') });
