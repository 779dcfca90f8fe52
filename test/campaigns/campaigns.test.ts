import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { startCampaignHarness, eventually, type CampaignHarness } from './helpers.ts';
import { recordConsent } from '../../src/crm/consent.ts';
import { estimateCampaign } from '../../src/core/campaigns/estimate.ts';

const ORDER_MAPPING = {
  body: { '1': { from: 'contact.first_name', fallback: 'cliente' }, '2': { from: 'send', key: 'pedido', fallback: 'A-1' } },
  buttons: { '0': { from: 'send', key: 'pedido', fallback: 'A-1' } },
};
const PROMO_MAPPING = { body: { '1': { from: 'contact.first_name', fallback: 'there' }, '2': { from: 'fixed', value: '20%' } } };

describeEachEngine('campaigns', (engine) => {
  let h: CampaignHarness;
  const rows = <T>(q: ReturnType<typeof sql>) => engine.store.rows<T>(q);

  beforeAll(async () => {
    h = await startCampaignHarness(engine.store);
    // A rate card valid now: Spain utility and marketing.
    await engine.store.db.execute(sql`insert into rate_cards (name, currency, effective_from, rates, tiers)
      values ('Q4 2026', 'USD', '2026-01-01T00:00:00Z',
        '{"Spain": {"marketing": "0.0615", "utility": "0.0200", "authentication": "0.0200"}, "North America": {"marketing": "0.0250", "utility": "0.0040", "authentication": "0.0135"}}', '[]')`);
  }, 60_000);
  afterEach(async () => {
    await h?.stopSending();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function create(body: Record<string, unknown>): Promise<string> {
    const res = await h.call({ method: 'POST', url: '/api/v1/campaigns', payload: { name: 'c', phoneNumberId: h.numbers[0]!.id, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }
  const get = async (id: string) => (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}` })).json<{ state: string; results: { funnel: { counts: Record<string, number> }; cost: { actual: { total: string }; estimated: { total: string } }; errors: { code: number; count: number; explanation: { en: string; es: string } }[] } }>();
  const recipients = async (id: string, state?: string) =>
    (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}/recipients?limit=1000${state ? `&state=${state}` : ''}` })).json<{ data: { contactId: string; state: string; reason: string | null; error: { code: number; text: { en: string; es: string } } | null; conversationId: string | null }[] }>().data;
  // Accepted sends in the sandbox per recipient number (what the control API logged, not our store).
  const sendsTo = (waId: string) =>
    (h.sandbox.control.sends({ limit: 1_000_000 }).data as { input?: string }[]).filter((x) => String(x.input ?? '').replace(/\D/g, '') === waId).length;

  it('resolves the audience with every exclusion reason, counted and downloadable', async () => {
    const ok = await h.addRecipients(3, { optIn: true });
    const [noConsent] = await h.addRecipients(1);
    const [optedOut, suppressed, blocked, excludedByTag] = await h.addRecipients(4, { optIn: true });
    const db = engine.store.db;
    await recordConsent(db, { contactId: optedOut!.contactId, category: 'marketing', state: 'opted_out', source: 'chat_keyword', at: new Date() });
    await db.execute(sql`insert into suppressions (identifier, reason) values (${suppressed!.waId}, 'asked')`);
    // Blocked: two sends failed with 131026 and nothing came back since.
    const [conv] = await rows<{ id: string }>(sql`insert into conversations (phone_number_id, contact_id) values (${h.numbers[0]!.id}::uuid, ${blocked!.contactId}::uuid) returning id`);
    for (const ago of [3, 2]) {
      await db.execute(sql`insert into messages (conversation_id, direction, type, content, status, errors, at)
        values (${conv!.id}::uuid, 'out', 'template', '{}', 'failed', '[{"code": 131026, "title": "Message undeliverable"}]', now() - ${`${ago} days`}::interval)`);
    }
    const [noNumber] = await rows<{ id: string }>(sql`insert into contacts (email, name) values ('x@example.com', 'Sin número') returning id`);
    const [dup] = await rows<{ id: string }>(sql`insert into contacts (e164, name) values (${`+${ok[0]!.waId}`}, 'Copia') returning id`);
    const [us] = await rows<{ id: string }>(sql`insert into contacts (wa_id, e164, country, market) values ('12025550123', '+12025550123', 'US', 'North America') returning id`);
    await db.execute(sql`insert into consents (contact_id, category, state, at) values (${dup!.id}::uuid, 'marketing', 'opted_in', now()), (${us!.id}::uuid, 'marketing', 'opted_in', now())`);
    await db.execute(sql`insert into tags (name) values ('no-promo') on conflict do nothing`);
    await db.execute(sql`insert into contact_tags (contact_id, tag_id) select ${excludedByTag!.contactId}::uuid, id from tags where name = 'no-promo'`);
    const all = [...ok, noConsent!, optedOut!, suppressed!, blocked!, excludedByTag!].map((r) => r.contactId).concat([noNumber!.id, dup!.id, us!.id]);

    const id = await create({
      templateId: await h.templateId('spring_promo', 'en_US'), mapping: PROMO_MAPPING,
      audience: { include: [{ contactIds: all }, { contactIds: all.slice(0, 2) }], exclude: [{ tag: 'no-promo' }] },
    });
    const res = await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/preview` });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json<{ audience: { total: number; included: number; byReason: Record<string, number> }; estimate: { total: string; charged: number } }>();
    expect(p.audience.byReason).toEqual({
      audience_exclusion: 1, invalid_number: 1, duplicate: 1, suppressed: 1, blocked: 1, opted_out: 1, no_consent: 1, marketing_not_available: 1,
    });
    expect(p.audience.included).toBe(3);
    expect(p.audience.total).toBe(11);
    // Three Spanish marketing templates outside any window: 3 × 0.0615.
    expect(p.estimate.total).toBe('0.1845');

    const csv = (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}/exclusions.csv` })).body;
    for (const reason of Object.keys(p.audience.byReason)) expect(csv).toContain(`,${reason},`);
    expect(csv.trim().split('\n')).toHaveLength(1 + 8);
    expect(csv).toContain('On the suppression list.');
    expect((await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}/exclusions.csv?lang=es` })).body).toContain('Está en la lista de supresión.');

    // Utility templates need no opt-in (unless the workspace says so); an auth template with OTP needs a phone.
    const utility = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, audience: { include: [{ contactIds: [noConsent!.contactId] }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${utility}/preview` })).json<{ audience: { included: number } }>().audience.included).toBe(1);
    const strict = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, utilityRequiresOptIn: true, audience: { include: [{ contactIds: [noConsent!.contactId] }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${strict}/preview` })).json<{ audience: { byReason: Record<string, number> } }>().audience.byReason).toEqual({ no_consent: 1 });
    const [bsuidOnly] = await rows<{ id: string }>(sql`insert into contacts (bsuid, country) values ('ES.1234567890', 'ES') returning id`);
    const otp = await create({ templateId: await h.templateId('verification_code', 'es'), audience: { include: [{ contactIds: [bsuidOnly!.id] }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${otp}/preview` })).json<{ audience: { byReason: Record<string, number> } }>().audience.byReason).toEqual({ phone_required: 1 });
  });

  it('the estimate is the pricing of each recipient under the card valid at the send date', async () => {
    const people = await h.addRecipients(4, { optIn: true });
    const [talking] = people;
    // One of them wrote an hour ago: a utility template to them is free (open window).
    const [conv] = await rows<{ id: string }>(sql`insert into conversations (phone_number_id, contact_id, last_inbound_at, window_expires_at)
      values (${h.numbers[0]!.id}::uuid, ${talking!.contactId}::uuid, now() - interval '1 hour', now() + interval '23 hours') returning id`);
    expect(conv).toBeDefined();
    const id = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, audience: { include: [{ contactIds: people.map((p) => p.contactId) }] } });
    const p = (await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/preview` })).json<{ estimate: { total: string; charged: number; freeCustomerService: number; tier: { now: number; later: unknown[] } }; tier: { plan: { limit: number } } }>();
    const expected = estimateCampaign({
      lines: [{ market: 'Spain', category: 'utility', pricing: 'regular', count: 3 }, { market: 'Spain', category: 'utility', pricing: 'free_customer_service', count: 1 }],
      card: { name: 'Q4 2026', currency: 'USD', effectiveFrom: new Date('2026-01-01T00:00:00Z'), rates: { Spain: { marketing: '0.0615', utility: '0.0200', authentication: '0.0200' } }, tiers: [] },
      mps: 80, start: new Date(), tier: { limit: 10_000, used: 0, now: 3, later: [] },
    });
    expect(p.estimate.total).toBe(expected.total);
    expect(p.estimate.total).toBe('0.06');
    expect(p.estimate.freeCustomerService).toBe(1);
    expect(p.estimate.tier.now).toBe(3); // only the three outside a window count against the messaging tier
  });

  it('sends a campaign end to end with results per recipient: delivered, read, replied, failed in words', async () => {
    const people = await h.addRecipients(6, { optIn: true });
    const id = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, audience: { include: [{ contactIds: people.map((p) => p.contactId) }] } });
    // One send fails as an unknown user (async 131026).
    const launch = await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/launch` });
    expect(launch.statusCode, launch.body).toBe(200);
    expect(launch.json<{ campaign: { state: string; estimate: { total: string } } }>().campaign.estimate.total).toBe('0.12');
    await fetch(`${h.sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 131026, count: 1 }) });
    h.startSending();
    await eventually(async () => (await get(id)).state === 'completed', 'campaign completed');
    await eventually(async () => (await recipients(id)).filter((r) => r.state === 'read' || r.state === 'failed').length === 6, 'statuses applied');
    // A customer answers: their recipient becomes "replied", linked to the conversation.
    const target = (await recipients(id, 'read'))[0]!;
    const waId = people.find((p) => p.contactId === target.contactId)!.waId;
    await fetch(`${h.sandbox.url}/_sandbox/personas/${waId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', text: { body: '¿Cuándo llega?' }, phone_number_id: h.numbers[0]!.metaId }) });
    await eventually(async () => (await recipients(id, 'replied')).length === 1, 'reply seen');
    const replied = (await recipients(id, 'replied'))[0]!;
    expect(replied.conversationId).toBe(target.conversationId);
    const failed = await recipients(id, 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error!.code).toBe(131026);
    // Meta's error in words, in both UI languages.
    expect(failed[0]!.error!.text.en.length).toBeGreaterThan(20);
    expect(failed[0]!.error!.text.es.length).toBeGreaterThan(20);
    expect(failed[0]!.error!.text.es).not.toBe(failed[0]!.error!.text.en);
    const c = await get(id);
    expect(c.results.funnel.counts).toMatchObject({ read: 4, replied: 1, failed: 1 });
    expect(c.results.errors[0]).toMatchObject({ code: 131026, count: 1 });
    expect(c.results.errors[0]!.explanation.es).not.toBe(c.results.errors[0]!.explanation.en);
    // Actual cost from the sandbox's pricing facts: five delivered utility templates in Spain.
    await eventually(async () => (await get(id)).results.cost.actual.total === '0.1', 'pricing facts applied');
    expect(c.results.cost.estimated.total).toBe('0.12');
    const failedWa = people.find((p) => p.contactId === failed[0]!.contactId)!.waId;
    for (const p of people) if (p.waId !== failedWa) expect(sendsTo(p.waId), p.waId).toBe(1);
    const csv = (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}/recipients.csv` })).body;
    expect(csv.trim().split('\n')).toHaveLength(7);
    expect(csv).toContain(',replied,');
    expect(csv).toContain(failed[0]!.error!.text.en);
    const csvEs = (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}/recipients.csv?lang=es` })).body;
    expect(csvEs).toContain(failed[0]!.error!.text.es);
    await h.stopSending();
  }, 60_000);

  it('pause holds, resume continues, cancel withdraws: nothing is sent after cancel', async () => {
    await engine.store.db.execute(sql`update phone_numbers set throughput_mps = 4`);
    const people = await h.addRecipients(40, { optIn: true });
    const id = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, audience: { include: [{ contactIds: people.map((p) => p.contactId) }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/launch` })).statusCode).toBe(200);
    h.startSending();
    const total = () => people.reduce((n, p) => n + sendsTo(p.waId), 0);
    const inFlight = async () => Number((await rows<{ n: number }>(sql`select count(*)::int as n from outbound_messages where campaign_id = ${id}::uuid and state = 'sending'`))[0]!.n);
    await eventually(async () => total() >= 3, 'first sends');
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/pause` })).json<{ state: string }>().state).toBe('paused');
    await eventually(async () => (await inFlight()) === 0, 'in-flight sends finished');
    const atPause = total();
    await new Promise((r) => setTimeout(r, 1200));
    expect(total()).toBe(atPause);
    expect(atPause).toBeLessThan(40);
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/resume` })).json<{ state: string }>().state).toBe('running');
    await eventually(async () => total() >= atPause + 3, 'sending again');
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/cancel` })).json<{ state: string }>().state).toBe('cancelled');
    await eventually(async () => (await inFlight()) === 0, 'in-flight sends finished');
    const atCancel = total();
    await new Promise((r) => setTimeout(r, 1200));
    expect(total()).toBe(atCancel);
    expect(atCancel).toBeLessThan(40);
    const rs = await recipients(id);
    const skipped = rs.filter((r) => r.state === 'skipped');
    expect(skipped.length).toBe(40 - atCancel);
    expect(new Set(skipped.map((r) => r.reason))).toEqual(new Set(skipped.length ? [...new Set(skipped.map((r) => r.reason))].filter((x) => x === 'cancelled' || x === 'campaign_cancelled') : []));
    // Every message the sandbox accepted is one recipient's, once.
    for (const p of people) expect(sendsTo(p.waId)).toBeLessThanOrEqual(1);
    await h.stopSending();
    await engine.store.db.execute(sql`update phone_numbers set throughput_mps = 80`);
  }, 60_000);

  it('someone who writes BAJA mid-campaign is not messaged (queued or not yet fed)', async () => {
    const people = await h.addRecipients(4, { optIn: true });
    const [queuedOne, pendingOne] = people;
    const id = await create({ templateId: await h.templateId('spring_promo', 'en_US'), mapping: PROMO_MAPPING, audience: { include: [{ contactIds: people.map((p) => p.contactId) }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/launch` })).statusCode).toBe(200);
    // Feed without a dispatcher: every recipient's message waits in the outbox.
    const { feedOnce } = await import('../../src/campaigns/feeder.ts');
    await engine.store.db.execute(sql`update campaign_recipients set due_at = now() + interval '1 hour' where campaign_id = ${id}::uuid and contact_id = ${pendingOne!.contactId}::uuid`);
    await feedOnce(h.ctx);
    expect(Number((await rows<{ n: number }>(sql`select count(*)::int as n from outbound_messages where campaign_id = ${id}::uuid and state = 'queued'`))[0]!.n)).toBe(3);
    // Both write BAJA (through the sandbox and our webhook, as in production).
    for (const p of [queuedOne!, pendingOne!]) {
      await fetch(`${h.sandbox.url}/_sandbox/personas/${p.waId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'text', text: { body: 'BAJA' }, phone_number_id: h.numbers[0]!.metaId }) });
    }
    await eventually(async () => Number((await rows<{ n: number }>(sql`select count(*)::int as n from consents where state = 'opted_out' and contact_id in (${queuedOne!.contactId}::uuid, ${pendingOne!.contactId}::uuid)`))[0]!.n) === 2, 'opt-outs recorded');
    await engine.store.db.execute(sql`update campaign_recipients set due_at = now() where campaign_id = ${id}::uuid`);
    h.startSending();
    await eventually(async () => (await get(id)).state === 'completed', 'campaign completed');
    const rs = await recipients(id);
    const byContact = new Map(rs.map((r) => [r.contactId, r]));
    expect(byContact.get(queuedOne!.contactId)).toMatchObject({ state: 'skipped', reason: 'opted_out_or_suppressed' });
    expect(byContact.get(pendingOne!.contactId)).toMatchObject({ state: 'skipped', reason: 'opted_out' });
    expect(sendsTo(queuedOne!.waId) + sendsTo(pendingOne!.waId)).toBe(0);
    for (const p of people.slice(2)) expect(sendsTo(p.waId)).toBe(1);
    await h.stopSending();
  }, 60_000);

  it('a claim withdraws the rows it picked for blocked contacts and still fills up with sendable ones', async () => {
    const people = await h.addRecipients(3, { optIn: true });
    const [blocked, ok] = people;
    const id = await create({ templateId: await h.templateId('order_update', 'es'), mapping: ORDER_MAPPING, audience: { include: [{ contactIds: people.map((p) => p.contactId) }] } });
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/launch` })).statusCode).toBe(200);
    const { feedOnce } = await import('../../src/campaigns/feeder.ts');
    const { acquireLane, claimBatch, releaseLane } = await import('../../src/messaging/lanes.ts');
    await feedOnce(h.ctx);
    const db = engine.store.db;
    // The blocked contact's row comes first in the claim order, the other two after it (one a second later).
    await db.execute(sql`update outbound_messages set not_before = now() - interval '2 seconds' where campaign_id = ${id}::uuid and recipient_key = ${blocked!.waId}`);
    await db.execute(sql`update outbound_messages set not_before = now() - interval '1 second' where campaign_id = ${id}::uuid and recipient_key = ${ok!.waId}`);
    await db.execute(sql`insert into suppressions (identifier, reason) values (${blocked!.waId}, 'asked')`);
    const numberId = h.numbers[0]!.id;
    const now = h.ctx.clock.now();
    const epoch = (await acquireLane(db, numberId, 'test-claim', now, 5_000))!;
    const claimed = await claimBatch(db, { numberId, owner: 'test-claim', epoch }, now, 1);
    expect(claimed.map((r) => r.recipientKey)).toEqual([ok!.waId]);
    const states = await rows<{ recipient_key: string; state: string; reason: string | null }>(
      sql`select recipient_key, state, last_error->>'reason' as reason from outbound_messages where campaign_id = ${id}::uuid order by not_before`);
    expect(states).toEqual([
      { recipient_key: blocked!.waId, state: 'cancelled', reason: 'opted_out_or_suppressed' },
      { recipient_key: ok!.waId, state: 'sending', reason: null },
      { recipient_key: people[2]!.waId, state: 'queued', reason: null },
    ]);
    // Leave nothing of this campaign for the next tests' lanes.
    await db.execute(sql`update outbound_messages set state = 'cancelled' where campaign_id = ${id}::uuid and state in ('queued', 'sending')`);
    await db.execute(sql`update campaigns set state = 'cancelled' where id = ${id}::uuid`);
    await releaseLane(db, numberId, 'test-claim', epoch);
  }, 60_000);
});
