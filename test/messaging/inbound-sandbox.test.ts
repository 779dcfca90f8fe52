import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine } from '../helpers/store.ts';
import { testContext } from '../helpers/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { contacts, mediaFiles, messages, phoneNumbers } from '../../src/messaging/schema.ts';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.ts';

/**
 * The sandbox as Meta: simulated customers write in through its control API, it signs and delivers
 * webhooks (duplicated and reordered on purpose), and Charla must end with each message exactly once.
 */
const inputs: Record<string, Record<string, unknown>> = {
  text: { type: 'text', text: { body: 'Hola, ¿abrís el domingo? 🙂' } },
  image: { type: 'image', image: { caption: 'foto' } },
  video: { type: 'video' },
  audio: { type: 'audio', audio: { voice: true } },
  document: { type: 'document', document: { filename: 'presupuesto.pdf' } },
  sticker: { type: 'sticker' },
  location: { type: 'location', location: { latitude: 19.4326, longitude: -99.1332, name: 'Zócalo' } },
  contacts: { type: 'contacts', contacts: [{ name: { formatted_name: 'María' }, phones: [{ phone: '+52 55 1234 5678' }] }] },
  button: { type: 'button', button: { text: 'Confirmar', payload: 'OK' }, context: { message_id: 'wamid.tpl' } },
  interactive: { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Lunes' } } },
  reaction: { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '❤️' } },
  order: { type: 'order', order: { catalog_id: 'c1', product_items: [{ product_retailer_id: 's1', quantity: 1, item_price: 10, currency: 'MXN' }] } },
  system: { type: 'system' },
  unsupported: { type: 'unsupported' },
  request_welcome: { type: 'request_welcome' },
  referral: { type: 'text', text: { body: 'Vengo del anuncio' }, referral: { source_type: 'ad', source_id: 'ad9', source_url: 'https://fb.me/x', ctwa_clid: 'c9' } },
};

describeEachEngine('inbound from the sandbox', (engine) => {
  let app: FastifyInstance;
  let services: Services;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox({
      clock: 'virtual',
      logLevel: 'silent',
      seed: 7,
      webhook: { retryBaseMs: 20, retryMaxMs: 100, handshakeAttempts: 1 },
      chaos: { duplicateRate: 0.5, reorderRate: 0.5 },
    });
    await sandbox.listen(0);
    const ctx = testContext(engine.store, { cloudApi: { baseUrl: sandbox.url, version: 'v23.0' }, mediaDir: mkdtempSync(join(tmpdir(), 'charla-media-')) });
    services = createServices(ctx);
    app = await buildApp({ store: engine.store, logger: false, services, apiToken: 'test-api-token-0123456789abcdef' });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const sc = sandbox.config;
    for (const n of sc.phoneNumbers) {
      await upsertNumber(ctx, { phoneNumberId: n.id, wabaId: sc.waba.id, displayPhoneNumber: n.display_phone_number, accessToken: sc.accessToken, appSecret: sc.appSecret, verifyToken: sc.verifyToken });
    }
    await services.start();
    expect(await sandbox.setWebhook(`${address}/webhooks/whatsapp`, sc.verifyToken)).toBe(true);
  });
  afterAll(async () => {
    await services.stop();
    await app.close();
    await sandbox.close();
  });

  async function settle(expected: number) {
    for (let i = 0; i < 400; i++) {
      await sandbox.webhooksIdle();
      const [{ n }] = await engine.store.rows<{ n: number }>(sql`select count(*)::int as n from webhook_events where processed_at is null`) as [{ n: number }];
      const [{ m }] = await engine.store.rows<{ m: number }>(sql`select count(*)::int as m from messages`) as [{ m: number }];
      if (n === 0 && m >= expected) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('stores every inbound type once from phone and username personas, despite duplicates and reordering', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/personas`);
    const personas = ((await res.json()) as { data: { id: string; username: string | null; bsuid: string; wa_id: string }[] }).data;
    const withPhone = personas.find((p) => !p.username)!;
    const withUsername = personas.find((p) => p.username)!;
    const sent: string[] = [];
    for (const persona of [withPhone, withUsername]) {
      for (const input of Object.values(inputs)) {
        const r = await fetch(`${sandbox.url}/_sandbox/personas/${persona.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
        expect(r.status, JSON.stringify(input)).toBe(200);
        sent.push(((await r.json()) as { wamid: string }).wamid);
      }
    }
    await settle(sent.length);
    const rows = await engine.store.db.select().from(messages);
    expect(rows.map((r) => r.wamid).sort()).toEqual([...sent].sort());
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(Object.values(inputs).map((i) => i.type)));
    const people = await engine.store.db.select().from(contacts);
    expect(people).toHaveLength(2);
    const u = people.find((c) => c.bsuid === withUsername.bsuid)!;
    expect(u.username).toBe(withUsername.username);
    const p = people.find((c) => c.waId === withPhone.wa_id)!;
    expect(p.e164).toBe(`+${withPhone.wa_id}`);
    // Duplicates and reordering did happen, and were absorbed.
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/webhooks`)).json()) as { duplicatesSent: number; reordered: number; postsOk: number };
    expect(stats.duplicatesSent).toBeGreaterThan(0);
    expect(stats.reordered).toBeGreaterThan(0);
    const [{ n }] = (await engine.store.rows<{ n: number }>(sql`select count(*)::int as n from webhook_events`)) as [{ n: number }];
    expect(n, JSON.stringify(stats)).toBe(stats.postsOk + stats.duplicatesSent);
  });

  it('downloads inbound media into the media directory and serves it', async () => {
    const persona = ((await (await fetch(`${sandbox.url}/_sandbox/personas`)).json()) as { data: { id: string; name: string }[] }).data[3]!;
    const r = await fetch(`${sandbox.url}/_sandbox/personas/${persona.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'document', document: { filename: 'receta.pdf' } }) });
    const { wamid } = (await r.json()) as { wamid: string };
    let row: { id: string } | undefined;
    for (let i = 0; i < 200 && !row; i++) {
      await sandbox.webhooksIdle();
      [row] = await engine.store.db.select({ id: messages.id }).from(messages).where(eq(messages.wamid, wamid));
      if (!row) await new Promise((res) => setTimeout(res, 25));
    }
    expect(row).toBeDefined();
    await services.media.stop(); // drive it by hand for a deterministic test
    while ((await services.media.runOnce()) > 0) {
      /* fetch all due media */
    }
    const res = await app.inject({ url: `/api/v1/messages/${row!.id}/media`, headers: { authorization: 'Bearer test-api-token-0123456789abcdef' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.body).toBe(`sandbox document from ${persona.name}`);
    const [file] = await engine.store.db.select().from(mediaFiles).where(eq(mediaFiles.messageId, row!.id));
    expect(file).toMatchObject({ state: 'stored', sizeBytes: res.rawPayload.length, attempts: 1 });
  });

  it('gives up on media the Cloud API does not know, with the reason kept', async () => {
    const [m] = await engine.store.db.select().from(messages).limit(1);
    const [n] = await engine.store.db.select().from(phoneNumbers).limit(1);
    await engine.store.db.insert(mediaFiles).values({ messageId: m!.id, metaMediaId: 'no-such-media-id', phoneNumberId: n!.id, notBefore: new Date(0) });
    while ((await services.media.runOnce()) > 0) {
      /* fetch all due media */
    }
    const [file] = await engine.store.db.select().from(mediaFiles).where(eq(mediaFiles.metaMediaId, 'no-such-media-id'));
    expect(file!.state).toBe('failed');
    expect(file!.lastError).toMatch(/#100|no-such-media-id|does not exist/i);
  });
});
