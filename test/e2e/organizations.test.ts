// Organizations: the list, one organization's page (custom fields, contacts, "See in contacts", rename, delete),
// in real Chromium against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, choose, errorOf, chromiumSkipReason, eventually, launchBrowser, newPage, screenshot, signIn, startCharla, type Charla } from './harness.ts';

const skip = chromiumSkipReason();
const SUPERVISOR = { email: 'sara.super@example.com', password: 'super-pass-123' };
const AGENT = { email: 'tomas.agent@example.com', password: 'agent-pass-123' };
// Quotes in the name: the link to the contacts list must escape them as the segment language reads them.
const NAME = 'Ferretería "El Clavo"';

interface Org { id: string; name: string; domain: string | null; kind: string; contacts: number; fields: Record<string, unknown> }
interface Contact { id: string; organizationId: string | null; organization?: { id: string; name: string } | null }

describe.skipIf(!!skip)('organizations in Chromium', { timeout: 90_000 }, () => {
  let charla: Charla;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildWeb();
    charla = await startCharla();
    await charla.api('POST', '/api/v1/users', { ...SUPERVISOR, name: 'Sara Supervisora', role: 'supervisor', language: 'en' });
    await charla.api('POST', '/api/v1/users', { ...AGENT, name: 'Tomás Agente', role: 'agent', language: 'en' });
    await charla.api('POST', '/api/v1/fields', { entity: 'organization', key: 'employees', label: 'Employees', type: 'number' });
    await charla.api('POST', '/api/v1/fields', { entity: 'organization', key: 'sector', label: 'Sector', type: 'choice', options: ['Hardware', 'Software'] });
    // Someone in no organization, so the filtered list has something to leave out.
    await charla.api('POST', '/api/v1/contacts', { name: 'Marta Sanz', phone: '+34 622 000 222', kind: 'customer' });
    browser = (await launchBrowser()).browser;
    page = (await newPage(browser, 'en')).page;
    await signIn(page, charla.url, SUPERVISOR.email, SUPERVISOR.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await charla?.stop();
  });

  it('a supervisor creates one, fills its custom fields, sees its contacts and finds them in the contacts list, renames and deletes it', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Organizations', exact: true }).click();
    await page.getByTestId('orgs-empty').waitFor();
    const form = page.getByTestId('org-form');
    await form.getByLabel(/^name/i).fill(NAME);
    await form.getByLabel(/^web domain/i).fill('Ferreteria-El-Clavo.es');
    await choose(page, form.getByLabel(/^type/i), 'Supplier');
    await form.getByRole('button', { name: 'Create organization' }).click();
    const row = page.getByTestId('org-row').filter({ hasText: NAME });
    await row.waitFor();
    const org = (await charla.api<{ data: Org[] }>('GET', '/api/v1/organizations')).data[0]!;
    expect(org).toMatchObject({ name: NAME, domain: 'ferreteria-el-clavo.es', kind: 'supplier', contacts: 0 });

    // Search is by name prefix, ignoring case.
    const search = page.getByLabel(/^search by name/i);
    await search.fill('zz');
    await page.getByText('No organization name starts with "zz".').waitFor();
    await search.fill('ferr');
    await row.waitFor();
    await search.fill('');

    // A contact linked through the API counts in the list and shows on the page.
    const juan = await charla.api<Contact>('POST', '/api/v1/contacts', { name: 'Juan López', phone: '+34 622 000 111', email: 'juan@elclavo.es', kind: 'supplier', organizationId: org.id });
    await page.reload();
    await eventually(async () => expect((await row.locator('td').allTextContents()).map((s) => s.trim())).toEqual([NAME, 'ferreteria-el-clavo.es', 'Supplier', '1']));
    await row.getByRole('link', { name: NAME }).click();
    await page.waitForURL(`**/organizations/${org.id}`);
    await page.getByTestId('org-name').filter({ hasText: NAME }).waitFor();
    const people = page.getByTestId('org-contacts');
    await people.getByRole('link', { name: 'Juan López' }).waitFor();
    expect((await people.locator('tbody tr td').allTextContents()).map((s) => s.trim())).toEqual(['Juan López', '+34622000111', 'Supplier', 'juan@elclavo.es']);

    // Custom fields: a value the field's type refuses shows the server's reason under it and stores nothing.
    const editor = page.getByTestId('org-edit');
    const employees = editor.getByLabel('Employees');
    await employees.fill('muchos');
    await choose(page, editor.getByLabel('Sector'), 'Hardware');
    await editor.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect(await errorOf(page, employees)).toMatch(/Employees: "muchos" is not a number/));
    expect((await charla.api<Org>('GET', `/api/v1/organizations/${org.id}`)).fields).toEqual({});
    await employees.fill('250');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const shown = async (key: string) => (await page.getByTestId('org-field').and(page.locator(`[data-key="${key}"]`)).locator('td').textContent())?.trim();
    await eventually(async () => expect(await shown('employees')).toBe('250'));
    expect(await shown('sector')).toBe('Hardware');
    expect((await charla.api<Org>('GET', `/api/v1/organizations/${org.id}`)).fields).toEqual({ employees: 250, sector: 'Hardware' });
    await screenshot(page, 'organization');

    // "See in contacts": the contacts list with the filter for this organization in the box, and only its contact.
    await page.getByRole('link', { name: 'See in contacts' }).click();
    await page.waitForURL(/\/contacts\?filter=/);
    expect(await page.getByTestId('segment-filter').inputValue()).toBe('organization = "Ferretería \\"El Clavo\\""');
    await eventually(async () => expect(await page.getByTestId('segment-count').textContent()).toMatch(/^1 contacts match/));
    const table = page.getByTestId('contacts-table');
    await table.getByRole('link', { name: 'Juan López' }).waitFor();
    await eventually(async () => expect(await table.getByRole('link', { name: 'Marta Sanz' }).count()).toBe(0));
    await page.goBack();

    // Rename: the page, the list and the API follow.
    await page.getByTestId('org-name').filter({ hasText: NAME }).waitFor();
    await editor.getByLabel(/^name/i).fill('Ferretería El Clavo e Hijos');
    await editor.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('org-name').filter({ hasText: 'Ferretería El Clavo e Hijos' }).waitFor();
    expect((await charla.api<Org>('GET', `/api/v1/organizations/${org.id}`)).name).toBe('Ferretería El Clavo e Hijos');
    // The other values were not sent again and are as saved.
    expect((await charla.api<Org>('GET', `/api/v1/organizations/${org.id}`)).fields).toEqual({ employees: 250, sector: 'Hardware' });

    // Delete asks first, says the contacts stay, and goes back to the list; the contact survives without an organization.
    await page.getByRole('button', { name: 'Delete organization' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/contacts \(1\) stay.*unlinked/).waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/\/organizations$/);
    await page.getByTestId('orgs-empty').waitFor();
    const after = await charla.api<Contact>('GET', `/api/v1/contacts/${juan.id}`);
    expect(after).toMatchObject({ id: juan.id, organizationId: null, organization: null });
    await expect(charla.api('GET', `/api/v1/organizations/${org.id}`)).rejects.toThrow(/404/);
  });

  it('an agent sees the organization pages, follows a contact and back, but has no Delete', async () => {
    const org = await charla.api<Org>('POST', '/api/v1/organizations', { name: 'Talleres Ruiz', kind: 'customer' });
    await charla.api('POST', '/api/v1/contacts', { name: 'Rosa Ruiz', phone: '+34 622 000 333', kind: 'customer', organizationId: org.id });
    const agent = await newPage(browser, 'en');
    const p = agent.page;
    await signIn(p, charla.url, AGENT.email, AGENT.password);
    await p.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Organizations', exact: true }).click();
    await p.getByTestId('org-row').filter({ hasText: 'Talleres Ruiz' }).getByRole('link', { name: 'Talleres Ruiz' }).click();
    await p.getByTestId('org-contacts').getByRole('link', { name: 'Rosa Ruiz' }).waitFor();
    await p.getByRole('link', { name: 'See in contacts' }).waitFor();
    await p.getByTestId('org-edit').waitFor();
    expect(await p.getByRole('button', { name: 'Delete organization' }).count()).toBe(0);

    // The contact page names the organization as a link back to it.
    await p.getByTestId('org-contacts').getByRole('link', { name: 'Rosa Ruiz' }).click();
    await p.getByTestId('contact-summary').getByRole('link', { name: 'Talleres Ruiz' }).click();
    await p.waitForURL(`**/organizations/${org.id}`);
    await p.getByTestId('org-name').filter({ hasText: 'Talleres Ruiz' }).waitFor();
    await agent.context.close();
  });
});
