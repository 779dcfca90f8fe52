import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeEachEngine } from '../../helpers/store.ts';
import { customerWrites, eventually, sandboxSendsFor, startHarness, type Harness } from '../helpers/outbound-harness.ts';
import { conversations, outboundMessages, phoneNumbers } from '../../../src/messaging/schema.ts';
import { getMessage, reconcileFromStatus } from '../../../src/messaging/outbox.ts';
import { acquireLane, claimBatch, markAccepted, renewLane, requeueInDoubt } from '../../../src/messaging/lanes.ts';
import { createCloudApiClient } from '../../../src/whatsapp/client.ts';
import { formatCallbackData, parseCallbackData } from '../../../src/core/callback-data.ts';

const HOUR = 3_600_000;

describe('callback data format', () => {
  it('round-trips <uuid>:<attempt> and ignores foreign values', () => {
    const id = '0b7f6a3e-3f4c-4d2a-9a57-2f5b0b1f9c11';
    expect(parseCallbackData(formatCallbackData(id, 3))).toEqual({ messageId: id, attempt: 3 });
    expect(parseCallbackData(id)).toEqual({ messageId: id, attempt: 0 });
    expect(parseCallbackData('campaign-42')).toBeNull();
    expect(parseCallbackData(undefined)).toBeNull();
  });
});

