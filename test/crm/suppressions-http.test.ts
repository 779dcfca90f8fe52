import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/store.ts';
import { asUser, signIn, testApi, type TestApi } from '../helpers/api.ts';

describeEachEngine('suppression list over HTTP', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi(engine.store);
  });
  afterAll(() => api.close());

  it('records who suppressed a number: the signed-in person by user id, the API token as "api"', async () => {
    const admin = await signIn(api, 'admin', { name: 'Ana Admin' });
    const asAdmin = asUser(api, admin);
    const byPerson = await asAdmin({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: '611 22 33 44', defaultCountry: 'ES', reason: 'pidió la baja' } });
    expect(byPerson.statusCode).toBe(201);
    expect(byPerson.json()).toMatchObject({ identifier: '34611223344', reason: 'pidió la baja', createdBy: admin.user.id });
    const byToken = await api.call({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: '+52 55 1234 5678' } });
    expect(byToken.json()).toMatchObject({ identifier: '525512345678', createdBy: 'api' });

    const list = (await asAdmin('/api/v1/suppressions')).json().data as { id: string; identifier: string; createdBy: string; createdAt: string }[];
    expect(list.map((s) => s.createdBy).sort()).toEqual([admin.user.id, 'api'].sort());
    expect(Number.isNaN(Date.parse(list[0]!.createdAt))).toBe(false);

    const bad = await asAdmin({ method: 'POST', url: '/api/v1/suppressions', payload: { identifier: '12345' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_identifier', message: expect.stringMatching(/^identifier: /) });

    const removed = await asAdmin({ method: 'DELETE', url: `/api/v1/suppressions/${byPerson.json().id}` });
    expect(removed.statusCode).toBe(204);
    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/suppressions/${byPerson.json().id}` })).statusCode).toBe(404);
  });
});
