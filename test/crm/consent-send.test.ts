import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { testApi, type TestApi } from '../helpers/api.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { enqueueMessage } from '../../src/messaging/outbox.ts';
import { messages } from '../../src/messaging/schema.ts';
import { confirmConsentKeywords } from '../../src/crm/consent-replies.ts';
import type { TemplateFacts } from '../../src/core/preflight.ts';
import { signatureFor } from '../../src/whatsapp/signature.ts';
import { APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, envelope, inbound, metaJson } from '../messaging/helpers/inbound-payloads.ts';

const promo: TemplateFacts = { name: 'promo_navidad', language: 'es', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: '¡Ofertas de Navidad!' }] } as TemplateFacts;
const facts = { template: async () => promo };
const templateBody = { type: 'template', template: { name: 'promo_navidad', language: { code: 'es' } } };

describeEachEngine('consent at send time', (engine) => {
  let api: TestApi;
  let numberId: string;
  beforeAll(async () => {
    api = await testApi(engine.store);
    numberId = (await upsertNumber(api.ctx, { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: DISPLAY, accessToken: 't', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN })).id;
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    await engine.store.db.execute(sql`truncate outbound_messages, messages, conversations, contacts, suppressions, webhook_events cascade`);
  });

  async function customerWrites(waId: string, text: string) {
    const payload = metaJson(envelope(inbound({ waId }, api.ctx.clock.now(), { type: 'text', text: { body: text } }).value));
    await api.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureFor(APP_SECRET, payload) }, payload });
    while ((await api.services.processor.processBatch()) > 0) {
      /* drain */
    }
  }

  it('sends marketing only with opt-in, and refuses it after the customer writes BAJA, saying why', async () => {
    await customerWrites('34611223344', 'Hola');
    const contact = (await api.call('/api/v1/contacts')).json().data[0];
    await expect(enqueueMessage(api.ctx, { phoneNumberId: numberId, contactId: contact.id, body: templateBody }, { facts })).rejects.toMatchObject({
      statusCode: 422,
      code: 'no_marketing_consent',
    });
    await api.call({ method: 'POST', url: `/api/v1/contacts/${contact.id}/consents`, payload: { category: 'marketing', state: 'opted_in', source: 'form', evidence: 'Sí, quiero recibir ofertas', at: '2026-11-01T00:00:00Z' } });
    const ok = await enqueueMessage(api.ctx, { phoneNumberId: numberId, contactId: contact.id, body: templateBody }, { facts });
    expect(ok.status).toBe('queued');

    const replies: string[] = [];
    const stop = confirmConsentKeywords(api.ctx, () => {});
    const done = new Promise<void>((resolve) => api.ctx.events.on('message.created', (e) => e.direction === 'out' && resolve()));
    await customerWrites('34611223344', 'BAJA');
    await done;
    stop();
    const out = await engine.store.db.select().from(messages).where(and(eq(messages.direction, 'out'), eq(messages.type, 'text')));
    replies.push(...out.map((m) => (m.content as { text: { body: string } }).text.body));
    expect(replies).toEqual(['Listo: no te enviaremos más mensajes promocionales. Si cambias de opinión, escribe ALTA.']);

    const refused = enqueueMessage(api.ctx, { phoneNumberId: numberId, contactId: contact.id, body: templateBody }, { facts });
    await expect(refused).rejects.toMatchObject({ statusCode: 422, code: 'no_marketing_consent' });
    await expect(refused).rejects.toThrow(/opted out of marketing messages/);
  });

  it('never messages a suppressed number, through the API', async () => {
    await customerWrites('5491144443333', 'hola');
    await api.call({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: '+54 9 11 4444-3333', reason: 'legal' } });
    const res = await api.call({ method: 'POST', url: '/api/v1/messages', payload: { phoneNumberId: numberId, to: '+5491144443333', type: 'text', text: { body: 'hola' } } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'recipient_suppressed', message: expect.stringMatching(/suppression list/) });
  });
});