describeEachEngine('outbound messaging', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine.store);
    // Lane for number 0 only; number 1 is left for the fencing and crash tests to drive by hand.
    h.startDispatcher({ numbers: [h.numbers[0]!.id] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const send = (payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/api/v1/messages', payload });
  const view = async (id: string) => (await h.app.inject(`/api/v1/messages/${id}`)).json<Record<string, unknown> & { status: string; outbound: { state: string; attempts: number } }>();
  const accepted = async (id: string) => {
    try {
      return await eventually(async () => ((await view(id)).outbound.state === 'accepted' ? view(id) : null), `message ${id} accepted`);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await view(id))}`, { cause: err });
    }
  };

  it('numbers API registers, lists and patches numbers without exposing credentials', async () => {
    const list = await h.app.inject('/api/v1/numbers');
    expect(list.statusCode).toBe(200);
    const data = list.json<{ data: Record<string, unknown>[] }>().data;
    expect(data).toHaveLength(2);
    expect(JSON.stringify(data)).not.toContain(h.sandbox.config.accessToken);
    expect(data[0]).not.toHaveProperty('accessTokenEnc');
    const byMeta = await h.app.inject(`/api/v1/numbers/${h.numbers[1]!.metaId}`);
    expect(byMeta.json()).toMatchObject({ id: h.numbers[1]!.id });
    const patched = await h.app.inject({ method: 'PATCH', url: `/api/v1/numbers/${h.numbers[1]!.id}`, payload: { throughputMps: 79 } });
    expect(patched.json()).toMatchObject({ throughputMps: 79 });
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/numbers', payload: { phoneNumberId: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/wabaId/);
    expect((await h.app.inject('/api/v1/numbers/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('accepts every outbound type end to end, each sent exactly once', async () => {
    const c = await customerWrites(h);
    const number = h.numbers[0]!.id;
    const upload = async (mime: string, bytes: Buffer, filename: string) => {
      const boundary = '----charla';
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="phoneNumberId"\r\n\r\n${number}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mime}\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/media', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const imageId = await upload('image/jpeg', Buffer.alloc(2048, 1), 'photo.jpg');
    const stickerId = await upload('image/webp', Buffer.alloc(1024, 2), 'hi.webp');
    const audioId = await upload('audio/ogg', Buffer.alloc(4096, 3), 'voice.ogg');

    const bodies: Record<string, unknown>[] = [
      { type: 'text', text: { body: 'Hola, ¿en qué te ayudo? https://example.com', preview_url: true } },
      { type: 'text', text: { body: 'Respondo a tu mensaje' }, context: { message_id: c.wamid } },
      { type: 'image', image: { id: imageId, caption: 'Tu foto' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4', caption: 'Vídeo' } },
      { type: 'audio', audio: { id: audioId, voice: true } },
      { type: 'document', document: { link: 'https://example.com/f.pdf', filename: 'factura.pdf', caption: 'Factura' } },
      { type: 'sticker', sticker: { id: stickerId } },
      { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Sol', address: 'Puerta del Sol, Madrid' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana García', first_name: 'Ana' }, phones: [{ phone: '+34600000000', type: 'CELL' }] }] },
      { type: 'reaction', reaction: { message_id: c.wamid, emoji: '👍' } },
      {
        type: 'interactive',
        interactive: { type: 'button', body: { text: '¿Confirmas?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Sí' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list', header: { type: 'text', text: 'Menú' }, body: { text: 'Elige' }, footer: { text: 'Gracias' },
          action: { button: 'Ver', sections: [{ title: 'Citas', rows: [{ id: 'a', title: 'Mañana', description: '9–13 h' }, { id: 'b', title: 'Tarde' }] }] },
        },
      },
      {
        type: 'interactive',
        interactive: { type: 'cta_url', body: { text: 'Mira la web' }, action: { name: 'cta_url', parameters: { display_text: 'Abrir', url: 'https://example.com' } } },
      },
      {
        type: 'template',
        template: {
          name: 'order_update', language: { code: 'es' },
          components: [
            { type: 'body', parameters: [{ type: 'text', text: 'Lucía' }, { type: 'text', text: 'A-1001' }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1001' }] },
          ],
        },
      },
      {
        type: 'template',
        template: {
          name: 'appointment_reminder', language: { code: 'es' },
          components: [
            { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Lucía' }] },
            { type: 'body', parameters: [{ type: 'text', parameter_name: 'date', text: '12/05' }, { type: 'text', parameter_name: 'time', text: '10:00' }] },
          ],
        },
      },
    ];
    const ids: string[] = [];
    for (const b of bodies) {
      const res = await send({ phoneNumberId: number, to: `+${c.waId}`, ...b });
      expect(res.statusCode, `${String(b.type)}: ${res.body}`).toBe(202);
      const v = res.json<{ id: string; status: string; conversationId: string }>();
      expect(v.status).toBe('queued');
      expect(v.conversationId).toBe(c.conversationId);
      ids.push(v.id);
    }
    for (const id of ids) {
      const v = await accepted(id);
      expect(v.wamid).toMatch(/^wamid\./);
      expect(v.status).not.toBe('queued');
      expect(sandboxSendsFor(h, id)).toEqual({ count: 1, callbackData: [`${id}:1`] });
    }
    // Meta's phone_number_id works as well as ours; `to` without "+" takes the sender's country code.
    const viaMeta = await send({ phoneNumberId: h.numbers[0]!.metaId, to: c.waId, type: 'text', text: { body: 'x' } });
    expect(viaMeta.statusCode, viaMeta.body).toBe(202);
  });

  it('lists a conversation newest first with a cursor', async () => {
    const c = await customerWrites(h);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      const res = await send({ phoneNumberId: h.numbers[0]!.id, contactId: c.contactId, type: 'text', text: { body: `m${i}` } });
      ids.push(res.json<{ id: string }>().id);
    }
    const p1 = (await h.app.inject(`/api/v1/conversations/${c.conversationId}/messages?limit=2`)).json<{ items: { id: string }[]; nextCursor: string }>();
    expect(p1.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const p2 = (await h.app.inject(`/api/v1/conversations/${c.conversationId}/messages?limit=2&cursor=${encodeURIComponent(p1.nextCursor)}`)).json<{
      items: { id: string; direction: string }[]; nextCursor: string | null;
    }>();
    expect(p2.items.map((m) => m.id)).toEqual([ids[0], expect.any(String)]);
    expect(p2.items[1]!.direction).toBe('in');
    expect(p2.nextCursor).toBeNull();
    for (const id of ids) await accepted(id);
  });

  it('refuses outside the window, invalid interactive bodies and malformed requests, in words', async () => {
    const c = await customerWrites(h);
    const invalid = await send({
      phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'interactive',
      interactive: { type: 'button', body: { text: '¿?' }, action: { buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })) } },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().error.code).toBe('invalid_message');
    expect(JSON.stringify(invalid.json().error.details.problems)).toContain('interactive.action.buttons');

    const malformed = await send({ phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'text', text: {} });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/text\.body/);

    h.advance(25 * HOUR);
    const late = await send({ phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'text', text: { body: '¿Sigues ahí?' } });
    expect(late.statusCode).toBe(422);
    expect(late.json().error).toMatchObject({ code: 'window_closed' });
    expect(late.json().error.message).toMatch(/last wrote 25 h ago.*Choose a template/);
    // A template still goes out.
    const tpl = await send({
      phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(tpl.statusCode, tpl.body).toBe(202);
    await accepted(tpl.json<{ id: string }>().id);
  });

  it('retries 130429 and 131056 until accepted, with exactly one accepted send', async () => {
    for (const code of [130429, 131056]) {
      const c = await customerWrites(h);
      h.sandbox.control.failNext(2, code);
      const res = await send({ phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'text', text: { body: `retry ${code}` } });
      const id = res.json<{ id: string }>().id;
      const v = await accepted(id);
      expect(v.outbound.attempts).toBe(3);
      expect(sandboxSendsFor(h, id)).toEqual({ count: 1, callbackData: [`${id}:3`] });
    }
  });

  it('keeps a final error with Meta’s code and words', async () => {
    const c = await customerWrites(h);
    h.sandbox.control.failNext(1, 131009, 'Parameter value is not valid (sandbox fault)');
    const res = await send({ phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'text', text: { body: 'will fail' } });
    const id = res.json<{ id: string }>().id;
    const v = await eventually(async () => {
      const x = await view(id);
      return x.status === 'failed' ? x : null;
    }, 'failed status');
    expect(v.outbound.state).toBe('failed');
    const errors = v.errors as { code: number; title: string; details: string }[];
    expect(errors[0]).toMatchObject({ code: 131009 });
    expect(errors[0]!.details).toContain('sandbox fault');
    expect(v.errorText).toMatch(/131009/);
    expect(v.failedAt).toBeTruthy();
    expect(sandboxSendsFor(h, id).count).toBe(0);
  });

  it('opens the free-entry-point window when the first reply to an ad referral goes out', async () => {
    const c = await customerWrites(h, 0, { referral: true });
    const before = h.ctx.clock.now().getTime();
    const res = await send({ phoneNumberId: h.numbers[0]!.id, to: `+${c.waId}`, type: 'text', text: { body: 'Gracias por escribir' } });
    await accepted(res.json<{ id: string }>().id);
    const [conv] = await h.ctx.store.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    const fep = conv!.fepExpiresAt!.getTime() - 72 * HOUR;
    expect(fep).toBeGreaterThanOrEqual(before);
    expect(fep).toBeLessThanOrEqual(h.ctx.clock.now().getTime());
  });

  it('marks a received message as read with a typing indicator', async () => {
    const c = await customerWrites(h);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/messages/read', payload: { messageId: c.wamid, typingIndicator: true } });
    expect(res.statusCode, res.body).toBe(200);
    expect(h.sandbox.control.reads()).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: c.wamid, typingIndicator: true })]));
    const [conv] = await h.ctx.store.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    expect(conv!.unreadCount).toBe(0);
  });

  it('a lane taken over keeps the pair rate of the sends its previous owner just made', async () => {
    const n1 = h.numbers[1]!.id;
    const pairRate = { intervalMs: 6_000, maxBurst: 3, burstWindowMs: 6_000 };
    const c = await customerWrites(h, 1);
    const text = (body: string) => send({ phoneNumberId: n1, to: `+${c.waId}`, type: 'text', text: { body } }).then((r) => r.json<{ id: string }>().id);
    const first = h.startDispatcherFor(n1, { pairRate });
    const t0 = h.ctx.clock.now().getTime();
    for (const id of [await text('uno'), await text('dos'), await text('tres')]) await accepted(id);
    await first.stop(); // the lane is released: another process takes it over
    const second = h.startDispatcherFor(n1, { pairRate });
    await eventually(async () => second.lanes().has(n1), 'lane taken over');
    // A burst of three to this customer is paid back only 3 × 6 s after it began: the fourth waits.
    const fourth = await text('cuatro');
    await new Promise((r) => setTimeout(r, 400)); // eight polls of the lane
    const [row] = await h.ctx.store.db.select().from(outboundMessages).where(eq(outboundMessages.id, fourth));
    expect(row).toMatchObject({ state: 'queued', attempts: 0 });
    expect(row!.notBefore.getTime()).toBeGreaterThanOrEqual(t0 + 18_000);
    expect(sandboxSendsFor(h, fourth).count).toBe(0);
    h.advance(18_000);
    expect((await accepted(fourth)).outbound.attempts).toBe(1);
    await second.stop();
  });

  it('fencing: a process whose lane was taken over can neither claim nor overwrite', async () => {
    const n1 = h.numbers[1]!.id;
    const db = h.ctx.store.db;
    const c = await customerWrites(h, 1);
    const res = await send({ phoneNumberId: n1, to: `+${c.waId}`, type: 'text', text: { body: 'fenced' } });
    const id = res.json<{ id: string }>().id;
    const t0 = h.ctx.clock.now();
    const e1 = (await acquireLane(db, n1, 'old', t0, 5_000))!;
    expect(await acquireLane(db, n1, 'new', t0, 5_000)).toBeNull();
    const [claimed] = await claimBatch(db, { numberId: n1, owner: 'old', epoch: e1 }, t0, 10);
    expect(claimed?.id).toBe(id);
    // The old owner stalls past its lease; the new one takes over, and the send is in doubt.
    const t1 = new Date(t0.getTime() + 6_000);
    const e2 = (await acquireLane(db, n1, 'new', t1, 5_000))!;
    expect(e2).toBe(e1 + 1);
    expect(await renewLane(db, n1, 'old', e1, t1, 5_000)).toBeNull();
    expect(await requeueInDoubt(db, n1, e2, t1)).toBe(1);
    const [reclaimed] = await claimBatch(db, { numberId: n1, owner: 'new', epoch: e2 }, t1, 10);
    expect(reclaimed).toMatchObject({ id, attempts: 2 });
    expect(await claimBatch(db, { numberId: n1, owner: 'old', epoch: e1 }, t1, 10)).toEqual([]);
    expect(await markAccepted(db, [{ id, wamid: 'wamid.STALE' }], e1, t1)).toEqual([]);
    expect(await markAccepted(db, [{ id, wamid: 'wamid.FRESH' }], e2, t1)).toHaveLength(1);
    expect((await getMessage(db, id))!.wamid).toBe('wamid.FRESH');
    await db.update(phoneNumbers).set({ updatedAt: t1 }).where(eq(phoneNumbers.id, n1));
  });

  describe('crash reconciliation', () => {
    /** A dead process claimed the row (and maybe sent it) and its lease has run out. */
    async function crashedSend(actuallySent: boolean) {
      const n1 = h.numbers[1]!;
      const db = h.ctx.store.db;
      const c = await customerWrites(h, 1);
      const res = await send({ phoneNumberId: n1.id, to: `+${c.waId}`, type: 'text', text: { body: actuallySent ? 'sent before crash' : 'claimed before crash' } });
      const id = res.json<{ id: string }>().id;
      const now = h.ctx.clock.now();
      const lanes = await acquireLane(db, n1.id, 'crashed', new Date(now.getTime() + 60_000), 5_000);
      const [row] = await claimBatch(db, { numberId: n1.id, owner: 'crashed', epoch: lanes! }, new Date(now.getTime() + 60_000), 10);
      expect(row?.id).toBe(id);
      let wamid: string | null = null;
      if (actuallySent) {
        const [numberRow] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, n1.id));
        const client = createCloudApiClient(h.ctx);
        wamid = (await client.sendMessage(numberRow!, { ...row!.body, biz_opaque_callback_data: formatCallbackData(id, row!.attempts) })).wamid;
        await client.close();
      }
      h.advance(70_000); // the dead owner's lease is over
      return { id, wamid, n1: n1.id };
    }

    it('a row left in sending is reconciled from a status carrying our id, not resent', async () => {
      const { id, wamid, n1 } = await crashedSend(true);
      const d = h.startDispatcherFor(n1);
      await eventually(async () => d.lanes().has(n1), 'lane taken over');
      // The inbound processor sees the status webhook with biz_opaque_callback_data = "<id>:1".
      expect(parseCallbackData(`${id}:1`)!.messageId).toBe(id);
      expect(await reconcileFromStatus(h.ctx.store.db, id, wamid!)).toBe(true);
      h.advance(61_000); // past the grace period
      const c = await customerWrites(h, 1);
      const probe = (await send({ phoneNumberId: n1, to: `+${c.waId}`, type: 'text', text: { body: 'after grace' } })).json<{ id: string }>().id;
      await accepted(probe);
      const v = await view(id);
      expect(v.outbound).toMatchObject({ state: 'accepted', attempts: 1 });
      expect(v.wamid).toBe(wamid);
      expect(sandboxSendsFor(h, id).count).toBe(1);
      await d.stop();
    });

    it('a row left in sending with no status is resent once after the grace period', async () => {
      const { id, n1 } = await crashedSend(false);
      const d = h.startDispatcherFor(n1);
      await eventually(async () => d.lanes().has(n1), 'lane taken over');
      const [row] = await h.ctx.store.db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
      expect(row!.state).toBe('sending'); // waiting for a status, not resent yet
      expect(sandboxSendsFor(h, id).count).toBe(0);
      h.advance(61_000);
      const v = await accepted(id);
      expect(v.outbound.attempts).toBe(2);
      expect(sandboxSendsFor(h, id)).toEqual({ count: 1, callbackData: [`${id}:2`] });
      await d.stop();
    });
  });
});
