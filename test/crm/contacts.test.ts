import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { testApi, type TestApi } from '../helpers/api.ts';
import type { TestClock } from '../helpers/context.ts';
import { upsertNumber } from '../../src/messaging/numbers.ts';
import { contacts, messages } from '../../src/messaging/schema.ts';
import { signatureFor } from '../../src/whatsapp/signature.ts';
import { APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, envelope, inbound, metaJson } from '../messaging/helpers/inbound-payloads.ts';

describeEachEngine('CRM contacts', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi(engine.store);
    await upsertNumber(api.ctx, { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: DISPLAY, accessToken: 't', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  });
  afterAll(() => api.close());
  beforeEach(async () => {
    await engine.store.db.execute(sql`truncate messages, conversations, contacts, organizations, custom_fields, tags, suppressions, webhook_events cascade`);
  });

  async function customerWrites(sender: { waId: string; bsuid?: string; username?: string; name?: string }, text: string) {
    const payload = metaJson(envelope(inbound(sender, api.ctx.clock.now(), { type: 'text', text: { body: text } }).value));
    const res = await api.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureFor(APP_SECRET, payload) }, payload });
    expect(res.statusCode).toBe(200);
    while ((await api.services.processor.processBatch()) > 0) {
      /* drain */
    }
  }

  /** Every contact a listing returns, following nextCursor page by page. */
  async function allPages(query: string): Promise<{ id: string; name: string }[]> {
    const out: { id: string; name: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = (await api.call(`/api/v1/contacts?${query}${cursor ? `&cursor=${cursor}` : ''}`)).json() as { data: { id: string; name: string }[]; nextCursor: string | null };
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  it('creates a contact from a national number with the default country, and refuses a duplicate naming it', async () => {
    const res = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { phone: '612 34 56 78', defaultCountry: 'ES', name: 'Ana García', email: 'Ana@Example.es', tags: ['VIP', 'vip', 'Madrid'] } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ phone: '+34612345678', waId: '34612345678', country: 'ES', market: 'Spain', kind: 'lead', email: 'ana@example.es', tags: ['Madrid', 'VIP'] });
    const dupe = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { phone: '+34 612-345-678' } });
    expect(dupe.statusCode).toBe(409);
    expect(dupe.json().error).toMatchObject({ code: 'contact_exists', details: { existingId: res.json().id } });
  });

  it('sorts the list by name, newest and latest inbound message, and pages through each order by cursor', async () => {
    const clock = api.ctx.clock as TestClock;
    const make = async (payload: Record<string, unknown>) => {
      clock.advance(1000);
      return (await api.call({ method: 'POST', url: '/api/v1/contacts', payload })).json() as { id: string };
    };
    const zoe = await make({ name: 'Zoë Ruiz', phone: '+34 600 000 001' });
    const alvaro = await make({ name: 'Álvaro Gil', phone: '+34 600 000 002' });
    const bea = await make({ name: 'beatriz Peña', phone: '+34 600 000 003' });
    const noName = await make({ phone: '+34 600 000 004' }); // listed as its number, "+34600000004"
    const carlos = await make({ name: 'Carlos', phone: '+34 600 000 005' });
    clock.advance(60_000);
    await customerWrites({ waId: '34600000003' }, 'hola');
    clock.advance(60_000);
    await customerWrites({ waId: '34600000001' }, 'buenas');

    const ids = async (query: string) => ((await api.call(`/api/v1/contacts?${query}`)).json().data as { id: string }[]).map((c) => c.id);
    const paged = async (sort: string, limit: number) => (await allPages(`sort=${sort}&limit=${limit}`)).map((c) => c.id);

    // By the name lists show, accents and case folded; a contact without a name sorts by its number.
    const byName = [noName.id, alvaro.id, bea.id, carlos.id, zoe.id];
    expect(await ids('sort=name')).toEqual(byName);
    expect(await ids('sort=-name')).toEqual([...byName].reverse());
    expect(await paged('name', 2)).toEqual(byName);
    // Newest first is the default, oldest first on request.
    const byCreated = [zoe.id, alvaro.id, bea.id, noName.id, carlos.id];
    expect(await ids('')).toEqual([...byCreated].reverse());
    expect(await paged('created', 2)).toEqual(byCreated);
    // Latest inbound first; those who never wrote after them, the same three on every page walk.
    const recent = await ids('sort=-last_inbound');
    expect(recent.slice(0, 2)).toEqual([zoe.id, bea.id]);
    expect(new Set(recent.slice(2))).toEqual(new Set([alvaro.id, noName.id, carlos.id]));
    expect(await paged('-last_inbound', 2)).toEqual(recent);
    expect((await ids('sort=last_inbound')).slice(3)).toEqual([bea.id, zoe.id]);
    // Sorting works with a search and a segment filter.
    expect(await ids(`sort=name&segment=${encodeURIComponent('last_inbound within 1d')}`)).toEqual([bea.id, zoe.id]);

    // A cursor pages the sort it came from; another sort is refused, saying which.
    const cursor = (await api.call('/api/v1/contacts?sort=name&limit=2')).json().nextCursor as string;
    const wrong = await api.call(`/api/v1/contacts?sort=-created&cursor=${cursor}`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'invalid_cursor', message: expect.stringContaining('sort=name') });
    expect((await api.call('/api/v1/contacts?sort=surname')).statusCode).toBe(400);
  });

  it('pages through contacts created within the same millisecond without skipping any', async () => {
    // Timestamps set by the database carry microseconds; a cursor holding a JavaScript date (milliseconds) skipped
    // rows that fell between the millisecond and the last row's microsecond.
    await engine.store.db.execute(sql`insert into contacts (wa_id, name, created_at) values
      ('34600000101', 'Uno', '2026-11-02 10:00:00.123456+00'), ('34600000102', 'Dos', '2026-11-02 10:00:00.123400+00'),
      ('34600000103', 'Tres', '2026-11-02 10:00:00.123300+00')`);
    expect((await allPages('limit=1')).map((c) => c.name)).toEqual(['Uno', 'Dos', 'Tres']);
  });

  it('explains bad input: phone, e-mail, unknown and invalid custom fields', async () => {
    const bad = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { phone: '612 34', defaultCountry: 'ES' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^phone: /);
    const email = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'x', email: 'not-an-email' } });
    expect(email.json().error.message).toMatch(/email: "not-an-email" is not an e-mail address/);
    expect((await api.call({ method: 'POST', url: '/api/v1/fields', payload: { key: 'plan', label: 'Plan', type: 'choice', options: ['Oro', 'Plata'] } })).statusCode).toBe(201);
    expect((await api.call({ method: 'POST', url: '/api/v1/fields', payload: { key: 'birth_date', label: 'Cumpleaños', type: 'date' } })).statusCode).toBe(201);
    const unknown = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'x', fields: { plna: 'Oro' } } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/Unknown field "plna".*known: plan, birth_date/);
    const invalid = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'x', fields: { plan: 'Bronce', birth_date: '31/02/1990' } } });
    expect(invalid.json().error.details).toEqual([
      { key: 'plan', message: 'Plan: "Bronce" is not one of the options (Oro, Plata).' },
      { key: 'birth_date', message: 'Cumpleaños: "31/02/1990" is not a date (use YYYY-MM-DD or DD/MM/YYYY).' },
    ]);
    const ok = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'x', fields: { plan: 'oro', birth_date: '07/03/1990' } } });
    expect(ok.json().fields).toEqual({ plan: 'Oro', birth_date: '1990-03-07' });
  });

  it('turns an unknown number that wrote in into a lead in one action, keeping its history', async () => {
    await customerWrites({ waId: '5491155556666', name: 'Sol' }, 'Hola, ¿precio?');
    const list = (await api.call('/api/v1/contacts?kind=unknown')).json();
    expect(list.data).toHaveLength(1);
    const id = list.data[0].id;
    const res = await api.call({ method: 'PATCH', url: `/api/v1/contacts/${id}`, payload: { kind: 'lead', name: 'Sol Martínez' } });
    expect(res.json()).toMatchObject({ kind: 'lead', name: 'Sol Martínez', profileName: 'Sol', market: 'Argentina' });
    const history = (await api.call(`/api/v1/contacts/${id}/messages`)).json();
    expect(history.data).toHaveLength(1);
    expect(history.data[0].content.text.body).toBe('Hola, ¿precio?');
  });

  it('links a username-only contact and the phone record of the same person into one', async () => {
    const created = (await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { phone: '+52 1 55 1234 5678', name: 'Luis (importado)' } })).json();
    expect(created.waId).toBe('525512345678'); // the old 52 1 mobile form is read as today's number
    await customerWrites({ waId: '', bsuid: 'MX.1234567890', username: 'luis.mx' }, 'hola');
    expect((await engine.store.db.select().from(contacts)).length).toBe(2);
    // Meta now sends both (its wa_id in the 52 1 form): the BSUID record absorbs the phone record.
    await customerWrites({ waId: '5215512345678', bsuid: 'MX.1234567890', username: 'luis.mx' }, 'soy yo');
    const live = await engine.store.db.select().from(contacts).where(sql`merged_into is null`);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ bsuid: 'MX.1234567890', waId: '5215512345678', name: 'Luis (importado)', username: 'luis.mx' });
    const history = (await api.call(`/api/v1/contacts/${live[0]!.id}/messages`)).json();
    expect(history.data.map((m: { content: { text: { body: string } } }) => m.content.text.body).sort()).toEqual(['hola', 'soy yo']);
  });

  it('matches a webhook to a contact known by the other form of a Mexican number', async () => {
    const created = (await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { phone: '+52 1 33 1111 2222', name: 'Marta' } })).json();
    expect(created.waId).toBe('523311112222');
    await customerWrites({ waId: '5213311112222', name: 'Marta G' }, 'hola');
    const all = await engine.store.db.select().from(contacts);
    expect(all).toHaveLength(1);
    // Same record; it now carries the form Meta uses, so replies go to what Meta knows.
    expect(all[0]).toMatchObject({ id: created.id, waId: '5213311112222', name: 'Marta' });
  });

  it('merges duplicates keeping all history, tags and the latest consent', async () => {
    await customerWrites({ waId: '34600111222', name: 'Pepe' }, 'uno');
    const a = (await api.call('/api/v1/contacts')).json().data[0];
    await api.call({ method: 'PATCH', url: `/api/v1/contacts/${a.id}`, payload: { email: 'pepe@bar.es', tags: ['bar'] } });
    const b = (await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'José', email: 'PEPE@bar.es', tags: ['tapas'], phone: '+34 600 999 888' } })).json();
    await customerWrites({ waId: '34600999888' }, 'dos');
    await api.call({ method: 'POST', url: `/api/v1/contacts/${a.id}/consents`, payload: { category: 'marketing', state: 'opted_in', evidence: 'Formulario web', at: '2026-01-01T00:00:00Z' } });
    await api.call({ method: 'POST', url: `/api/v1/contacts/${b.id}/consents`, payload: { category: 'marketing', state: 'opted_out', evidence: 'Llamada', at: '2026-02-01T00:00:00Z' } });
    const dupes = (await api.call('/api/v1/contacts/duplicates')).json().data;
    expect(dupes).toEqual([{ reason: 'same e-mail', key: 'pepe@bar.es', contactIds: [a.id, b.id], contacts: expect.any(Array) }]);
    // Enough to choose which record to keep: who each one is and how much history it has, oldest first.
    expect(dupes[0].contacts).toEqual([
      { id: a.id, displayName: 'Pepe', phone: '+34600111222', email: 'pepe@bar.es', kind: 'unknown', createdAt: expect.any(String), messages: 1, lastMessageAt: expect.any(String) },
      { id: b.id, displayName: 'José', phone: '+34600999888', email: 'pepe@bar.es', kind: 'lead', createdAt: expect.any(String), messages: 1, lastMessageAt: expect.any(String) },
    ]);

    const merged = await api.call({ method: 'POST', url: `/api/v1/contacts/${a.id}/merge`, payload: { otherId: b.id } });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().tags).toEqual(['bar', 'tapas']);
    const detail = (await api.call(`/api/v1/contacts/${a.id}`)).json();
    expect(detail.consent.marketing).toBe('opted_out');
    expect(detail.conversations).toHaveLength(1); // both threads were on the same business number
    const history = (await api.call(`/api/v1/contacts/${a.id}/messages`)).json().data;
    expect(history.map((m: { content: { text: { body: string } } }) => m.content.text.body).sort()).toEqual(['dos', 'uno']);
    const consents = (await api.call(`/api/v1/contacts/${a.id}/consents`)).json();
    expect(consents.history.map((h: { evidence: string }) => h.evidence).sort()).toEqual(['Formulario web', 'Llamada']);
    expect((await api.call('/api/v1/contacts')).json().data.map((c: { id: string }) => c.id)).toEqual([a.id]);
    const gone = (await api.call(`/api/v1/contacts/${b.id}`)).json();
    expect(gone.mergedInto).toBe(a.id);
  });

  it('an opt-out keyword revokes marketing consent at once, with the message as evidence', async () => {
    await customerWrites({ waId: '573001112233', name: 'Camilo' }, 'Quiero ofertas');
    const c = (await api.call('/api/v1/contacts')).json().data[0];
    await api.call({ method: 'POST', url: `/api/v1/contacts/${c.id}/consents`, payload: { category: 'marketing', state: 'opted_in', source: 'form', evidence: 'Acepto recibir ofertas por WhatsApp', at: '2026-11-01T00:00:00Z' } });
    await customerWrites({ waId: '573001112233' }, 'Baja!');
    const detail = (await api.call(`/api/v1/contacts/${c.id}/consents`)).json();
    expect(detail.current.marketing).toBe('opted_out');
    expect(detail.history[0]).toMatchObject({ state: 'opted_out', source: 'chat_keyword', evidence: 'Baja!', recordedBy: 'customer' });
    // A sentence that merely contains the word is not an opt-out.
    await api.call({ method: 'POST', url: `/api/v1/contacts/${c.id}/consents`, payload: { category: 'marketing', state: 'opted_in', evidence: 'again', at: new Date(api.ctx.clock.now().getTime() + 60_000).toISOString() } });
    api.ctx.clock.now = (() => { const t = Date.now(); return () => new Date(t + 120_000); })();
    await customerWrites({ waId: '573001112233' }, 'no quiero la baja del pedido');
    expect((await api.call(`/api/v1/contacts/${c.id}/consents`)).json().current.marketing).toBe('opted_in');
    // Keywords are configurable.
    const put = await api.call({ method: 'PUT', url: '/api/v1/settings/consent-keywords', payload: { optOut: ['NO MOLESTAR'], optIn: ['ALTA'] } });
    expect(put.json().optOut).toEqual(['NO MOLESTAR']);
    await customerWrites({ waId: '573001112233' }, 'no molestar');
    expect((await api.call(`/api/v1/contacts/${c.id}/consents`)).json().current.marketing).toBe('opted_out');
  });

  it('finds one phone number stored in its two forms (Mexican 52 1…, Brazilian ninth digit) as duplicates', async () => {
    await engine.store.db.execute(sql`insert into contacts (wa_id, name, created_at) values
      ('5215512345678', 'Rosa (móvil)', '2026-11-01T10:00:00Z'), ('525512345678', 'Rosa', '2026-11-01T11:00:00Z'),
      ('5511987654321', 'João', '2026-11-01T10:00:00Z'), ('551187654321', 'João S.', '2026-11-01T11:00:00Z'),
      ('525599999999', 'Sin pareja', now()), ('34600111333', 'Pepe', now())`);
    const dupes = (await api.call('/api/v1/contacts/duplicates')).json().data as { reason: string; key: string; contacts: { displayName: string }[] }[];
    expect(dupes.map((g) => [g.reason, g.key, g.contacts.map((c) => c.displayName)]).sort()).toEqual([
      ['same phone number', '551187654321', ['João', 'João S.']],
      ['same phone number', '525512345678', ['Rosa (móvil)', 'Rosa']],
    ].sort());
  });

  it('copies a message the customer sent into a custom field', async () => {
    await api.call({ method: 'POST', url: '/api/v1/fields', payload: { key: 'address', label: 'Dirección', type: 'text' } });
    await customerWrites({ waId: '34655443322' }, 'Calle Mayor 5, 2ºB');
    const c = (await api.call('/api/v1/contacts')).json().data[0];
    const [m] = await engine.store.db.select().from(messages);
    const res = await api.call({ method: 'POST', url: `/api/v1/contacts/${c.id}/fields/from-message`, payload: { messageId: m!.id, field: 'address' } });
    expect(res.json().fields).toEqual({ address: 'Calle Mayor 5, 2ºB' });
  });

  it('copies a message into the contact\'s e-mail (the one address it carries) or name, and says why it cannot', async () => {
    await customerWrites({ waId: '34655443323' }, 'Mi correo es Lola.Vidal@Example.es, gracias');
    await customerWrites({ waId: '34655443323' }, 'lola@a.es o lola@b.es');
    await customerWrites({ waId: '34655443323' }, 'Lola Vidal Romero');
    const c = (await api.call('/api/v1/contacts')).json().data[0];
    const byText = new Map((await engine.store.db.select().from(messages)).map((m) => [(m.content as { text: { body: string } }).text.body, m.id]));
    const copy = (messageId: string, target: Record<string, string>) => api.call({ method: 'POST', url: `/api/v1/contacts/${c.id}/fields/from-message`, payload: { messageId, ...target } });

    expect((await copy(byText.get('Mi correo es Lola.Vidal@Example.es, gracias')!, { contactField: 'email' })).json()).toMatchObject({ email: 'lola.vidal@example.es' });
    const two = await copy(byText.get('lola@a.es o lola@b.es')!, { contactField: 'email' });
    expect(two.statusCode).toBe(422);
    expect(two.json().error).toMatchObject({ code: 'no_email_in_message', message: expect.stringContaining('more than one') });
    expect((await api.call(`/api/v1/contacts/${c.id}`)).json().email).toBe('lola.vidal@example.es'); // unchanged
    expect((await copy(byText.get('Lola Vidal Romero')!, { contactField: 'name' })).json()).toMatchObject({ name: 'Lola Vidal Romero' });
    // One target at a time, and only these two contact fields.
    expect((await copy(byText.get('Lola Vidal Romero')!, { contactField: 'phone' })).statusCode).toBe(400);
    expect((await copy(byText.get('Lola Vidal Romero')!, { contactField: 'name', field: 'address' })).statusCode).toBe(400);
  });

  it('searches by name prefix, number prefix and e-mail, and pages by cursor', async () => {
    for (let i = 0; i < 7; i++) {
      api.ctx.clock.now = (() => { const t = Date.parse('2026-11-02T10:00:00Z') + i * 1000; return () => new Date(t); })();
      await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: i < 3 ? `Ángela ${i}` : `Bruno ${i}`, phone: `+3461100000${i}`, email: `p${i}@x.es` } });
    }
    expect((await api.call(`/api/v1/contacts?q=${encodeURIComponent('ángela')}`)).json().data).toHaveLength(3);
    // Accents and case do not matter: people type "angela" for "Ángela", and "ÁNGELA 1" for "Ángela 1".
    expect((await api.call('/api/v1/contacts?q=angela')).json().data).toHaveLength(3);
    expect((await api.call(`/api/v1/contacts?q=${encodeURIComponent('ÁNGELA 1')}`)).json().data.map((c: { name: string }) => c.name)).toEqual(['Ángela 1']);
    expect((await api.call(`/api/v1/contacts?q=${encodeURIComponent('+34 611 000 005')}`)).json().data.map((c: { name: string }) => c.name)).toEqual(['Bruno 5']);
    expect((await api.call('/api/v1/contacts?q=P3@X.ES')).json().data.map((c: { name: string }) => c.name)).toEqual(['Bruno 3']);
    expect((await api.call('/api/v1/contacts?q=50%25')).json().data).toHaveLength(0); // % is literal, not a wildcard
    expect((await allPages('limit=3')).map((c) => c.name)).toEqual(['Bruno 6', 'Bruno 5', 'Bruno 4', 'Bruno 3', 'Ángela 2', 'Ángela 1', 'Ángela 0']);
    expect((await api.call('/api/v1/contacts?cursor=garbage')).json().error.code).toBe('invalid_cursor');
  });

  it('keeps organizations with their contacts, and suppressions by normalised number', async () => {
    const org = (await api.call({ method: 'POST', url: '/api/v1/organizations', payload: { name: 'Ferretería López', kind: 'supplier' } })).json();
    await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Juan López', kind: 'supplier', organizationId: org.id } });
    const detail = (await api.call(`/api/v1/organizations/${org.id}`)).json();
    expect(detail.contacts.map((c: { name: string }) => c.name)).toEqual(['Juan López']);
    expect((await api.call('/api/v1/organizations?q=ferr')).json().data[0]).toMatchObject({ name: 'Ferretería López', contacts: 1 });
    const bad = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'x', organizationId: '00000000-0000-4000-8000-000000000000' } });
    expect(bad.json().error.code).toBe('unknown_organization');
    const s = await api.call({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: '+34 (699) 00-00-00', reason: 'pidió no ser contactado' } });
    expect(s.json().identifier).toBe('34699000000');
    expect((await api.call({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: 'hello' } })).statusCode).toBe(400);
  });

  it('requires the API token', async () => {
    const res = await api.app.inject('/api/v1/contacts');
    expect(res.statusCode).toBe(401);
  });
});
