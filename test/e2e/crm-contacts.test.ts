// Saved segments and merging duplicates from the contacts screens, in real Chromium against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, choose, chromiumSkipReason, errorOf, eventually, launchBrowser, newPage, screenshot, signIn, startCharla, type Charla } from './harness.ts';

const skip = chromiumSkipReason();
const SUPERVISOR = { email: 'sara.super@example.com', password: 'super-pass-123' };
const AGENT = { email: 'tomas.agent@example.com', password: 'agent-pass-123' };

interface Segment { id: string; name: string; filter: string }
interface ContactView { id: string; mergedInto: string | null; tags: string[] }

describe.skipIf(!!skip)('contacts: saved segments and duplicates in Chromium', { timeout: 60_000 }, () => {
  let charla: Charla;
  let browser: Browser;
  let page: Page;
  let older: ContactView;
  let newer: ContactView;

  beforeAll(async () => {
    buildWeb();
    charla = await startCharla();
    await charla.api('POST', '/api/v1/users', { ...SUPERVISOR, name: 'Sara Supervisora', role: 'supervisor', language: 'en' });
    await charla.api('POST', '/api/v1/users', { ...AGENT, name: 'Tomás Agente', role: 'agent', language: 'en' });
    // Three leads, two of them the same person under two numbers (same e-mail), and a customer.
    older = await charla.api<ContactView>('POST', '/api/v1/contacts', { name: 'Pepa Ruiz', phone: '+34 611 000 001', email: 'pepa@example.com', kind: 'lead', tags: ['feria'] });
    newer = await charla.api<ContactView>('POST', '/api/v1/contacts', { name: 'Pepa R.', phone: '+34 611 000 002', email: 'PEPA@example.com', kind: 'lead', tags: ['web'] });
    await charla.api('POST', '/api/v1/contacts', { name: 'Luis Gil', phone: '+34 611 000 003', kind: 'lead' });
    await charla.api('POST', '/api/v1/contacts', { name: 'Marta Sanz', phone: '+52 55 1234 0004', email: 'marta@example.com', kind: 'customer' });
    browser = (await launchBrowser()).browser;
    page = (await newPage(browser, 'en')).page;
    await signIn(page, charla.url, SUPERVISOR.email, SUPERVISOR.password, '/contacts');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await charla?.stop();
  });

  const segments = async () => (await charla.api<{ data: Segment[] }>('GET', '/api/v1/segments')).data;
  const savedButton = (name: string) => page.getByTestId('saved-segment').filter({ hasText: name });

  it('sorts the list by name and back to newest first', async () => {
    await page.getByTestId('contacts-table').waitFor();
    const names = async () => (await page.getByTestId('contacts-table').locator('tbody tr td:first-child').allTextContents());
    await eventually(async () => expect(await names()).toEqual(['Marta Sanz', 'Luis Gil', 'Pepa R.', 'Pepa Ruiz']));
    await choose(page, page.getByTestId('contact-sort'), 'Name A–Z');
    await eventually(async () => expect(await names()).toEqual(['Luis Gil', 'Marta Sanz', 'Pepa R.', 'Pepa Ruiz']));
    await choose(page, page.getByTestId('contact-sort'), 'Newest first');
    await eventually(async () => expect(await names()).toEqual(['Marta Sanz', 'Luis Gil', 'Pepa R.', 'Pepa Ruiz']));
  });

  it('saves the filter being written as a segment, shows its live count and applies it again', async () => {
    await page.getByTestId('contacts-table').waitFor();
    await page.getByTestId('segment-filter').fill('kind = lead');
    await eventually(async () => expect(await page.getByTestId('segment-count').textContent()).toMatch(/^3 contacts/));
    await page.getByRole('button', { name: 'Save as segment…' }).click();
    await page.getByLabel('Segment name').fill('Leads');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect(await savedButton('Leads').getByTestId('saved-segment-count').textContent()).toBe('3'));
    expect(await segments()).toMatchObject([{ name: 'Leads', filter: 'kind = lead' }]);

    // Clicking the applied segment clears the filter; clicking it again brings its filter back.
    await savedButton('Leads').click();
    expect(await page.getByTestId('segment-filter').inputValue()).toBe('');
    await savedButton('Leads').click();
    expect(await page.getByTestId('segment-filter').inputValue()).toBe('kind = lead');
    expect(await savedButton('Leads').getAttribute('aria-pressed')).toBe('true');
  });

  it('saves a changed filter over the segment applied, and the count follows', async () => {
    await page.getByTestId('segment-filter').fill('kind = lead and has email');
    await eventually(async () => expect(await page.getByTestId('segment-count').textContent()).toMatch(/^2 contacts/));
    await page.getByRole('button', { name: 'Save changes to “Leads”' }).click();
    await eventually(async () => expect(await segments()).toMatchObject([{ name: 'Leads', filter: 'kind = lead and has email' }]));
    await eventually(async () => expect(await savedButton('Leads').getByTestId('saved-segment-count').textContent()).toBe('2'));
    await screenshot(page, 'contacts-segments');
    // Exporting now exports the saved segment by its id.
    await eventually(async () => expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toMatch(/segmentId=/));
  });

  it('a filter the server rejects cannot be saved, and the error says where it is wrong', async () => {
    await page.getByTestId('segment-filter').fill('kind = = lead');
    await eventually(async () => expect(await page.getByText(/position|column|expected/i).count()).toBeGreaterThan(0));
    expect(await page.getByRole('button', { name: 'Save as segment…' }).isDisabled()).toBe(true);
  });

  it('merges a duplicate into the record chosen, keeping its tags and history', async () => {
    await page.getByRole('link', { name: 'Duplicates' }).click();
    const group = page.getByTestId('duplicate-group');
    await group.first().waitFor();
    expect(await group.count()).toBe(1);
    expect(await group.textContent()).toContain('Same e-mail: pepa@example.com');
    await screenshot(page, 'duplicates');
    // Keep the newer record this time.
    await group.getByRole('radio', { name: 'Keep Pepa R.' }).check();
    await group.getByRole('button', { name: 'Merge into the record kept' }).click();
    await page.getByRole('dialog').getByText('1 record(s) will be merged into “Pepa R.”').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByTestId('no-duplicates').waitFor();
    const gone = await charla.api<ContactView>('GET', `/api/v1/contacts/${older.id}`);
    expect(gone.mergedInto).toBe(newer.id);
    const kept = await charla.api<ContactView>('GET', `/api/v1/contacts/${newer.id}`);
    expect(kept.tags.sort()).toEqual(['feria', 'web']);
    // The saved segment's count follows the merge (one lead with an e-mail left).
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    await eventually(async () => expect(await savedButton('Leads').getByTestId('saved-segment-count').textContent()).toBe('1'));
  });

  it('merges a record the automatic check cannot see from the contact page, and the merged one points to it', async () => {
    const keep = await charla.api<ContactView>('POST', '/api/v1/contacts', { name: 'Carlos Díaz', phone: '+34 611 000 010', kind: 'customer' });
    const other = await charla.api<ContactView>('POST', '/api/v1/contacts', { name: 'Carlos D. (tienda)', phone: '+34 611 000 011', kind: 'lead', tags: ['tienda'] });
    await page.goto(`${charla.url}/contacts/${keep.id}`);
    await page.getByTestId('contact-page').waitFor();
    const search = page.getByTestId('merge-search');
    await search.fill('Carlos D');
    await page.getByRole('option', { name: /Carlos D\. \(tienda\)/ }).click();
    // The record itself is never offered.
    expect(await page.getByRole('option', { name: /Carlos Díaz/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Merge into this contact…' }).click();
    await page.getByRole('dialog').getByText('will be merged into “Carlos Díaz”').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
    await eventually(async () => expect((await charla.api<ContactView>('GET', `/api/v1/contacts/${other.id}`)).mergedInto).toBe(keep.id));
    expect((await charla.api<ContactView>('GET', `/api/v1/contacts/${keep.id}`)).tags).toEqual(['tienda']);
    // The merged record's page says where its history went.
    await page.goto(`${charla.url}/contacts/${other.id}`);
    await page.getByTestId('merged-banner').getByRole('link', { name: 'Open that contact' }).click();
    await eventually(async () => expect(page.url()).toContain(keep.id));
  });

  it('deletes a segment after asking', async () => {
    await page.goto(`${charla.url}/contacts`);
    await savedButton('Leads').click();
    await page.getByRole('button', { name: 'Delete “Leads”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => expect(await segments()).toEqual([]));
    await eventually(async () => expect(await page.getByTestId('saved-segment').count()).toBe(0));
  });

  it('copies a customer\'s message into a custom field from the conversation, and a value the field refuses says why', async () => {
    await charla.api('POST', '/api/v1/fields', { entity: 'contact', key: 'empresa', label: 'Empresa', type: 'text' });
    await charla.api('POST', '/api/v1/fields', { entity: 'contact', key: 'visitas', label: 'Visitas', type: 'number' });
    const persona = (await charla.sandbox<{ data: { id: string; wa_id: string }[] }>('GET', '/_sandbox/personas')).data[2]!;
    await charla.sandbox('POST', `/_sandbox/personas/${persona.id}/messages`, { type: 'text', text: { body: 'Ferretería López S.L.' } });
    let conv: { id: string; contact: { id: string; waId: string | null } } | undefined;
    await eventually(async () => {
      const list = await charla.api<{ data: { id: string; contact: { id: string; waId: string | null } }[] }>('GET', '/api/v1/inbox/conversations?view=all&state=open&limit=100');
      conv = list.data.find((c) => c.contact.waId === persona.wa_id);
      expect(conv).toBeDefined();
    });
    await page.goto(`${charla.url}/inbox/${conv!.id}`);
    const message = page.getByTestId('message').filter({ hasText: 'Ferretería López S.L.' });
    await message.getByTestId('copy-to-field').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Field').click();
    await page.getByRole('option', { name: 'Visitas' }).click();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    // A number field refuses the company name, and the dialog says so; nothing is stored.
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/visitas/i);
    await screenshot(page, 'copy-to-field');
    expect((await charla.api<{ fields: Record<string, unknown> }>('GET', `/api/v1/contacts/${conv!.contact.id}`)).fields.visitas).toBeUndefined();
    await dialog.getByLabel('Field').click();
    await page.getByRole('option', { name: 'Empresa' }).click();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied into “Empresa”').waitFor();
    expect((await charla.api<{ fields: Record<string, unknown> }>('GET', `/api/v1/contacts/${conv!.contact.id}`)).fields.empresa).toBe('Ferretería López S.L.');

    // The contact's own e-mail: the one address in the sentence is taken.
    await charla.sandbox('POST', `/_sandbox/personas/${persona.id}/messages`, { type: 'text', text: { body: 'Mi correo es Diego.S@Example.com, gracias' } });
    const withEmail = page.getByTestId('message').filter({ hasText: 'Mi correo es' });
    await withEmail.getByTestId('copy-to-field').click();
    await dialog.getByLabel('Field').click();
    await page.getByRole('option', { name: 'E-mail' }).click();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied into “E-mail”').waitFor();
    expect((await charla.api<{ email: string | null }>('GET', `/api/v1/contacts/${conv!.contact.id}`)).email).toBe('diego.s@example.com');

    // On the contact page each custom field has an input of its type, and a refused value is explained under it.
    await page.goto(`${charla.url}/contacts/${conv!.contact.id}`);
    const visits = page.locator('input[data-field="visitas"]');
    await visits.fill('muchas');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect(await errorOf(page, visits)).toMatch(/Visitas: "muchas" is not a number/));
    await visits.fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect((await charla.api<{ fields: Record<string, unknown> }>('GET', `/api/v1/contacts/${conv!.contact.id}`)).fields).toMatchObject({ visitas: 12, empresa: 'Ferretería López S.L.' }));
    // The record shows the fields by their labels.
    await eventually(async () => expect(await page.getByTestId('contact-field').filter({ hasText: 'Visitas' }).first().textContent()).toBe('Visitas12'));
  });

  it('an agent may filter but not save segments, and cannot open the duplicates', async () => {
    await charla.api('POST', '/api/v1/segments', { name: 'Customers', filter: 'kind = customer' });
    const agent = await newPage(browser, 'en');
    await signIn(agent.page, charla.url, AGENT.email, AGENT.password, '/contacts');
    await agent.page.getByTestId('saved-segment').first().waitFor();
    await agent.page.getByTestId('saved-segment').first().click();
    expect(await agent.page.getByTestId('segment-filter').inputValue()).toBe('kind = customer');
    expect(await agent.page.getByRole('button', { name: 'Save as segment…' }).count()).toBe(0);
    expect(await agent.page.getByRole('link', { name: 'Duplicates' }).count()).toBe(0);
    await agent.page.goto(`${charla.url}/contacts/duplicates`);
    await agent.page.getByTestId('no-access').waitFor();
    await agent.context.close();
  });
});
