import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { asUser, signIn, testApi, type TestApi } from '../helpers/api.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { conversations, mediaFiles, messages } from '../../src/messaging/schema.ts';
import { teams } from '../../src/accounts/schema.ts';
import { signatureFor } from '../../src/whatsapp/signature.ts';
import { APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, envelope, inbound, inboundSamples, metaJson } from '../messaging/helpers/inbound-payloads.ts';

describeEachEngine('message reads follow conversation access', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi(engine.store);
    await upsertNumber(api.ctx, { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: DISPLAY, accessToken: 't', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  });
  afterAll(() => api.close());

  it('an agent cannot read a message or its media from another team by id; a teammate can', async () => {
    const payload = metaJson(envelope(inbound({ waId: '34699887766' }, api.ctx.clock.now(), inboundSamples.image!).value));
    await api.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureFor(APP_SECRET, payload) }, payload });
    while ((await api.services.processor.processBatch()) > 0) {
      /* drain */
    }
    const [ventas] = await engine.store.db.insert(teams).values({ name: `Ventas ${Date.now()}` }).returning();
    const [soporte] = await engine.store.db.insert(teams).values({ name: `Soporte ${Date.now()}` }).returning();
    const [m] = await engine.store.db.select().from(messages);
    await engine.store.db.update(conversations).set({ teamId: ventas!.id }).where(eq(conversations.id, m!.conversationId));
    await engine.store.db.update(mediaFiles).set({ state: 'failed', lastError: 'test' }).where(eq(mediaFiles.messageId, m!.id));

    const outsider = asUser(api, await signIn(api, 'agent', { teamIds: [soporte!.id] }));
    const denied = await outsider(`/api/v1/messages/${m!.id}`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('conversation_forbidden');
    expect((await outsider(`/api/v1/messages/${m!.id}/media`)).statusCode).toBe(403);

    const teammate = asUser(api, await signIn(api, 'agent', { teamIds: [ventas!.id] }));
    expect((await teammate(`/api/v1/messages/${m!.id}`)).statusCode).toBe(200);
    expect((await teammate(`/api/v1/messages/${m!.id}/media`)).statusCode).toBe(410); // failed download, but visible
  });
});
