import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Any, type Harness, expectGraphError, startHarness } from './harness.ts';

let h: Harness;
let p: Any;
let bsuidPersona: Any;
beforeAll(async () => {
  h = await startHarness();
  const list = (await h.control('GET', '/personas')).data;
  p = list.find((x: Any) => !x.phone_hidden);
  bsuidPersona = list.find((x: Any) => x.phone_hidden);
});
afterAll(() => h.close());

const send = (name: string, lang: string, components: Any[] = [], to: Any = { to: p.wa_id }) =>
  h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', ...to, type: 'template', template: { name, language: { code: lang }, components } });

describe('template sends', () => {
  it('132001 (HTTP 404) for an unknown name or language', async () => {
    expectGraphError(await send('no_such_template', 'es'), 132001, 404);
    expectGraphError(await send('hello_world', 'es'), 132001, 404);
  });

  it('positional parameters: count 132000, format 132012; URL button parameter required', async () => {
    const body = (...v: string[]) => ({ type: 'body', parameters: v.map((t) => ({ type: 'text', text: t })) });
    const button = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] };
    expect((await send('order_update', 'es', [body('Ana', 'A-1'), button])).status).toBe(200);
    expectGraphError(await send('order_update', 'es', [body('Ana'), button]), 132000);
    expectGraphError(await send('order_update', 'es', [body('Ana', 'A-1')]), 132000);
    expectGraphError(await send('order_update', 'es', [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'name', text: 'Ana' }, { type: 'text', text: 'x' }] }, button]), 132012);
    expectGraphError(await send('order_update', 'es', [body('Ana', 'A-1'), { ...button, sub_type: 'quick_reply' }]), 132012);
  });

  it('named parameters and a media header', async () => {
    const header = { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] };
    const body = { type: 'body', parameters: [{ type: 'text', parameter_name: 'time', text: '10:00' }, { type: 'text', parameter_name: 'date', text: '12/05' }] };
    const ok = await send('appointment_reminder', 'es', [header, body]);
    expect(ok.status).toBe(200);
    expect(ok.body.messages[0].message_status).toBe('accepted');
    expectGraphError(await send('appointment_reminder', 'es', [header, { type: 'body', parameters: [{ type: 'text', text: '10:00' }, { type: 'text', text: '12/05' }] }]), 132012);
    expectGraphError(await send('appointment_reminder', 'es', [header, { type: 'body', parameters: [{ type: 'text', parameter_name: 'hour', text: '1' }, { type: 'text', parameter_name: 'date', text: '2' }] }]), 132012);
    const promoBody = { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] };
    expectGraphError(await send('spring_promo', 'es', [promoBody]), 132000);
    expectGraphError(await send('spring_promo', 'es', [{ type: 'header', parameters: [{ type: 'text', text: 'x' }] }, promoBody]), 132012);
    expect((await send('spring_promo', 'es', [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] }, promoBody])).status).toBe(200);
  });

  it('131062 for copy-code authentication templates to a BSUID; fine to a phone and for other templates', async () => {
    const comps = [{ type: 'body', parameters: [{ type: 'text', text: '123456' }] }, { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '123456' }] }];
    expectGraphError(await send('verification_code', 'es', comps, { recipient: bsuidPersona.bsuid }), 131062);
    expect((await send('verification_code', 'es', comps)).status).toBe(200);
    const res = await send('hello_world', 'en_US', [], { recipient: bsuidPersona.bsuid });
    expect(res.status).toBe(200);
    expect(res.body.contacts).toEqual([{ input: bsuidPersona.bsuid, user_id: bsuidPersona.bsuid }]);
  });

  it('paused (132015), disabled (132016), unpause, with status webhooks', async () => {
    const tpls = await h.get(`/${h.wabaId}/message_templates?name=hello_world`);
    const id = tpls.body.data[0].id;
    await h.control('POST', `/templates/${id}/status`, { status: 'PAUSED' });
    expectGraphError(await send('hello_world', 'en_US'), 132015);
    const paused = await h.waitFor(() => h.fields('message_template_status_update').find((v) => v.event === 'PAUSED'), 'paused');
    expect(paused).toMatchObject({ message_template_id: Number(id), message_template_name: 'hello_world', message_template_language: 'en-US', other_info: { title: 'FIRST_PAUSE' } });
    expect(await h.post(`/${id}/unpause`, {})).toEqual({ status: 200, body: { success: true } });
    expect((await send('hello_world', 'en_US')).status).toBe(200);
    await h.control('POST', `/templates/${id}/status`, { status: 'PAUSED' });
    await h.control('POST', '/clock/advance', { hours: 6 }); // second pause lasts 6 h
    expect((await h.get(`/${id}?fields=status`)).body).toEqual({ status: 'APPROVED', id });
    await h.control('POST', `/templates/${id}/status`, { status: 'PAUSED' });
    expectGraphError(await send('hello_world', 'en_US'), 132016);
    await h.waitFor(() => h.fields('message_template_status_update').find((v) => v.event === 'DISABLED'), 'disabled');
  });
});

