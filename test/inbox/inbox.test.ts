import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { contacts, conversations, messages, outboundMessages } from '../../src/messaging/schema.ts';
import { enqueueMessage } from '../../src/messaging/outbox.ts';
import type { CloudApiClient } from '../../src/whatsapp/client.ts';
import { createRouter } from '../../src/inbox/routing.ts';
import { agent, inboxHarness, seedTeam, seedUser, setNumberTeam, supervisor, truncateInbox, type InboxHarness } from './helpers.ts';

type Row = { id: string; contact: { displayName: string } };

describeEachEngine('inbox', (engine) => {
  let h: InboxHarness;
  const readCalls: string[] = [];
  const fakeClient = { markRead: async (_n: unknown, wamid: string) => void readCalls.push(wamid) } as unknown as CloudApiClient;

  let me: string, mate: string, other: string, sup: string, off: string;
  let sales: string, support: string;
  const conv: Record<string, string> = {};
  const wamidOf: Record<string, string> = {};
  const names = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elena', 'Fede'];

  const base = Date.parse('2026-11-02T09:00:00Z');
  const list = async (p: Parameters<InboxHarness['as']>[0], query: string) => {
    const res = await h.as(p, `/api/v1/inbox/conversations?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { data: Row[]; nextCursor: string | null };
  };
  const namesOf = (r: { data: Row[] }) => r.data.map((x) => x.contact.displayName);
  const token = null;

  beforeAll(async () => {
    await truncateInbox(engine.store);
    h = await inboxHarness(engine.store, { client: fakeClient });
    me = await seedUser(engine.store, 'Marta');
    mate = await seedUser(engine.store, 'Mateo');
    other = await seedUser(engine.store, 'Olga');
    sup = await seedUser(engine.store, 'Sara', 'supervisor');
    off = await seedUser(engine.store, 'Otto', 'agent', { disabled: true });
    sales = await seedTeam(engine.store, 'Ventas', 'manual', [me, mate, off]);
    support = await seedTeam(engine.store, 'Soporte', 'manual', [other]);
    for (const [i, name] of names.entries()) {
      const at = new Date(base + i * 60_000);
      const body = name === 'Diego' ? 'Tengo una factura pendiente' : `Hola, soy ${name}`;
      wamidOf[name] = await h.receive({ waId: `3461000000${i}`, name }, at, { type: 'text', text: { body } });
    }
    const rows = await engine.store.db.select({ id: conversations.id, name: contacts.profileName }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId));
    for (const r of rows) conv[r.name!] = r.id;
    const post = async (name: string, action: string, payload: unknown) => {
      h.clock.advance(1000); // notes of successive actions get distinct times
      const res = await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv[name]}/${action}`, payload: payload as Record<string, unknown> });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as Record<string, unknown>;
    };
    // Ana: Ventas, mine. Bruno: Ventas, unassigned, answered. Carla: Soporte, Olga's, a customer.
    // Diego: no team. Elena: Ventas, Mateo's, important. Fede: resolved.
    await post('Ana', 'transfer', { teamId: sales });
    await post('Ana', 'assign', { userId: me });
    await post('Bruno', 'transfer', { teamId: sales });
    await post('Carla', 'transfer', { teamId: support });
    await post('Carla', 'assign', { userId: other });
    await post('Elena', 'transfer', { teamId: sales });
    await post('Elena', 'assign', { userId: mate });
    await post('Elena', 'important', { important: true });
    await post('Fede', 'state', { state: 'resolved' });
    await engine.store.db.update(contacts).set({ kind: 'customer' }).where(eq(contacts.profileName, 'Carla'));
    await enqueueMessage(h.ctx, { phoneNumberId: h.numberId, to: '+34610000001', body: { type: 'text', text: { body: '¡Hola Bruno!' } } });
  });
  afterAll(() => h.close());

  describe('list', () => {
    it('shows every open conversation to a token, latest activity first, with contact, preview, team, assignee and window', async () => {
      const r = await list(token, 'view=all&state=open');
      expect(namesOf(r)).toEqual(['Bruno', 'Elena', 'Diego', 'Carla', 'Ana']);
      const bruno = r.data[0] as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(bruno.lastMessage).toMatchObject({ direction: 'out', type: 'text', text: '¡Hola Bruno!', status: 'queued' });
      expect(bruno.team).toEqual({ id: sales, name: 'Ventas' });
      expect(bruno.assignee).toBeNull();
      expect(bruno.window.open).toBe(true);
      expect(bruno.window.expiresAt).toBe(new Date(base + 60_000 + 24 * 3600_000).toISOString());
      expect(bruno.contact).toMatchObject({ displayName: 'Bruno', waId: '34610000001', kind: 'unknown' });
      expect(bruno.awaitingReply).toBe(false);
      const carla = r.data[3] as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(carla.assignee).toEqual({ id: other, name: 'Olga' });
      expect(carla.lastMessage).toMatchObject({ direction: 'in', type: 'text', text: 'Hola, soy Carla' });
      expect(carla.unreadCount).toBe(1);
    });

    it('filters by view for an agent: mine, team, unassigned, all', async () => {
      const p = agent(me, [sales]);
      expect(namesOf(await list(p, 'view=mine'))).toEqual(['Ana']);
      expect(namesOf(await list(p, 'view=team'))).toEqual(['Bruno', 'Elena', 'Ana']);
      expect(namesOf(await list(p, 'view=unassigned'))).toEqual(['Bruno']);
      expect(namesOf(await list(p, 'view=all'))).toEqual(['Bruno', 'Elena', 'Ana']);
      expect(namesOf(await list(supervisor(sup), 'view=unassigned'))).toEqual(['Bruno', 'Diego']);
      expect((await h.as(p, `/api/v1/inbox/conversations?view=team&teamId=${support}`)).json().error.code).toBe('team_forbidden');
      expect(namesOf(await list(supervisor(sup), `view=team&teamId=${support}`))).toEqual(['Carla']);
    });

    it('filters by state, unread, category, label, number and search', async () => {
      expect(namesOf(await list(token, 'state=resolved'))).toEqual(['Fede']);
      expect(namesOf(await list(token, 'category=important'))).toEqual(['Elena']);
      expect(namesOf(await list(token, 'category=unknown'))).toEqual(['Bruno', 'Elena', 'Diego', 'Ana']);
      expect(namesOf(await list(token, 'category=new'))).toEqual(['Elena', 'Diego', 'Carla', 'Ana']);
      expect(namesOf(await list(token, `phoneNumberId=${h.numberId}&q=car`))).toEqual(['Carla']);
      expect(namesOf(await list(token, `q=${encodeURIComponent('CÁR')}`))).toEqual(['Carla']); // case and accents folded
      expect(namesOf(await list(token, 'q=%2B34%20610000003'))).toEqual(['Diego']);
      expect(namesOf(await list(token, 'q=3461000000'))).toHaveLength(5);
      // A prefix shared by more contacts than the search names one by one takes the join path: same answer.
      await h.ctx.store.db.execute(sql`insert into contacts (wa_id) select '3461000000' || lpad(g::text, 5, '0') from generate_series(1, 1100) g`);
      expect(namesOf(await list(token, 'q=3461000000'))).toHaveLength(5);
      expect(namesOf(await list(token, 'q=%2B34%20610000003'))).toEqual(['Diego']);
      await h.ctx.store.db.execute(sql`delete from contacts where length(wa_id) = 15 and wa_id like '3461000000%'`);
      expect(namesOf(await list(token, 'q=factura'))).toEqual([]);
      expect(namesOf(await list(token, 'q=factura&searchMessages=true'))).toEqual(['Diego']);
      expect(namesOf(await list(token, 'q=100%25'))).toEqual([]);

      const label = (await h.as(token, { method: 'POST', url: '/api/v1/labels', payload: { name: 'VIP', color: '#f00' } })).json();
      await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Ana}/labels`, payload: { labelId: label.id } });
      const withLabel = await list(token, `labelId=${label.id}`);
      expect(namesOf(withLabel)).toEqual(['Ana']);
      expect((withLabel.data[0] as unknown as { labels: unknown[] }).labels).toEqual([{ id: label.id, name: 'VIP', color: '#f00' }]);

      const read = await h.as(agent(me, [sales]), { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Ana}/read` });
      expect(read.json()).toMatchObject({ unreadCount: 0, whatsapp: 'sent' });
      expect(readCalls).toEqual([wamidOf.Ana]);
      expect(namesOf(await list(token, 'unread=true'))).toEqual(['Bruno', 'Elena', 'Diego', 'Carla']);
    });

    it('pages by last activity with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: { data: Row[]; nextCursor: string | null } = await list(token, `limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...namesOf(r));
        cursor = r.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(['Bruno', 'Elena', 'Diego', 'Carla', 'Ana']);
      expect(pages).toBe(3);
      expect((await h.as(token, '/api/v1/inbox/conversations?cursor=nonsense')).json().error.code).toBe('invalid_cursor');
    });

    it('counts per view and state for the sidebar, within what the caller may see', async () => {
      const mine = (await h.as(agent(me, [sales]), '/api/v1/inbox/counts')).json();
      expect(mine.views).toEqual({
        mine: { open: 1, pending: 0, unread: 0 },
        unassigned: { open: 1, pending: 0, unread: 1 },
        team: { open: 3, pending: 0, unread: 2 },
        all: { open: 3, pending: 0, unread: 2 },
      });
      await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Diego}/state`, payload: { state: 'pending' } });
      const all = (await h.as(supervisor(sup), '/api/v1/inbox/counts')).json();
      expect(all.views.all).toEqual({ open: 4, pending: 1, unread: 4 });
      expect(all.views.unassigned).toEqual({ open: 1, pending: 1, unread: 2 });
      expect(all.unreadTotal).toBe(4);
      await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Diego}/state`, payload: { state: 'open' } });
    });
  });

  describe('access per conversation', () => {
    const p = () => agent(me, [sales]);
    it('an agent opens their own, their team’s and their team’s unassigned conversations', async () => {
      // Carla (Soporte) assigned to me: mine even though the team is not.
      await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Carla}/assign`, payload: { userId: me } });
      for (const name of ['Carla', 'Elena', 'Bruno']) {
        const res = await h.as(p(), `/api/v1/inbox/conversations/${conv[name]}`);
        expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
        expect((await h.as(p(), `/api/v1/inbox/conversations/${conv[name]}/timeline`)).statusCode).toBe(200);
      }
      await h.as(token, { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Carla}/assign`, payload: { userId: other } });
    });

    it('an agent gets 403 conversation_forbidden, in words, for another team’s or a team-less conversation, for reads and every action', async () => {
      const res = await h.as(p(), `/api/v1/inbox/conversations/${conv.Carla}`);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('conversation_forbidden');
      expect(res.json().error.message).toContain('Soporte');
      expect((await h.as(p(), `/api/v1/inbox/conversations/${conv.Diego}`)).statusCode).toBe(403);
      const actions: [string, Record<string, unknown> | undefined][] = [
        ['timeline', undefined],
        ['read', {}],
        ['assign', { userId: me }],
        ['transfer', { teamId: sales }],
        ['state', { state: 'resolved' }],
        ['important', { important: true }],
        ['notes', { body: 'mirando' }],
      ];
      for (const [action, payload] of actions) {
        const r = await h.as(p(), { method: payload ? 'POST' : 'GET', url: `/api/v1/inbox/conversations/${conv.Carla}/${action}`, ...(payload ? { payload } : {}) });
        expect(r.statusCode, action).toBe(403);
        expect(r.json().error.code).toBe('conversation_forbidden');
      }
      const row = (await engine.store.db.select().from(conversations).where(eq(conversations.id, conv.Carla!)))[0]!;
      expect(row).toMatchObject({ teamId: support, assigneeId: other, state: 'open', important: false });
      // Another team's agent cannot see mine either; supervisors see everything.
      expect((await h.as(agent(other, [support]), `/api/v1/inbox/conversations/${conv.Ana}`)).statusCode).toBe(403);
      expect((await h.as(supervisor(sup), `/api/v1/inbox/conversations/${conv.Carla}`)).statusCode).toBe(200);
      expect((await h.as(token, `/api/v1/inbox/conversations/${conv.Diego}`)).statusCode).toBe(200);
    });
  });

  describe('thread and timeline', () => {
    it('shows the conversation with contact, window, assignee, team, labels and notes count', async () => {
      const d = (await h.as(token, `/api/v1/inbox/conversations/${conv.Ana}`)).json();
      expect(d).toMatchObject({
        id: conv.Ana,
        state: 'open',
        contact: { displayName: 'Ana', waId: '34610000000' },
        assignee: { id: me, name: 'Marta' },
        team: { id: sales, name: 'Ventas', assignment: 'manual' },
        window: { open: true },
        phoneNumber: { id: h.numberId },
        unreadCount: 0,
      });
      expect(d.labels.map((l: { name: string }) => l.name)).toEqual(['VIP']);
      // The transfer and the assignment left a note each.
      expect(d.notesCount).toBe(2);
      expect((await h.as(token, '/api/v1/inbox/conversations/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
    });

    it('interleaves messages and notes newest first, with reply context, reactions on their target and errors in words', async () => {
      const t0 = base + 2 * 3_600_000;
      const photo = await h.receive({ waId: '34610000000', name: 'Ana' }, new Date(t0), { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', caption: 'la receta' } });
      await h.receive({ waId: '34610000000', name: 'Ana' }, new Date(t0 + 1000), { type: 'text', text: { body: '¿Y esto?' }, context: { from: '15550783881', id: wamidOf.Ana } });
      await h.receive({ waId: '34610000000', name: 'Ana' }, new Date(t0 + 2000), { type: 'reaction', reaction: { message_id: photo, emoji: '❤️' } });
      h.clock.set(new Date(t0 + 3000));
      const note = await h.as(agent(me, [sales]), { method: 'POST', url: `/api/v1/inbox/conversations/${conv.Ana}/notes`, payload: { body: 'Cliente habitual, tratar con cariño' } });
      expect(note.statusCode).toBe(201);
      expect(note.json()).toMatchObject({ kind: 'note', body: 'Cliente habitual, tratar con cariño', author: { id: me, name: 'Marta' } });
      // A failed outbound message, as the dispatcher leaves it.
      await engine.store.db.insert(messages).values({
        conversationId: conv.Ana!, direction: 'out', type: 'text', content: { type: 'text', text: { body: 'Te escribo mañana' } }, status: 'failed',
        errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: null }], at: new Date(t0 + 4000), failedAt: new Date(t0 + 5000),
      });
      const outboundBefore = (await engine.store.rows<{ n: number }>(sql`select count(*)::int as n from ${outboundMessages}`))[0]!.n;

      const tl = (await h.as(token, `/api/v1/inbox/conversations/${conv.Ana}/timeline`)).json();
      const kinds = tl.data.map((i: { type: string; message?: { preview: { text: string } }; note?: { body: string } }) => (i.type === 'note' ? `note:${i.note!.body.slice(0, 7)}` : `msg:${i.message!.preview.text}`));
      expect(kinds).toEqual(['msg:Te escribo mañana', 'note:Cliente', 'msg:¿Y esto?', 'msg:la receta', 'note:Assigne', 'note:Transfe', 'msg:Hola, soy Ana']);
      const failed = tl.data[0].message;
      expect(failed.status).toBe('failed');
      expect(failed.error.code).toBe(131047);
      expect(failed.error.explanation.es.length).toBeGreaterThan(10);
      expect(failed.error.explanation.en.length).toBeGreaterThan(10);
      const reply = tl.data[2].message;
      expect(reply.replyTo).toMatchObject({ wamid: wamidOf.Ana, found: true, direction: 'in', type: 'text', text: 'Hola, soy Ana' });
      const img = tl.data[3].message;
      expect(img.preview).toEqual({ type: 'image', text: 'la receta' });
      expect(img.reactions).toMatchObject([{ emoji: '❤️', direction: 'in' }]);
      expect(tl.data[6].message.status).toBe('read');
      expect(tl.data[6].message.reactions).toEqual([]);
      expect(tl.nextCursor).toBeNull();

      // A removed reaction (empty emoji) disappears.
      await h.receive({ waId: '34610000000', name: 'Ana' }, new Date(t0 + 6000), { type: 'reaction', reaction: { message_id: photo, emoji: '' } });
      const again = (await h.as(token, `/api/v1/inbox/conversations/${conv.Ana}/timeline`)).json();
      expect(again.data.find((i: { message?: { wamid: string } }) => i.message?.wamid === photo).message.reactions).toEqual([]);

      // Paging two at a time gives the same sequence.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: { type: string; message?: { id: string }; note?: { id: string } }[]; nextCursor: string | null } = (
          await h.as(token, `/api/v1/inbox/conversations/${conv.Ana}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        seen.push(...page.data.map((i) => (i.message ?? i.note)!.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(again.data.map((i: { message?: { id: string }; note?: { id: string } }) => (i.message ?? i.note)!.id));
      // Notes never reach WhatsApp.
      expect((await engine.store.rows<{ n: number }>(sql`select count(*)::int as n from ${outboundMessages}`))[0]!.n).toBe(outboundBefore);
    });
  });

  describe('actions', () => {
    const p = () => agent(me, [sales]);
    const post = (who: Parameters<InboxHarness['as']>[0], name: string, action: string, payload: Record<string, unknown>) =>
      h.as(who, { method: 'POST', url: `/api/v1/inbox/conversations/${conv[name]}/${action}`, payload });

    it('assigns within the rules: agents take it or hand it to a teammate; disabled or unknown users are refused', async () => {
      expect((await post(p(), 'Bruno', 'assign', { userId: other })).json().error.code).toBe('assignment_forbidden');
      expect((await post(p(), 'Bruno', 'assign', { userId: off })).json().error.code).toBe('user_disabled');
      expect((await post(p(), 'Bruno', 'assign', { userId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);
      expect((await post(p(), 'Bruno', 'assign', { userId: me })).json()).toMatchObject({ assigneeId: me, changed: true });
      expect((await post(p(), 'Bruno', 'assign', { userId: mate })).json()).toMatchObject({ assigneeId: mate });
      expect((await post(supervisor(sup), 'Bruno', 'assign', { userId: null })).json()).toMatchObject({ assigneeId: null });
    });

    it('transfers to another team with a note, resolves, reopens, marks important and removes labels', async () => {
      const t = await post(p(), 'Bruno', 'transfer', { teamId: support, note: 'Es una incidencia técnica' });
      expect(t.statusCode).toBe(200);
      expect(t.json()).toMatchObject({ teamId: support, assigneeId: null, note: { kind: 'transfer', body: 'Es una incidencia técnica' } });
      // Now it is Soporte's: Marta can no longer touch it.
      expect((await post(p(), 'Bruno', 'state', { state: 'resolved' })).statusCode).toBe(403);
      const o = agent(other, [support]);
      const resolved = await post(o, 'Bruno', 'state', { state: 'resolved' });
      expect(resolved.json()).toMatchObject({ state: 'resolved', changed: true });
      const row = async () => (await engine.store.db.select().from(conversations).where(eq(conversations.id, conv.Bruno!)))[0]!;
      expect((await row()).resolvedAt).not.toBeNull();
      expect((await post(o, 'Bruno', 'state', { state: 'open' })).json()).toMatchObject({ state: 'open' });
      expect((await row()).resolvedAt).toBeNull();
      expect((await post(o, 'Bruno', 'important', { important: true })).json()).toEqual({ id: conv.Bruno, important: true });
      const label = (await h.as(token, { method: 'POST', url: '/api/v1/labels', payload: { name: 'Garantía' } })).json();
      await post(o, 'Bruno', 'labels', { labelId: label.id });
      expect((await h.as(o, { method: 'DELETE', url: `/api/v1/inbox/conversations/${conv.Bruno}/labels/${label.id}` })).json()).toMatchObject({ removed: true });
      expect((await post(o, 'Bruno', 'labels', { labelId: '00000000-0000-4000-8000-000000000000' })).json().error.code).toBe('label_not_found');
      expect((await post(o, 'Bruno', 'transfer', { teamId: '00000000-0000-4000-8000-000000000000' })).json().error.code).toBe('team_not_found');
      expect((await post(o, 'Bruno', 'notes', { body: '   ' })).statusCode).toBe(400);
    });
  });

  describe('quick replies and labels', () => {
    it('CRUD with unique shortcuts; agents read, managers write', async () => {
      const create = (who: Parameters<InboxHarness['as']>[0], payload: Record<string, unknown>) => h.as(who, { method: 'POST', url: '/api/v1/quick-replies', payload });
      const a = await create(supervisor(sup), { shortcut: '/Horario', title: 'Horario', body: 'Abrimos de 9 a 18 h.', language: 'es' });
      expect(a.statusCode).toBe(201);
      expect(a.json()).toMatchObject({ shortcut: 'horario', language: 'es' });
      expect((await create(token, { shortcut: 'horario', title: 'Otro', body: 'x' })).json().error.code).toBe('shortcut_taken');
      expect((await create(agent(me, [sales]), { shortcut: 'mio', title: 'Mío', body: 'x' })).json().error.code).toBe('role_forbidden');
      expect((await create(token, { shortcut: 'a b', title: 'x', body: 'x' })).statusCode).toBe(400);
      await create(token, { shortcut: 'hours', title: 'Opening hours', body: 'We open 9–18.', language: 'en' });
      const found = (await h.as(agent(me, [sales]), '/api/v1/quick-replies?search=/hor')).json();
      expect(found.data.map((q: { shortcut: string }) => q.shortcut)).toEqual(['horario']);
      expect((await h.as(token, '/api/v1/quick-replies?language=en')).json().data.map((q: { shortcut: string }) => q.shortcut)).toEqual(['hours']);
      const patched = await h.as(token, { method: 'PATCH', url: `/api/v1/quick-replies/${a.json().id}`, payload: { body: 'Abrimos de 9 a 19 h.' } });
      expect(patched.json()).toMatchObject({ body: 'Abrimos de 9 a 19 h.', shortcut: 'horario' });
      expect((await h.as(token, { method: 'PATCH', url: `/api/v1/quick-replies/${a.json().id}`, payload: { shortcut: 'hours' } })).statusCode).toBe(409);
      expect((await h.as(token, { method: 'DELETE', url: `/api/v1/quick-replies/${a.json().id}` })).statusCode).toBe(204);
      expect((await h.as(token, { method: 'DELETE', url: `/api/v1/quick-replies/${a.json().id}` })).statusCode).toBe(404);

      const l = (await h.as(token, { method: 'POST', url: '/api/v1/labels', payload: { name: 'Urgente' } })).json();
      expect((await h.as(token, { method: 'POST', url: '/api/v1/labels', payload: { name: 'Urgente' } })).statusCode).toBe(409);
      expect((await h.as(token, { method: 'PATCH', url: `/api/v1/labels/${l.id}`, payload: { color: 'red' } })).json()).toMatchObject({ name: 'Urgente', color: 'red' });
      expect((await h.as(agent(me, [sales]), '/api/v1/labels')).json().data.map((x: { name: string }) => x.name)).toContain('Urgente');
      expect((await h.as(agent(me, [sales]), { method: 'DELETE', url: `/api/v1/labels/${l.id}` })).statusCode).toBe(403);
      expect((await h.as(token, { method: 'DELETE', url: `/api/v1/labels/${l.id}` })).statusCode).toBe(204);
    });
  });

  describe('routing', () => {
    it('routes a new conversation to the number’s team and its next available agent, and the sweep catches what the listener missed', async () => {
      const rr = await seedTeam(engine.store, 'Recepción', 'round_robin', [me, mate, off]);
      await setNumberTeam(engine.store, h.numberId, rr);
      const router = createRouter(h.ctx, { sweepMs: 3_600_000 });
      router.start();
      await router.idle();
      // The first sweep routed the team-less open conversation (Diego) to the team.
      const diego = (await engine.store.db.select().from(conversations).where(eq(conversations.id, conv.Diego!)))[0]!;
      expect(diego.teamId).toBe(rr);
      const first = diego.assigneeId;
      expect([me, mate]).toContain(first);

      await h.receive({ waId: '34610000010', name: 'Gala' }, new Date(base + 3 * 3_600_000));
      await router.idle();
      const [gala] = await engine.store.db.select().from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(contacts.profileName, 'Gala'));
      expect(gala!.conversations.teamId).toBe(rr);
      // Round robin: the other available member (Otto is disabled).
      expect(gala!.conversations.assigneeId).toBe(first === me ? mate : me);
      await router.stop();

      // Without the listener (a crash between commit and event), the sweep routes it.
      await h.receive({ waId: '34610000011', name: 'Hugo' }, new Date(base + 3 * 3_600_000 + 60_000));
      const [hugo] = await engine.store.db.select().from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(contacts.profileName, 'Hugo'));
      expect(hugo!.conversations.teamId).toBeNull();
      const swept = await router.sweep();
      expect(swept.map((r) => r.conversationId)).toEqual([hugo!.conversations.id]);
      expect(swept[0]!.assigneeId).toBe(first);
      expect(await router.sweep()).toEqual([]);
      await setNumberTeam(engine.store, h.numberId, null);
    });
  });
});
