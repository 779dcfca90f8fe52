import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Any, type Harness, expectGraphError, startHarness } from './harness.ts';
import { createSandbox } from '../../src/sandbox/index.ts';

let h: Harness;
let list: Any[];
beforeAll(async () => {
  h = await startHarness({ personas: { count: 24, usernameShare: 0.3 } });
  list = (await h.control('GET', '/personas')).data;
});
afterAll(() => h.close());

describe('personas', () => {
  it('are deterministic for a seed, in several markets, with Spanish and English names', async () => {
    const other = await createSandbox({ logLevel: 'silent', personas: { count: 24, usernameShare: 0.3 } });
    const again = other.control.personas();
    await other.close();
    expect(again.map((p) => p.wa_id)).toEqual(list.map((p) => p.wa_id));
    expect(new Set(list.map((p) => p.country))).toEqual(new Set(['ES', 'MX', 'AR', 'CO', 'BR', 'US', 'CL', 'PE', 'GB']));
    expect(list.some((p) => p.lang === 'es') && list.some((p) => p.lang === 'en')).toBe(true);
    const different = await createSandbox({ logLevel: 'silent', seed: 7, personas: { count: 24 } });
    expect(different.control.personas()[0]!.wa_id).not.toBe(list[0].wa_id);
    await different.close();
  });

  it('username personas carry BSUID and no phone, and can be messaged by `recipient`', async () => {
    const u = list.find((p) => p.phone_hidden);
    const r = await h.control('POST', `/personas/${u.id}/messages`, { type: 'text', text: { body: 'hi' } });
    const value = await h.waitFor(() => h.fields('messages').find((v) => v.messages?.[0]?.id === r.wamid), 'inbound');
    expect(value.contacts[0]).toEqual({ profile: { name: u.name, username: u.username, country_code: u.country }, user_id: u.bsuid });
    expect(value.messages[0].from).toBe('');
    expect(value.messages[0].from_user_id).toBe(u.bsuid);
    const res = await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', recipient: u.bsuid, type: 'text', text: { body: 'hello' } });
    expect(res.body.contacts).toEqual([{ input: u.bsuid, user_id: u.bsuid }]);
    const st = await h.waitFor(() => h.statuses().find((s) => s.id === res.body.messages[0].id && s.status === 'delivered'), 'status');
    expect(st.recipient_id).toBe('');
    expect(st.recipient_user_id).toBe(u.bsuid);
    expectGraphError(await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', recipient: 'not-a-bsuid', type: 'text', text: { body: 'x' } }), 131009);
  });

  it('sends every inbound type of spec §3.4', async () => {
    const p = list.find((x) => !x.phone_hidden);
    const inputs: Any[] = [
      { type: 'text', text: { body: 'hola' }, context: { forwarded: true } },
      { type: 'image', image: { caption: 'foto' } },
      { type: 'video', video: {} },
      { type: 'audio', audio: { voice: true } },
      { type: 'document', document: { filename: 'f.pdf' } },
      { type: 'sticker', sticker: { animated: false } },
      { type: 'location', location: { latitude: 1, longitude: 2, name: 'x' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+34600000000', wa_id: '34600000000', type: 'CELL' }] }] },
      { type: 'button', button: { text: 'Confirmar', payload: 'OK' }, context: { message_id: 'wamid.x' } },
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí' } } },
      { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Uno', description: 'd' } } },
      { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
      { type: 'order', order: { catalog_id: '1', product_items: [{ product_retailer_id: 'sku', quantity: 1, item_price: 10, currency: 'EUR' }] } },
      { type: 'system', system: { body: 'changed', type: 'customer_changed_number' } },
      { type: 'unsupported' },
      { type: 'request_welcome' },
    ];
    const ids: string[] = [];
    for (const i of inputs) ids.push((await h.control('POST', `/personas/${p.id}/messages`, i)).wamid);
    await h.waitFor(() => ids.every((id) => h.messages().some((m) => m.id === id)), 'all inbound');
    const got = ids.map((id) => h.messages().find((m) => m.id === id));
    expect(got.map((m) => m.type)).toEqual(inputs.map((i) => i.type));
    expect(got[1].image).toMatchObject({ caption: 'foto', mime_type: 'image/jpeg', id: expect.any(String), sha256: expect.any(String) });
    expect(got[8].context).toEqual({ from: expect.stringMatching(/^1555/), id: 'wamid.x' });
    expect(got[14].errors[0].code).toBe(131051);
    // Inbound media can be fetched and downloaded with the token.
    const info = await h.get(`/${got[1].image.id}`);
    expect(info.body).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'image/jpeg', id: got[1].image.id, file_size: expect.any(Number) });
    const dl = await fetch(info.body.url, { headers: { authorization: 'Bearer test-token' } });
    expect(dl.status).toBe(200);
    expect((await dl.arrayBuffer()).byteLength).toBe(info.body.file_size);
  });
});

describe('media, numbers and business profile', () => {
  it('upload, get, download (URL expires after 5 min), delete', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'application/pdf');
    form.set('file', new Blob([Buffer.from('%PDF-1.4 sandbox')], { type: 'application/pdf' }), 'a.pdf');
    const up = await fetch(`${h.graph}/${h.pnId}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: form });
    const { id } = (await up.json()) as Any;
    expect(id).toMatch(/^\d+$/);
    const info = await h.get(`/${id}?phone_number_id=${h.pnId}`);
    expect(info.body).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'application/pdf', file_size: 16, id });
    expect((await fetch(info.body.url)).status).toBe(401);
    expect(await (await fetch(info.body.url, { headers: { authorization: 'Bearer test-token' } })).text()).toBe('%PDF-1.4 sandbox');
    await h.control('POST', '/clock/advance', { minutes: 6 });
    expect((await fetch(info.body.url, { headers: { authorization: 'Bearer test-token' } })).status).toBe(404);
    expect((await h.del(`/${id}`)).body).toEqual({ success: true });
    expectGraphError(await h.get(`/${id}`), 100);

    const bad = new FormData();
    bad.set('messaging_product', 'whatsapp');
    bad.set('type', 'application/x-msdownload');
    bad.set('file', new Blob([Buffer.from('MZ')]), 'a.exe');
    const r = await fetch(`${h.graph}/${h.pnId}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: bad });
    expectGraphError({ status: r.status, body: await r.json() }, 131053);
    const noType = new FormData();
    noType.set('messaging_product', 'whatsapp');
    noType.set('file', new Blob([Buffer.from('x')], { type: 'text/plain' }), 'a.txt');
    const r2 = await fetch(`${h.graph}/${h.pnId}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: noType });
    expectGraphError({ status: r2.status, body: await r2.json() }, 131008);
  });

  it('lists phone numbers with quality, throughput and messaging limit; control changes emit webhooks', async () => {
    const res = await h.get(`/${h.wabaId}/phone_numbers?fields=id,display_phone_number,verified_name,quality_rating,throughput,whatsapp_business_manager_messaging_limit`);
    expect(res.body.data).toHaveLength(2);
    expect(res.body.data[0]).toEqual({ id: h.pnId, display_phone_number: expect.stringMatching(/^\+1 555-/), verified_name: expect.any(String), quality_rating: 'GREEN', throughput: { level: 'STANDARD' }, whatsapp_business_manager_messaging_limit: 'TIER_2K' });
    expectGraphError(await h.get(`/${h.pnId}?fields=nonsense`), 100);
    await h.control('POST', `/numbers/${h.pnId}`, { quality_rating: 'RED', tier: 'TIER_10K' });
    await h.waitFor(() => h.fields('phone_number_quality_update').some((v) => v.event === 'FLAGGED'), 'flagged');
    await h.waitFor(() => h.fields('phone_number_quality_update').some((v) => v.event === 'UPGRADE' && v.current_limit === 'TIER_10K'), 'tier');
    expect((await h.get(`/${h.pnId}?fields=quality_rating,whatsapp_business_manager_messaging_limit`)).body).toMatchObject({ quality_rating: 'RED', whatsapp_business_manager_messaging_limit: 'TIER_10K' });
    const cfg = await h.control('GET', '/config');
    expect(cfg).toMatchObject({ accessToken: 'test-token', appSecret: expect.any(String), waba: { id: h.wabaId }, phoneNumbers: [{ id: h.pnId }, {}] });
  });

  it('business profile get and update with limits', async () => {
    const get = await h.get(`/${h.pnId}/whatsapp_business_profile?fields=about,vertical,websites`);
    expect(get.body.data[0]).toMatchObject({ about: expect.any(String), vertical: 'RETAIL', messaging_product: 'whatsapp' });
    expect((await h.post(`/${h.pnId}/whatsapp_business_profile`, { messaging_product: 'whatsapp', about: 'Nuevo', vertical: 'HOTEL' })).body).toEqual({ success: true });
    expect((await h.get(`/${h.pnId}/whatsapp_business_profile?fields=about,vertical`)).body.data[0]).toEqual({ about: 'Nuevo', vertical: 'HOTEL', messaging_product: 'whatsapp' });
    expectGraphError(await h.post(`/${h.pnId}/whatsapp_business_profile`, { messaging_product: 'whatsapp', about: 'x'.repeat(140) }), 100);
    expectGraphError(await h.post(`/${h.pnId}/whatsapp_business_profile`, { messaging_product: 'whatsapp', vertical: 'SPACE' }), 100);
    expectGraphError(await h.post(`/${h.pnId}/whatsapp_business_profile`, { messaging_product: 'whatsapp', websites: ['https://a.com', 'https://b.com', 'https://c.com'] }), 100);
  });
});

describe('autonomous personas', () => {
  it('write in, and react to agents when enabled (demo mode)', async () => {
    const sb = await createSandbox({ logLevel: 'silent', clock: 'virtual', personas: { count: 10, autonomous: true, activityIntervalMs: 1000 }, delays: { deliveredMs: 0, readMs: 0 } });
    sb.control.advanceClock(20_000);
    const sends = sb.control.personas().filter((p) => Object.keys(p.windows as object).length > 0);
    expect(sends.length).toBeGreaterThan(0);
    await sb.close();
  });

  it('is off by default', async () => {
    const sb = await createSandbox({ logLevel: 'silent', clock: 'virtual' });
    sb.control.advanceClock(3_600_000);
    expect(sb.control.personas().every((p) => Object.keys(p.windows as object).length === 0)).toBe(true);
    await sb.close();
  });
});
