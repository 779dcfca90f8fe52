import { afterEach, describe, expect, it } from 'vitest';
import { type Any, type Harness, expectGraphError, openWindow, startHarness, text } from './harness.ts';

let h: Harness;
afterEach(() => h?.close());

const DAY = 86_400_000;
const tpl = (to: string, name: string, lang: string, components: Any[] = [], extra: Any = {}) => ({
  messaging_product: 'whatsapp', to, type: 'template', template: { name, language: { code: lang }, components }, ...extra,
});
const promo = (to: string) => tpl(to, 'spring_promo', 'en_US', [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] }]);

async function personas(): Promise<Any[]> {
  return (await h.control('GET', '/personas')).data;
}
async function failedCode(wamid: string): Promise<number> {
  const s = await h.waitFor(() => h.statuses().find((x) => x.id === wamid && x.status === 'failed'), `failed ${wamid}`);
  return s.errors[0].code;
}

describe('customer-service window (131047)', () => {
  it('accepts a free-form message outside the window, then fails it; inside it is delivered; 24 h later fails again', async () => {
    h = await startHarness();
    const [p] = await personas();
    const first = await h.post(`/${h.pnId}/messages`, text(p.wa_id));
    expect(first.status).toBe(200);
    expect(await failedCode(first.body.messages[0].id)).toBe(131047);
    const failed = h.statuses().find((s) => s.id === first.body.messages[0].id);
    expect(failed.errors[0]).toMatchObject({ title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: expect.any(String) }, href: expect.stringContaining('error-codes') });
    expect(failed.pricing).toBeUndefined();

    await openWindow(h, p.id);
    const inside = await h.post(`/${h.pnId}/messages`, text(p.wa_id));
    const id = inside.body.messages[0].id;
    await h.waitFor(() => h.statuses().some((s) => s.id === id && s.status === 'read'), 'read');
    expect(h.statuses().filter((s) => s.id === id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);

    await h.control('POST', '/clock/advance', { hours: 23, minutes: 59 });
    const stillOpen = await h.post(`/${h.pnId}/messages`, text(p.wa_id));
    await h.waitFor(() => h.statuses().some((s) => s.id === stillOpen.body.messages[0].id && s.status === 'sent'), 'sent');
    await h.control('POST', '/clock/advance', { minutes: 2 });
    const late = await h.post(`/${h.pnId}/messages`, text(p.wa_id));
    expect(await failedCode(late.body.messages[0].id)).toBe(131047);
    // Templates still go out after the window closed.
    const t = await h.post(`/${h.pnId}/messages`, promo(p.wa_id));
    expect(t.body.messages[0].message_status).toBe('accepted');
    await h.waitFor(() => h.statuses().some((s) => s.id === t.body.messages[0].id && s.status === 'delivered'), 'template delivered');
  });
});

describe('asynchronous failures', () => {
  it('131026 for unknown and blocking users, 131050 after BAJA/STOP, 131009 for reactions to unknown messages', async () => {
    h = await startHarness();
    const [a, b, c] = await personas();
    const unknown = await h.post(`/${h.pnId}/messages`, promo('+447700900123'));
    expect(unknown.status).toBe(200);
    expect(await failedCode(unknown.body.messages[0].id)).toBe(131026);

    await h.control('POST', `/personas/${b.id}/actions`, { action: 'block' });
    const blocked = await h.post(`/${h.pnId}/messages`, promo(b.wa_id));
    expect(await failedCode(blocked.body.messages[0].id)).toBe(131026);

    await h.control('POST', `/personas/${c.id}/messages`, { type: 'text', text: { body: ' baja ' } });
    const prefs = await h.waitFor(() => h.fields('user_preferences')[0], 'user_preferences');
    expect(prefs.user_preferences[0]).toMatchObject({ category: 'marketing_messages', value: 'stop' });
    const optedOut = await h.post(`/${h.pnId}/messages`, promo(c.wa_id));
    expect(await failedCode(optedOut.body.messages[0].id)).toBe(131050);
    // Utility templates are not affected by a marketing opt-out.
    const utility = await h.post(`/${h.pnId}/messages`, tpl(c.wa_id, 'hello_world', 'en_US'));
    await h.waitFor(() => h.statuses().some((s) => s.id === utility.body.messages[0].id && s.status === 'delivered'), 'utility delivered');

    await openWindow(h, a.id);
    const react = await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', to: a.wa_id, type: 'reaction', reaction: { message_id: 'wamid.unknown', emoji: '❤️' } });
    expect(react.status).toBe(200);
    expect(await failedCode(react.body.messages[0].id)).toBe(131009);
  });

  it('fails the next N sends with a chosen code (sync or as a failed status)', async () => {
    h = await startHarness();
    const [p] = await personas();
    await openWindow(h, p.id);
    await h.control('POST', '/faults', { code: 131016, count: 2 });
    expectGraphError(await h.post(`/${h.pnId}/messages`, text(p.wa_id)), 131016, 500);
    expectGraphError(await h.post(`/${h.pnId}/messages`, text(p.wa_id)), 131016, 500);
    expect((await h.post(`/${h.pnId}/messages`, text(p.wa_id))).status).toBe(200);
    await h.control('POST', '/faults', { code: 131049, count: 1 });
    const held = await h.post(`/${h.pnId}/messages`, text(p.wa_id));
    expect(held.status).toBe(200);
    expect(await failedCode(held.body.messages[0].id)).toBe(131049);
  });
});

