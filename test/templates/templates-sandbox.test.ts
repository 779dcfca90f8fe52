import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { eventually } from '../messaging/helpers/outbound-harness.ts';
import { startTemplateSync } from '../../src/templates/sync.ts';
import { REVIEW_MS, startTemplateHarness, type TemplateHarness } from './harness.ts';

/**
 * The template lifecycle against the sandbox as Meta: submit, review webhooks, rejection, pause, edits and
 * sends with mapped variables. No send in here may fail at the sandbox with a template error
 * (132000/132001/132012/132015): Charla refuses those before they leave.
 */
describeEachEngine('templates against the sandbox', (engine) => {
  let h: TemplateHarness;
  const updates: { templateId: string; status: string }[] = [];
  const messageIds: string[] = [];

  beforeAll(async () => {
    h = await startTemplateHarness(engine.store);
    h.ctx.events.on('template.updated', (e) => updates.push(e));
  });
  afterAll(async () => {
    await h?.close();
  });

  const TEMPLATE_ERRORS = [132000, 132001, 132012, 132015];

  async function sandboxTemplates(name: string): Promise<{ name: string; status: string }[]> {
    const cfg = h.sandbox.config;
    const res = await fetch(`${cfg.graphUrl}/${cfg.waba.id}/message_templates?name=${name}`, { headers: { authorization: `Bearer ${cfg.accessToken}` } });
    return ((await res.json()) as { data: { name: string; status: string }[] }).data;
  }

  async function detail(id: string) {
    const res = await h.call({ url: `/api/v1/templates/${id}` });
    expect(res.statusCode).toBe(200);
    return res.json<{ status: string; pausedUntil: string | null; history: { status: string; source: string; event?: string; reason?: string }[]; rejection: { reason: string } | null; editsCount: number; category: string }>();
  }

  async function reviewed(id: string, status: string) {
    h.advance(REVIEW_MS + 1);
    return eventually(async () => {
      await h.settle();
      const d = await detail(id);
      return d.status === status ? d : null;
    }, `template ${id} to be ${status}`);
  }

  async function delivered(messageId: string) {
    return eventually(async () => {
      const res = await h.call({ url: `/api/v1/messages/${messageId}` });
      const m = res.json<{ status: string; wamid: string | null; errors: unknown }>();
      return m.wamid && m.status !== 'queued' && m.status !== 'accepted' ? m : null;
    }, `message ${messageId} to be sent`);
  }

  function sentParams(messageId: string): string[] {
    const send = h.sandbox.control.sends({ limit: 10_000 }).data.find((s) => s.bizOpaqueCallbackData?.startsWith(`${messageId}:`));
    // The sandbox keeps the `template` object of the send body.
    const content = send?.content as { components?: { type: string; parameters: { text?: string }[] }[] } | undefined;
    return content?.components?.find((c) => c.type === 'body')?.parameters.map((p) => p.text ?? '') ?? [];
  }

  let orderTemplateId = '';

  it('a valid template goes PENDING → APPROVED by webhook and is sent with mapped values, the fallback for a contact without a name', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/api/v1/templates',
      payload: {
        wabaId: h.wabaId,
        name: 'pedido_listo',
        language: 'es',
        category: 'UTILITY',
        components: [
          { type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya está listo para recoger en tienda.', example: { body_text: [['Ana', 'A-100']] } },
          { type: 'FOOTER', text: 'Gracias por tu compra' },
        ],
        mapping: { body: { '1': { from: 'contact.first_name', fallback: 'cliente' }, '2': { from: 'send', key: 'order' } } },
        submit: true,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ id: string; status: string; metaId: string; variables: unknown[] }>();
    expect(created).toMatchObject({ status: 'PENDING', variables: [{ slot: 'body', key: '1' }, { slot: 'body', key: '2' }] });
    expect(created.metaId).toBeTruthy();
    orderTemplateId = created.id;
    expect(await sandboxTemplates('pedido_listo')).toMatchObject([{ status: 'PENDING' }]);

    const approved = await reviewed(created.id, 'APPROVED');
    expect(approved.history.map((e) => `${e.status}/${e.source}/${e.event ?? ''}`)).toEqual(['DRAFT/api/created', 'PENDING/api/submitted', 'APPROVED/webhook/approved']);
    expect(updates).toContainEqual({ templateId: created.id, status: 'APPROVED' });

    const maria = await h.contact({ name: 'María José López' });
    const nameless = await h.contact({ name: null, profileName: null });

    const preview = await h.call({ method: 'POST', url: `/api/v1/templates/${created.id}/preview`, payload: { contactId: nameless.id, values: { order: 'B-2' } } });
    expect(preview.json()).toMatchObject({ complete: true, preview: { body: 'Hola cliente, tu pedido B-2 ya está listo para recoger en tienda.', footer: 'Gracias por tu compra' } });
    expect(preview.json<{ variables: { usedFallback: boolean }[] }>().variables[0]).toMatchObject({ usedFallback: true, value: 'cliente' });

    const missing = await h.call({ method: 'POST', url: `/api/v1/templates/${created.id}/send`, payload: { phoneNumberId: h.numbers[0]!.id, contactId: maria.id } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ error: { code: 'template_values_invalid', details: { problems: [{ code: 'value_missing', path: 'body.2' }] } } });

    for (const [c, order] of [[maria, 'A-1'], [nameless, 'A-2']] as const) {
      const sent = await h.call({ method: 'POST', url: `/api/v1/templates/${created.id}/send`, payload: { phoneNumberId: h.numbers[0]!.id, contactId: c.id, values: { order } } });
      expect(sent.statusCode, sent.body).toBe(202);
      messageIds.push(sent.json<{ id: string }>().id);
    }
    for (const id of messageIds) await delivered(id);
    expect(sentParams(messageIds[0]!)).toEqual(['María', 'A-1']);
    expect(sentParams(messageIds[1]!)).toEqual(['cliente', 'A-2']);
  });

  it('a template that breaks a rule is refused locally with the rule named; the sandbox never sees it', async () => {
    const components = [{ type: 'BODY', text: '{{1}} tu pedido está listo para recoger, gracias.', example: { body_text: [['Ana']] } }];
    const check = await h.call({ method: 'POST', url: '/api/v1/templates/validate', payload: { wabaId: h.wabaId, template: { name: 'aviso_roto', language: 'es', category: 'UTILITY', components } } });
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ ok: false, problems: [{ code: 'variable.leading', path: 'components[0]', field: 'text', position: 0, metaCode: 2388299 }] });

    const res = await h.call({ method: 'POST', url: '/api/v1/templates', payload: { wabaId: h.wabaId, name: 'aviso_roto', language: 'es', category: 'UTILITY', components, submit: true } });
    expect(res.statusCode).toBe(422);
    const err = res.json<{ error: { code: string; message: string; details: { problems: { code: string; rule: string }[]; draft: { status: string; id: string } } } }>().error;
    expect(err.code).toBe('template_invalid');
    expect(err.message).toContain('variable.leading');
    expect(err.details.problems[0]!.rule).toMatch(/start of the text/);
    expect(err.details.draft.status).toBe('DRAFT');
    expect((await h.call({ method: 'POST', url: `/api/v1/templates/${err.details.draft.id}/submit` })).statusCode).toBe(422);

    // The same wording as a stored template is a duplicate, also refused before WhatsApp.
    const dup = await h.call({
      method: 'POST',
      url: '/api/v1/templates/validate',
      payload: { wabaId: h.wabaId, template: { name: 'otro', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya está listo para recoger en tienda.', example: { body_text: [['a', 'b']] } }, { type: 'FOOTER', text: 'Gracias por tu compra' }] } },
    });
    expect(dup.json<{ problems: { code: string }[] }>().problems.map((p) => p.code)).toEqual(['duplicate.wording']);
    expect(await sandboxTemplates('aviso_roto')).toEqual([]);
  });

  it('a template rejected by the sandbox shows the reason; edited, it is reviewed again within the edit limits', async () => {
    const res = await h.call({
      method: 'POST',
      url: '/api/v1/templates',
      payload: { wabaId: h.wabaId, name: 'recordatorio_cita', language: 'es', category: 'UTILITY', components: [{ type: 'BODY', text: 'Te recordamos tu cita de mañana, responde para confirmar.' }], submit: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: string }>().id;
    h.sandbox.control.setTemplateStatus('recordatorio_cita:es', 'REJECTED', 'PROMOTIONAL');
    const rejected = await eventually(async () => {
      await h.settle();
      const d = await detail(id);
      return d.status === 'REJECTED' ? d : null;
    }, 'rejection');
    expect(rejected.rejection).toMatchObject({ reason: 'PROMOTIONAL' });
    expect((await h.call({ url: `/api/v1/templates?status=REJECTED` })).json()).toMatchObject({ total: 1, data: [{ id, rejectionReason: 'PROMOTIONAL' }] });

    const broken = await h.call({ method: 'PATCH', url: `/api/v1/templates/${id}`, payload: { components: [{ type: 'BODY', text: 'Tu cita es mañana {{1}}' }] } });
    expect(broken.json()).toMatchObject({ error: { code: 'template_invalid' } });

    const edited = await h.call({ method: 'PATCH', url: `/api/v1/templates/${id}`, payload: { components: [{ type: 'BODY', text: 'Te recordamos tu cita de mañana a las diez.' }] } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'PENDING', editsCount: 1 });
    const approved = await reviewed(id, 'APPROVED');
    expect(approved.history.some((e) => e.event === 'edited')).toBe(true);

    const tooSoon = await h.call({ method: 'PATCH', url: `/api/v1/templates/${id}`, payload: { components: [{ type: 'BODY', text: 'Te recordamos tu cita de mañana a las once.' }] } });
    expect(tooSoon.json()).toMatchObject({ error: { code: 'edit_too_soon' } });
    const category = await h.call({ method: 'PATCH', url: `/api/v1/templates/${id}`, payload: { category: 'MARKETING' } });
    expect(category.json()).toMatchObject({ error: { code: 'category_locked' } });
  });

  it('a paused template is refused by preflight with the unpause time, and sends again once unpaused', async () => {
    h.sandbox.control.setTemplateStatus('pedido_listo:es', 'PAUSED');
    const paused = await eventually(async () => {
      await h.settle();
      const d = await detail(orderTemplateId);
      return d.status === 'PAUSED' ? d : null;
    }, 'pause');
    const pausedAt = Date.parse(paused.history.at(-1)!.status === 'PAUSED' ? (paused.history.at(-1) as unknown as { at: string }).at : '');
    expect(Date.parse(paused.pausedUntil!) - pausedAt).toBe(3 * 3_600_000);
    expect(paused.history.at(-1)).toMatchObject({ reason: 'FIRST_PAUSE', source: 'webhook' });

    const before = h.sandbox.control.sends({ limit: 0 }).total;
    const c = await h.contact({ name: 'Lucía' });
    const refused = await h.call({ method: 'POST', url: `/api/v1/templates/${orderTemplateId}/send`, payload: { phoneNumberId: h.numbers[0]!.id, contactId: c.id, values: { order: 'C-3' } } });
    expect(refused.statusCode).toBe(422);
    const err = refused.json<{ error: { code: string; message: string; details: { pausedUntil: string } } }>().error;
    expect(err.code).toBe('template_paused');
    expect(err.details.pausedUntil).toBe(paused.pausedUntil);
    expect(err.message).toContain(paused.pausedUntil!);
    expect(h.sandbox.control.sends({ limit: 0 }).total).toBe(before);

    const unpaused = await h.call({ method: 'POST', url: `/api/v1/templates/${orderTemplateId}/unpause` });
    expect(unpaused.json()).toMatchObject({ status: 'APPROVED', pausedUntil: null });
    await h.settle();
    expect((await detail(orderTemplateId)).status).toBe('APPROVED');
    const sent = await h.call({ method: 'POST', url: `/api/v1/templates/${orderTemplateId}/send`, payload: { phoneNumberId: h.numbers[0]!.id, contactId: c.id, values: { order: 'C-3' } } });
    expect(sent.statusCode, sent.body).toBe(202);
    messageIds.push(sent.json<{ id: string }>().id);
    await delivered(sent.json<{ id: string }>().id);
    expect(sentParams(sent.json<{ id: string }>().id)).toEqual(['Lucía', 'C-3']);
  });

  it('a send naming a template missing from the library syncs it once; sync on demand and on a schedule', async () => {
    const c = await h.contact({ name: 'Pablo' });
    const res = await h.call({
      method: 'POST',
      url: '/api/v1/messages',
      payload: { phoneNumberId: h.numbers[0]!.id, contactId: c.id, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    });
    expect(res.statusCode, res.body).toBe(202);
    messageIds.push(res.json<{ id: string }>().id);
    await delivered(res.json<{ id: string }>().id);
    const listed = await h.call({ url: '/api/v1/templates?q=hello&status=APPROVED' });
    expect(listed.json()).toMatchObject({ total: 1, data: [{ name: 'hello_world', language: 'en_US', status: 'APPROVED' }] });

    const sync = await h.call({ method: 'POST', url: '/api/v1/templates/sync', payload: {} });
    expect(sync.statusCode).toBe(200);
    expect(sync.json()).toMatchObject({ data: [{ wabaId: h.wabaId }] });
    await engine.store.db.execute(sql`delete from templates where name = 'order_update'`);
    const scheduled = startTemplateSync(h.ctx, { intervalMs: 3_600_000 });
    await eventually(async () => (await engine.store.rows(sql`select 1 from templates where name = 'order_update'`)).length === 2, 'scheduled sync');
    await scheduled.stop();
  });

  it('no send in these tests failed at the sandbox with a template error', async () => {
    expect(messageIds.length).toBe(4);
    const failed = await engine.store.rows<{ id: string; errors: unknown }>(sql`select id, errors from messages where direction = 'out' and (status = 'failed' or errors is not null)`);
    expect(failed).toEqual([]);
    const lastErrors = await engine.store.rows<{ last_error: unknown }>(sql`select last_error from outbound_messages where last_error is not null`);
    for (const r of lastErrors) expect(TEMPLATE_ERRORS).not.toContain((r.last_error as { code?: number }).code);
    // Every message was accepted by the sandbox exactly once.
    const counts = h.sandbox.control.sends({ limit: 0 }).by_callback_data;
    for (const id of messageIds) {
      const n = Object.entries(counts).filter(([k]) => k.startsWith(`${id}:`)).reduce((s, [, v]) => s + v, 0);
      expect(n, id).toBe(1);
    }
  });
});
