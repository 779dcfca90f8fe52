import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine } from '../helpers/store.ts';
import { TestClock } from '../helpers/context.ts';
import type { Services } from '../../src/services.ts';
import { startWebhookApp, API_TOKEN as TOKEN } from './helpers/webhook-app.ts';
import { WebhookProcessor } from '../../src/messaging/processor.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { contacts, conversations, mediaFiles, messages, outboundMessages, pendingStatuses, phoneNumbers, webhookEvents, accountEvents } from '../../src/messaging/schema.ts';
import { signatureFor } from '../../src/whatsapp/signature.ts';
import {
  APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, envelope, inbound, inboundSamples, metaJson, status, statusValue, wamid,
} from './helpers/inbound-payloads.ts';


describeEachEngine('inbound webhooks', (engine) => {
  let app: FastifyInstance;
  let services: Services;
  const clock = new TestClock(Date.parse('2026-11-02T10:00:00Z'));

  beforeAll(async () => {
    ({ app, services } = await startWebhookApp(engine.store, clock));
  });
  afterAll(() => app.close());

  const db = () => engine.store.db;

  async function deliver(body: unknown, options: { secret?: string; raw?: string; header?: string | null } = {}) {
    const payload = options.raw ?? metaJson(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const sig = options.header === undefined ? signatureFor(options.secret ?? APP_SECRET, payload) : options.header;
    if (sig !== null) headers['x-hub-signature-256'] = sig;
    return app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers, payload });
  }

  async function drain() {
    while ((await services.processor.processBatch()) > 0) {
      /* until the backlog is empty */
    }
  }

  const count = async (table: typeof messages | typeof contacts | typeof webhookEvents | typeof pendingStatuses) =>
    (await engine.store.rows<{ n: number }>(sql`select count(*)::int as n from ${table}`))[0]!.n;

  beforeEach(async () => {
    await engine.store.db.execute(sql`truncate outbound_messages, media_files, pending_statuses, messages, conversations, contacts, webhook_events, account_events cascade`);
  });

  it('answers the verification handshake with the challenge, and 403 to a wrong token', async () => {
    const ok = await app.inject(`/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await app.inject('/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('wrong_verify_token');
  });

  it('rejects missing or wrong signatures with 401 and stores nothing', async () => {
    const m = inbound({ waId: '34612345678' }, clock.now(), inboundSamples.text!);
    const missing = await deliver(envelope(m.value), { header: null });
    expect(missing.statusCode).toBe(401);
    const wrong = await deliver(envelope(m.value), { secret: 'another-secret' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('bad_signature');
    // Signed over different bytes (re-serialised JSON without Meta's escaping) does not verify either.
    const raw = metaJson(envelope(m.value));
    const tampered = await deliver(null, { raw: JSON.stringify(JSON.parse(raw)), header: signatureFor(APP_SECRET, raw) });
    expect(tampered.statusCode).toBe(401);
    expect(await count(webhookEvents)).toBe(0);
  });

  it('stores the body before answering 200, and applies every inbound type', async () => {
    const at = clock.now();
    const sent: Record<string, string> = {};
    for (const [name, sample] of Object.entries(inboundSamples)) {
      const m = inbound({ waId: '34612345678', name: 'Ana García' }, at, sample);
      sent[name] = m.id;
      const res = await deliver(envelope(m.value));
      expect(res.statusCode).toBe(200);
    }
    // Durable before the 200: every body is in webhook_events although nothing was processed yet.
    expect(await count(webhookEvents)).toBe(Object.keys(inboundSamples).length);
    expect(await count(messages)).toBe(0);
    await drain();
    const rows = await db().select().from(messages);
    expect(rows).toHaveLength(Object.keys(inboundSamples).length);
    for (const [name, id] of Object.entries(sent)) {
      const row = rows.find((r) => r.wamid === id);
      expect(row, name).toBeDefined();
      expect(row!.direction).toBe('in');
      expect(row!.content).toMatchObject({ id });
    }
    expect(rows.find((r) => r.wamid === sent.text)!.content).toMatchObject({ text: { body: 'Hola, ¿tenéis cita el martes? 😊' } });
    expect(rows.find((r) => r.wamid === sent.button)!.contextWamid).toBe('wamid.template1');
    const [contact] = await db().select().from(contacts);
    expect(contact).toMatchObject({ waId: '34612345678', e164: '+34612345678', country: 'ES', market: 'Spain', profileName: 'Ana García', kind: 'unknown' });
    const [conv] = await db().select().from(conversations);
    expect(conv!.windowExpiresAt!.toISOString()).toBe(new Date(at.getTime() + 24 * 3600_000 - (at.getTime() % 1000)).toISOString());
    expect(conv!.referral).toMatchObject({ source_type: 'ad', ctwa_clid: 'clid1' });
    // Media of each kind queued for the separate download job.
    const media = await db().select().from(mediaFiles);
    expect(media.map((m) => m.metaMediaId).sort()).toEqual(['media-aud-1', 'media-doc-1', 'media-img-1', 'media-stk-1', 'media-vid-1']);
  });

  it('applies every message of a 1,000-item batch spread over several entries and changes', async () => {
    const at = clock.now();
    const entries = [0, 1].map((e) => ({
      id: WABA,
      changes: [0, 1].map((c) => {
        const msgs = Array.from({ length: 250 }, (_, i) => ({ from: `3461${e}${c}${String(i).padStart(5, '0')}`, id: wamid('b'), timestamp: String(at.getTime() / 1000), type: 'text', text: { body: `m${i}` } }));
        return {
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: PNID }, contacts: msgs.map((m) => ({ wa_id: m.from, profile: { name: 'x' } })), messages: msgs },
        };
      }),
    }));
    const res = await deliver({ object: 'whatsapp_business_account', entry: entries });
    expect(res.statusCode).toBe(200);
    await drain();
    expect(await count(messages)).toBe(1000);
    expect(await count(contacts)).toBe(1000);
  });

  it('ends in the same state whether deliveries are duplicated and shuffled or not', async () => {
    const t0 = clock.now();
    const bodies = [0, 1, 2, 3, 4].map((i) => envelope(inbound({ waId: '5215512345678', name: 'Luis' }, new Date(t0.getTime() + i * 60_000), { type: 'text', text: { body: `n${i}` } }).value));
    // Three copies of each, in a fixed shuffled order.
    const order = [4, 1, 1, 3, 0, 4, 2, 2, 0, 3, 4, 1, 0, 3, 2];
    for (const i of order) expect((await deliver(bodies[i])).statusCode).toBe(200);
    await drain();
    expect(await count(messages)).toBe(5);
    const [conv] = await db().select().from(conversations);
    expect(conv!.lastInboundAt!.getTime()).toBe(Math.floor((t0.getTime() + 4 * 60_000) / 1000) * 1000);
    expect(conv!.unreadCount).toBe(5);
  });

  it('matches BSUID first, never creates a contact with an empty phone, and links a later phone', async () => {
    const at = clock.now();
    const bsuid = 'MX.13491208655302741918';
    await deliver(envelope(inbound({ waId: '', bsuid, username: 'luisito', name: 'Luis' }, at, inboundSamples.text!).value));
    await drain();
    let rows = await db().select().from(contacts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ waId: null, e164: null, bsuid, username: 'luisito', country: 'MX', market: 'Mexico' });
    // Later the same user shows up with the phone too: same record, phone added.
    await deliver(envelope(inbound({ waId: '5215511112222', bsuid, name: 'Luis' }, at, inboundSamples.text!).value));
    await drain();
    rows = await db().select().from(contacts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ waId: '5215511112222', bsuid });
  });

  async function outboundMessage(waId: string) {
    const [n] = await db().select().from(phoneNumbers);
    const [c] = await db().insert(contacts).values({ waId }).returning();
    const [conv] = await db().insert(conversations).values({ phoneNumberId: n!.id, contactId: c!.id }).returning();
    const [m] = await db().insert(messages).values({ conversationId: conv!.id, direction: 'out', type: 'text', content: { type: 'text', text: { body: 'hola' } }, status: 'queued' }).returning();
    return { message: m!, number: n! };
  }

  it('merges statuses monotonically, keeps failed errors and pricing, and parks statuses for unknown messages', async () => {
    const { message } = await outboundMessage('34699999999');
    const w = wamid('s');
    await db().update(messages).set({ wamid: w, status: 'accepted' }).where(eq(messages.id, message.id));
    const t = clock.now();
    const pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
    // read arrives first, then sent, then delivered (twice): status stays read, timestamps fill in.
    await deliver(envelope(statusValue([status(w, 'read', new Date(t.getTime() + 3000), { pricing })])));
    await deliver(envelope(statusValue([status(w, 'sent', new Date(t.getTime() + 1000), { pricing })])));
    await deliver(envelope(statusValue([status(w, 'delivered', new Date(t.getTime() + 2000))])));
    await deliver(envelope(statusValue([status(w, 'delivered', new Date(t.getTime() + 2000))])));
    await drain();
    let [row] = await db().select().from(messages).where(eq(messages.id, message.id));
    expect(row).toMatchObject({ status: 'read', pricing });
    expect(row!.sentAt!.getTime()).toBe(Math.floor((t.getTime() + 1000) / 1000) * 1000);
    expect(row!.deliveredAt!.getTime()).toBe(Math.floor((t.getTime() + 2000) / 1000) * 1000);

    // failed is terminal and keeps Meta's error.
    const { message: m2 } = await outboundMessage('34688888888');
    const w2 = wamid('f');
    await db().update(messages).set({ wamid: w2, status: 'accepted' }).where(eq(messages.id, m2.id));
    const error = { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' }, href: '/documentation/business-messaging/whatsapp/support/error-codes' };
    await deliver(envelope(statusValue([status(w2, 'failed', t, { errors: [error] })])));
    await deliver(envelope(statusValue([status(w2, 'sent', t)])));
    await drain();
    [row] = await db().select().from(messages).where(eq(messages.id, m2.id));
    expect(row!.status).toBe('failed');
    expect(row!.errors).toEqual([{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: error.error_data.details, href: error.href }]);

    // A status for a wamid we do not know yet is kept, and applied once the message has that wamid.
    const { message: m3 } = await outboundMessage('34677777777');
    const w3 = wamid('p');
    await deliver(envelope(statusValue([status(w3, 'delivered', t)])));
    await drain();
    expect(await count(pendingStatuses)).toBe(1);
    await db().update(messages).set({ wamid: w3, status: 'accepted' }).where(eq(messages.id, m3.id));
    await deliver(envelope(statusValue([status(wamid('other'), 'sent', t)]))); // any later pass sweeps
    await drain();
    [row] = await db().select().from(messages).where(eq(messages.id, m3.id));
    expect(row!.status).toBe('delivered');
  });

  it('reconciles a send we never saw answered from a status carrying our id', async () => {
    const { message, number } = await outboundMessage('34666666666');
    await db().insert(outboundMessages).values({ id: message.id, phoneNumberId: number.id, recipientKey: '34666666666', body: message.content, state: 'sending', attempts: 1 });
    const w = wamid('r');
    await deliver(envelope(statusValue([status(w, 'sent', clock.now(), { biz_opaque_callback_data: `${message.id}:1` })])));
    await drain();
    const [row] = await db().select().from(messages).where(eq(messages.id, message.id));
    expect(row).toMatchObject({ wamid: w, status: 'sent' });
    const [ob] = await db().select().from(outboundMessages).where(eq(outboundMessages.id, message.id));
    expect(ob!.state).toBe('accepted');
  });

  it('records template, quality and account updates once, and updates the number tier', async () => {
    const tsu = { ...envelope({ event: 'APPROVED', message_template_id: 1689556908129832, message_template_name: 'order_confirmation', message_template_language: 'en-US', reason: 'NONE' }, 'message_template_status_update') };
    (tsu.entry as { time?: number }[])[0]!.time = 1751247548;
    await deliver(tsu);
    await deliver(tsu);
    const q = envelope({ display_phone_number: DISPLAY, event: 'THROUGHPUT_UPGRADE', current_limit: 'TIER_10K', old_limit: 'TIER_2K' }, 'phone_number_quality_update');
    await deliver(q);
    await drain();
    const events = await db().select().from(accountEvents);
    expect(events.map((e) => e.field).sort()).toEqual(['message_template_status_update', 'phone_number_quality_update']);
    const [n] = await db().select().from(phoneNumbers);
    expect(n!.messagingLimitTier).toBe('TIER_10K');
  });

  it('keeps a malformed item out with a reason, applies the rest, and replays after the number is registered', async () => {
    const good = inbound({ waId: '34612345678' }, clock.now(), inboundSamples.text!);
    const value = good.value as { messages: Record<string, unknown>[] };
    value.messages.push({ from: '34612345678', timestamp: 'yesterday', type: 'text', text: { body: 'bad' } });
    await deliver(envelope(good.value));
    // An event for a number we do not know yet.
    const foreign = inbound({ waId: '34611111111' }, clock.now(), inboundSamples.text!);
    (foreign.value.metadata as Record<string, string>).phone_number_id = '999000999';
    await deliver(envelope(foreign.value));
    await drain();
    expect(await count(messages)).toBe(1);
    const events = await db().select().from(webhookEvents).orderBy(webhookEvents.id);
    expect(events[0]!.error).toMatch(/messages\[1\]\.id: missing wamid/);
    expect(events[1]!.error).toMatch(/phone_number_id 999000999 is not a registered number.*replay/);

    const ctx = services.ctx;
    await upsertNumber(ctx, { phoneNumberId: '999000999', wabaId: WABA, displayPhoneNumber: '15550000000', accessToken: 't', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
    const unauth = await app.inject({ method: 'POST', url: '/admin/webhooks/replay', payload: {} });
    expect(unauth.statusCode).toBe(401);
    const replay = await app.inject({ method: 'POST', url: '/admin/webhooks/replay', headers: { authorization: `Bearer ${TOKEN}` }, payload: { onlyFailed: true } });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().replayed).toBe(2);
    await drain();
    expect(await count(messages)).toBe(2); // the good one was not duplicated, the foreign one applied
  });

  it('the batch path and the one-by-one path end in the same state', async () => {
    async function run(batch: boolean) {
      await engine.store.db.execute(sql`truncate outbound_messages, media_files, pending_statuses, messages, conversations, contacts, webhook_events, account_events cascade`);
      const t0 = new Date('2026-11-02T09:00:00Z');
      const outs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { message } = await outboundMessage(`3465000000${i}`);
        const w = `wamid.out.${i}`;
        await db().update(messages).set({ wamid: w, status: 'accepted' }).where(eq(messages.id, message.id));
        outs.push(w);
      }
      const bodies: unknown[] = [];
      for (let i = 0; i < 12; i++) {
        const sender = i % 4 === 3 ? { waId: '', bsuid: 'AR.998877', username: 'sol' } : { waId: `54911000000${i % 3}`, name: `P${i % 3}` };
        const sample = Object.values(inboundSamples)[i % Object.keys(inboundSamples).length]!;
        bodies.push(envelope(inbound(sender, new Date(t0.getTime() + i * 1000), sample, `wamid.in.${i}`).value));
      }
      outs.forEach((w, i) => {
        bodies.push(envelope(statusValue([status(w, 'delivered', new Date(t0.getTime() + 5000 + i)), status(w, 'sent', new Date(t0.getTime() + 4000 + i), { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' } })])));
        if (i === 2) bodies.push(envelope(statusValue([status(w, 'failed', new Date(t0.getTime() + 6000), { errors: [{ code: 131026, title: 'Message undeliverable' }] })])));
      });
      bodies.push(envelope(statusValue([status('wamid.unknown', 'read', t0)])));
      for (const b of [...bodies, ...bodies.slice(0, 5)]) expect((await deliver(b)).statusCode).toBe(200);
      const processor = new WebhookProcessor(services.ctx, { batch, batchSize: 100 });
      while ((await processor.processBatch()) > 0) {
        /* drain */
      }
      const msgs = await engine.store.rows(sql`select m.wamid, m.direction, m.type, m.status, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.errors, m.pricing, case when m.direction = 'in' then m.at end as at, c.wa_id, c.bsuid from messages m join conversations v on v.id = m.conversation_id join contacts c on c.id = v.contact_id order by m.wamid`);
      const convs = await engine.store.rows(sql`select c.wa_id, c.bsuid, c.username, c.profile_name, v.last_inbound_at, v.window_expires_at, v.unread_count, v.referral, v.state from conversations v join contacts c on c.id = v.contact_id order by c.wa_id nulls first, c.bsuid`);
      const other = await engine.store.rows(sql`select (select count(*)::int from media_files) as media, (select count(*)::int from pending_statuses) as pending, (select count(*)::int from webhook_events where processed_at is null) as unprocessed`);
      return { msgs, convs, other };
    }
    const slow = await run(false);
    const fast = await run(true);
    expect(fast).toEqual(slow);
    expect(slow.msgs.length).toBe(15);
    expect(slow.other).toEqual([{ media: 5, pending: 1, unprocessed: 0 }]);
  });
});