describe('throughput and pair rate', () => {
  it('130429 beyond the number\'s mps; refills as the clock moves', async () => {
    h = await startHarness({ throughputMps: 5 });
    const list = await personas();
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await h.post(`/${h.pnId}/messages`, promo(list[i % list.length].wa_id));
      codes.push(res.status === 200 ? 200 : res.body.error.code);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 130429, 130429]);
    await h.control('POST', '/clock/advance', { ms: 1000 });
    expect((await h.post(`/${h.pnId}/messages`, promo(list[0].wa_id))).status).toBe(200);
    // Raising the throughput through the control API takes effect at once.
    await h.control('POST', `/numbers/${h.pnId}`, { throughput_mps: 1000 });
    for (let i = 0; i < 8; i++) expect((await h.post(`/${h.pnId}/messages`, promo(list[(i % 8) + 1].wa_id))).status).toBe(200);
    const upd = await h.waitFor(() => h.fields('phone_number_quality_update').find((v) => v.event === 'THROUGHPUT_UPGRADE'), 'upgrade');
    expect(upd.display_phone_number).toMatch(/^1555/);
    const pn = await h.get(`/${h.pnId}?fields=throughput,quality_rating,whatsapp_business_manager_messaging_limit`);
    expect(pn.body).toEqual({ throughput: { level: 'HIGH' }, quality_rating: 'GREEN', whatsapp_business_manager_messaging_limit: 'TIER_2K', id: h.pnId });
  });

  it('131056: a burst of 45 to one user, then one per 6 s', async () => {
    h = await startHarness({ throughputMps: 1000 });
    const [p] = await personas();
    for (let i = 0; i < 45; i++) expect((await h.post(`/${h.pnId}/messages`, promo(p.wa_id))).status).toBe(200);
    expectGraphError(await h.post(`/${h.pnId}/messages`, promo(p.wa_id)), 131056);
    await h.control('POST', '/clock/advance', { seconds: 5 });
    expectGraphError(await h.post(`/${h.pnId}/messages`, promo(p.wa_id)), 131056);
    await h.control('POST', '/clock/advance', { seconds: 1 });
    expect((await h.post(`/${h.pnId}/messages`, promo(p.wa_id))).status).toBe(200);
    expectGraphError(await h.post(`/${h.pnId}/messages`, promo(p.wa_id)), 131056);
  });
});

describe('portfolio messaging limit', () => {
  it('counts unique users reached outside a window over a rolling 24 h', async () => {
    h = await startHarness({ personas: { count: 6, usernameShare: 0 } });
    await h.control('PUT', '/tier', { tier: 'TIER_250' });
    const cap = await h.waitFor(() => h.fields('business_capability_update')[0], 'capability');
    expect(cap.max_daily_conversations_per_business).toBe(250);
    // Shrink the effective budget by reaching 250 "users": use unknown numbers that fail? No: only
    // delivered sends count, so reach 250 users via added personas.
    for (let i = 0; i < 250; i++) await h.control('POST', '/personas', { wa_id: `3460${String(1000000 + i)}`, name: `C${i}` });
    for (let i = 0; i < 250; i++) {
      await h.post(`/${h.pnId}/messages`, promo(`3460${String(1000000 + i)}`));
      if (i % 79 === 78) await h.control('POST', '/clock/advance', { seconds: 1 });
    }
    const list = await personas();
    const over = await h.post(`/${h.pnId}/messages`, promo(list[0].wa_id));
    expect(over.status).toBe(200);
    expect(await failedCode(over.body.messages[0].id)).toBe(131048);
    // A user already reached in the last 24 h does not count again.
    await h.control('POST', '/clock/advance', { seconds: 10 });
    const again = await h.post(`/${h.pnId}/messages`, promo('34601000000'));
    await h.waitFor(() => h.statuses().some((s) => s.id === again.body.messages[0].id && s.status === 'delivered'), 'again delivered');
    // Inside an open window the limit does not apply.
    await openWindow(h, list[1].id);
    const inWindow = await h.post(`/${h.pnId}/messages`, promo(list[1].wa_id));
    await h.waitFor(() => h.statuses().some((s) => s.id === inWindow.body.messages[0].id && s.status === 'delivered'), 'in window');
    // A day later the budget is back.
    await h.control('POST', '/clock/advance', { days: 1 });
    const later = await h.post(`/${h.pnId}/messages`, promo(list[2].wa_id));
    await h.waitFor(() => h.statuses().some((s) => s.id === later.body.messages[0].id && s.status === 'delivered'), 'later');
  });
});