describe('template management', () => {
  it('creates, reviews (approve/reject with reason), lists, edits and deletes', async () => {
    const good = await h.post(`/${h.wabaId}/message_templates`, {
      name: 'shipping_notice', language: 'es_MX', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hola {{1}}, tu envío sale hoy desde {{2}}.', example: { body_text: [['Ana', 'CDMX']] } }],
    });
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'UTILITY' });
    const bad = await h.post(`/${h.wabaId}/message_templates`, {
      name: 'bad_edges', language: 'en_US', category: 'MARKETING',
      components: [{ type: 'BODY', text: '{{1}} is our best offer {{2}}', example: { body_text: [['a', 'b']] } }],
    });
    await h.post(`/${h.wabaId}/message_templates`, {
      name: 'disguised', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Great news {{1}}: 30% discount today only!', example: { body_text: [['Ana']] } }],
    });
    expectGraphError(await send('shipping_notice', 'es_MX', [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]), 132001, 404);
    await h.control('POST', '/clock/advance', { seconds: 1 });
    const updates = await h.waitFor(() => {
      const u = h.fields('message_template_status_update').filter((v) => ['shipping_notice', 'bad_edges', 'disguised'].includes(v.message_template_name));
      return u.length >= 3 ? u : undefined;
    }, 'reviews');
    expect(updates.find((u: Any) => u.message_template_name === 'shipping_notice')).toMatchObject({ event: 'APPROVED', message_template_language: 'es-MX', reason: 'NONE' });
    const rejected = updates.find((u: Any) => u.message_template_name === 'bad_edges');
    expect(rejected).toMatchObject({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
    expect(rejected.rejection_info.reason).toMatch(/start or end/);
    expect(updates.find((u: Any) => u.message_template_name === 'disguised').message_template_category).toBe('MARKETING');
    expect((await send('shipping_notice', 'es_MX', [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }])).status).toBe(200);

    const list = await h.get(`/${h.wabaId}/message_templates?fields=name,status,category,language&status=REJECTED`);
    expect(list.body.data).toEqual([{ name: 'bad_edges', status: 'REJECTED', category: 'MARKETING', language: 'en_US', id: bad.body.id }]);
    expect(list.body.paging.cursors).toHaveProperty('after');

    const edit = await h.post(`/${bad.body.id}`, { components: [{ type: 'BODY', text: 'Hi {{1}}, this is our best offer.', example: { body_text: [['a']] } }] });
    expect(edit.body).toMatchObject({ success: true });
    await h.control('POST', '/clock/advance', { seconds: 1 });
    await h.waitFor(() => h.fields('message_template_status_update').find((v) => v.message_template_name === 'bad_edges' && v.event === 'APPROVED'), 'approved after edit');

    expectGraphError(await h.post(`/${h.wabaId}/message_templates`, { name: 'Bad Name', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] }), 100);
    expectGraphError(await h.post(`/${h.wabaId}/message_templates`, { name: 'shipping_notice', language: 'es_MX', category: 'UTILITY', components: [{ type: 'BODY', text: 'x' }] }), 100);
    expectGraphError(await h.post(`/${h.wabaId}/message_templates`, { name: 'x', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'x'.repeat(1025) }] }), 100);
    expectGraphError(await h.post(`/${h.wabaId}/message_templates`, { language: 'es', category: 'UTILITY', components: [] }), 131008);

    expect((await h.del(`/${h.wabaId}/message_templates?name=shipping_notice`)).body).toEqual({ success: true });
    expectGraphError(await send('shipping_notice', 'es_MX', [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]), 132001, 404);
  });
});
