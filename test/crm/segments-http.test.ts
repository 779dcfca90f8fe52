import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describeEachEngine } from '../helpers/store.ts';
import { testContext } from '../helpers/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { segmentRoutes } from '../../src/crm/segment-routes.ts';
import { segmentWhere } from '../../src/crm/segments.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { contactTags, customFields, tags } from '../../src/crm/schema.ts';

describeEachEngine('segments HTTP', (ctx) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const db = ctx.store.db;
    app = await buildApp({ store: ctx.store, logger: false });
    await app.register(segmentRoutes, { ctx: testContext(ctx.store) });
    await app.ready();
    await db.insert(customFields).values({ entity: 'contact', key: 'plan', label: 'Plan', type: 'choice', options: ['Gold', 'Silver'] });
    const people = await db.insert(contacts).values(
      Array.from({ length: 30 }, (_, i) => ({ waId: `3460000${String(i).padStart(4, '0')}`, name: `Cliente ${String(i).padStart(2, '0')}`, kind: i % 2 ? 'lead' : 'customer', country: 'ES', market: 'Spain', fields: i % 3 === 0 ? { plan: 'Gold' } : {} })),
    ).returning();
    const [vip] = await db.insert(tags).values({ name: 'VIP' }).returning();
    await db.insert(contactTags).values(people.slice(0, 5).map((p) => ({ contactId: p.id, tagId: vip!.id })));
  });
  afterAll(() => app.close());

  it('previews a filter: count and the first 20 contacts by name', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: { filter: 'kind = lead and country = ES' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.count).toBe(15);
    expect(body.sample).toHaveLength(15);
    expect(body.sample[0]).toMatchObject({ displayName: 'Cliente 01', kind: 'lead', country: 'ES' });
    const all = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: { filter: 'has phone' } });
    expect(all.json().count).toBe(30);
    expect(all.json().sample).toHaveLength(20);
  });

  it('answers a bad filter with 400, the position and the message in details', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: { filter: 'kind = lead and tag =' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'invalid_filter',
        message: 'Invalid filter: Expected a value after "=" at column 22; write e.g. tag = "vip"',
        details: { field: 'filter', message: 'Expected a value after "=" at column 22; write e.g. tag = "vip"', offset: 21, length: 0, line: 1, column: 22 },
      },
    });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: { filter: 'field.plna = Gold' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe('Invalid filter: Unknown custom field "plna" at column 1; did you mean field.plan? known fields: field.plan');
    const empty = await app.inject({ method: 'POST', url: '/api/v1/segments/preview', payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_request');
  });

  it('saves, lists, reads, counts, changes and deletes a segment', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/segments', payload: { name: ' Clientes VIP ', filter: 'tag = vip ' } });
    expect(created.statusCode).toBe(201);
    const seg = created.json();
    expect(seg).toMatchObject({ name: 'Clientes VIP', filter: 'tag = vip' });

    expect((await app.inject(`/api/v1/segments/${seg.id}`)).json()).toEqual(seg);
    expect((await app.inject('/api/v1/segments')).json().data.map((s: { id: string }) => s.id)).toContain(seg.id);
    expect((await app.inject(`/api/v1/segments/${seg.id}/count`)).json()).toMatchObject({ count: 5 });

    const patched = await app.inject({ method: 'PATCH', url: `/api/v1/segments/${seg.id}`, payload: { filter: 'tag = vip or field.plan = gold' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Clientes VIP', filter: 'tag = vip or field.plan = gold' });
    // 0..4 tagged, plus every third (0, 3, …, 27) on Gold: 5 + 10 - 2 overlap.
    expect((await app.inject(`/api/v1/segments/${seg.id}/count`)).json().count).toBe(13);

    const bad = await app.inject({ method: 'PATCH', url: `/api/v1/segments/${seg.id}`, payload: { filter: 'tag = vip or' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject({ column: 13 });

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/segments/${seg.id}` })).statusCode).toBe(204);
    const gone = await app.inject(`/api/v1/segments/${seg.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('segment_not_found');
  });

  it('refuses to save an invalid filter or a blank name; unknown ids are 404', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/v1/segments', payload: { name: 'x', filter: 'country = Spain' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toMatchObject({ column: 11, length: 5 });
    const blank = await app.inject({ method: 'POST', url: '/api/v1/segments', payload: { name: '  ', filter: 'kind = lead' } });
    expect(blank.statusCode).toBe(400);
    expect((await app.inject('/api/v1/segments/not-a-uuid')).statusCode).toBe(404);
    expect((await app.inject('/api/v1/segments/00000000-0000-4000-8000-000000000000/count')).statusCode).toBe(404);
  });

  it('says when a saved segment names a field that was deleted since', async () => {
    const seg = (await app.inject({ method: 'POST', url: '/api/v1/segments', payload: { name: 'Oro', filter: 'field.plan = gold' } })).json();
    await ctx.store.db.delete(customFields);
    const res = await app.inject(`/api/v1/segments/${seg.id}/count`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('segment_filter_outdated');
  });

  it('puts values in parameters, never in the SQL text', async () => {
    const where = await segmentWhere(ctx.store.db, `name = "x'); drop table contacts; --" or tag = "o'hara"`);
    const q = new PgDialect().sqlToQuery(where);
    expect(q.sql).not.toMatch(/drop table|o'hara/);
    expect(q.params).toEqual(expect.arrayContaining(["x'); drop table contacts; --", "o'hara"]));
  });
});