describe('pricing on statuses', () => {
  it('PMP: regular marketing, free utility in window, free service; conversation omitted from v24', async () => {
    h = await startHarness();
    const [p] = await personas();
    const m = await h.post(`${h.base}/v24.0/${h.pnId}/messages`, promo(p.wa_id));
    const mid = m.body.messages[0].id;
    await h.waitFor(() => h.statuses().some((s) => s.id === mid && s.status === 'read'), 'read');
    const st = h.statuses().filter((s) => s.id === mid);
    expect(st[0].pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' });
    expect(st[1].pricing).toEqual(st[0].pricing);
    expect(st[2].pricing).toBeUndefined();
    expect(st.every((s) => s.conversation === undefined)).toBe(true);
    await openWindow(h, p.id);
    const u = await h.post(`/${h.pnId}/messages`, tpl(p.wa_id, 'hello_world', 'en_US', [], { biz_opaque_callback_data: 'our-id-1' }));
    const sent = await h.waitFor(() => h.statuses().find((s) => s.id === u.body.messages[0].id && s.status === 'sent'), 'sent');
    expect(sent.pricing).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' });
    expect(sent.conversation.origin.type).toBe('utility');
    expect(sent.biz_opaque_callback_data).toBe('our-id-1');
  });

  it('CBP when configured; FEP after an ad referral', async () => {
    h = await startHarness({ pricingModel: 'CBP' });
    const [p, q] = await personas();
    const m = await h.post(`/${h.pnId}/messages`, promo(p.wa_id));
    const sent = await h.waitFor(() => h.statuses().find((s) => s.id === m.body.messages[0].id && s.status === 'sent'), 'sent');
    expect(sent.pricing).toEqual({ billable: true, pricing_model: 'CBP', category: 'marketing' });
    expect(sent.conversation).toMatchObject({ id: expect.any(String), expiration_timestamp: expect.any(String), origin: { type: 'marketing' } });
    await h.control('POST', `/personas/${q.id}/messages`, { type: 'text', text: { body: 'Vi el anuncio' }, referral: { source_type: 'ad', source_id: '1', source_url: 'https://fb.me/x', ctwa_clid: 'abc' } });
    const r = await h.post(`/${h.pnId}/messages`, text(q.wa_id));
    const fep = await h.waitFor(() => h.statuses().find((s) => s.id === r.body.messages[0].id && s.status === 'sent'), 'fep');
    expect(fep.pricing.category).toBe('referral_conversion');
    expect(fep.conversation.origin.type).toBe('referral_conversion');
  });
});

describe('clock and exactly-once counts', () => {
  it('sets and advances virtual time; counts sends per recipient and per biz_opaque_callback_data', async () => {
    h = await startHarness();
    const c0 = await h.control('GET', '/clock');
    expect(c0.mode).toBe('virtual');
    const c1 = await h.control('POST', '/clock/advance', { days: 2 });
    expect(c1.now - c0.now).toBe(2 * DAY);
    const c2 = await h.control('POST', '/clock/set', { now: '2030-01-01T00:00:00Z' });
    expect(c2.iso).toBe('2030-01-01T00:00:00.000Z');
    const [p, q] = await personas();
    await h.post(`/${h.pnId}/messages`, promo(p.wa_id));
    await h.post(`/${h.pnId}/messages`, { ...promo(p.wa_id), biz_opaque_callback_data: 'm-1' });
    await h.post(`/${h.pnId}/messages`, { ...promo(q.wa_id), biz_opaque_callback_data: 'm-1' });
    const sends = await h.control('GET', '/sends?biz_opaque_callback_data=m-1');
    expect(sends.total).toBe(3);
    expect(sends.by_recipient).toEqual({ [p.id]: 2, [q.id]: 1 });
    expect(sends.by_callback_data).toEqual({ 'm-1': 2 });
    expect(sends.data).toHaveLength(2);
    expect(sends.data[0]).toMatchObject({ templateName: 'spring_promo', category: 'MARKETING', acceptedAt: Date.parse('2030-01-01T00:00:00Z') });
    await h.control('POST', '/reset');
    expect((await h.control('GET', '/sends')).total).toBe(0);
    expect((await personas())[0].wa_id).toBe(p.wa_id); // reset keeps the seeded population
  });
});
