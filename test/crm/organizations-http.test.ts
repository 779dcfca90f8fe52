import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../helpers/store.ts';
import { asUser, signIn, testApi, type TestApi } from '../helpers/api.ts';

describeEachEngine('deleting an organization over HTTP', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi(engine.store);
  });
  afterAll(() => api.close());

  it('unlinks its contacts (they stay), removes it from the list, refuses agents and 404s the second time', async () => {
    const org = (await api.call({ method: 'POST', url: '/api/v1/organizations', payload: { name: 'Talleres Ruiz', kind: 'customer' } })).json() as { id: string };
    const other = (await api.call({ method: 'POST', url: '/api/v1/organizations', payload: { name: 'Talleres Gómez' } })).json() as { id: string };
    const ids: string[] = [];
    for (const [name, phone] of [['Rosa Ruiz', '+34 622 100 001'], ['Paco Ruiz', '+34 622 100 002']] as const) {
      const c = await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name, phone, organizationId: org.id } });
      expect(c.statusCode).toBe(201);
      ids.push((c.json() as { id: string }).id);
    }
    const elsewhere = (await api.call({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Ana Gómez', organizationId: other.id } })).json() as { id: string };

    // An agent may read and edit organizations but not delete one.
    const asAgent = asUser(api, await signIn(api, 'agent'));
    expect((await asAgent(`/api/v1/organizations/${org.id}`)).statusCode).toBe(200);
    const refused = await asAgent({ method: 'DELETE', url: `/api/v1/organizations/${org.id}` });
    expect(refused.statusCode).toBe(403);
    expect((await api.call(`/api/v1/organizations/${org.id}`)).json()).toMatchObject({ contacts: [{ name: 'Rosa Ruiz' }, { name: 'Paco Ruiz' }] });

    const asSupervisor = asUser(api, await signIn(api, 'supervisor'));
    const deleted = await asSupervisor({ method: 'DELETE', url: `/api/v1/organizations/${org.id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');

    // The contacts survive, unlinked; the other organization's contact is untouched.
    for (const id of ids) {
      const c = await api.call(`/api/v1/contacts/${id}`);
      expect(c.statusCode).toBe(200);
      expect(c.json()).toMatchObject({ organizationId: null, organization: null });
    }
    expect((await api.call(`/api/v1/contacts/${elsewhere.id}`)).json()).toMatchObject({ organizationId: other.id, organization: { name: 'Talleres Gómez' } });
    const list = (await api.call('/api/v1/organizations?q=talleres')).json() as { data: { id: string; contacts: number }[] };
    expect(list.data).toEqual([expect.objectContaining({ id: other.id, contacts: 1 })]);
    expect((await api.call(`/api/v1/organizations/${org.id}`)).statusCode).toBe(404);
    // A segment by its name now matches nobody.
    const preview = await api.call({ method: 'POST', url: '/api/v1/segments/preview', payload: { filter: 'organization = "Talleres Ruiz"' } });
    expect(preview.json()).toMatchObject({ count: 0 });

    const again = await asSupervisor({ method: 'DELETE', url: `/api/v1/organizations/${org.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('organization_not_found');
  });
});
