// Settings → custom fields, suppression list and opt-out confirmations, in real Chromium against the real server
// (organizations have their own screens: organizations.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, choose, errorOf, chromiumSkipReason, eventually, launchBrowser, newPage, screenshot, signIn, startCharla, type Charla } from './harness.ts';

const skip = chromiumSkipReason();
const ADMIN = { email: 'ana.admin@example.com', password: 'admin-pass-123' };
const ADMIN_ES = { email: 'eva.admin@example.com', password: 'admin-pass-456' };

interface Field { key: string; label: string; type: string; options: string[] | null }
interface Suppression { id: string; identifier: string; reason: string | null; createdBy: string | null }

describe.skipIf(!!skip)('CRM settings in Chromium', { timeout: 90_000 }, () => {
  let charla: Charla;
  let browser: Browser;
  let closeBrowser: () => void;
  let page: Page;
  let adminId: string;

  beforeAll(async () => {
    buildWeb();
    charla = await startCharla();
    adminId = (await charla.api<{ id: string }>('POST', '/api/v1/users', { ...ADMIN, name: 'Ana Admin', role: 'admin', language: 'en' })).id;
    await charla.api('POST', '/api/v1/users', { ...ADMIN_ES, name: 'Eva Admin', role: 'admin', language: 'es' });
    const b = await launchBrowser();
    browser = b.browser;
    closeBrowser = b.cleanup;
    page = (await newPage(browser, 'en')).page;
    await signIn(page, charla.url, ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    closeBrowser?.();
    await charla?.stop();
  });

  it('custom fields: creates a number and a choice field, shows a bad key\'s error, edits and deletes', async () => {
    await page.goto(`${charla.url}/settings/fields`);
    await page.getByRole('tab', { name: 'Custom fields', selected: true }).waitFor();
    await page.getByTestId('fields-empty').waitFor();
    const form = page.getByTestId('field-form');

    // A number field: the key follows the label until typed by hand.
    await form.getByLabel(/^name/i).fill('Monthly spend');
    expect(await form.getByLabel(/^key/i).inputValue()).toBe('monthly_spend');
    await choose(page, form.getByLabel(/^type/i), 'Number');
    await form.getByRole('button', { name: 'Create field' }).click();
    const spend = page.getByTestId('field-row').and(page.locator('[data-key="monthly_spend"]'));
    await spend.waitFor();
    expect(await spend.textContent()).toContain('Number');
    expect(await form.getByLabel(/^name/i).inputValue()).toBe('');

    // A choice field with options typed into the options editor.
    await form.getByLabel(/^name/i).fill('Plan');
    await choose(page, form.getByLabel(/^type/i), 'One of a list');
    const options = form.getByLabel(/^options/i);
    for (const o of ['Basic', 'Pro', 'Enterprise']) {
      await options.fill(o);
      await options.press('Enter');
    }
    await form.getByRole('button', { name: 'Create field' }).click();
    const plan = page.getByTestId('field-row').and(page.locator('[data-key="plan"]'));
    await plan.waitFor();
    for (const o of ['Basic', 'Pro', 'Enterprise']) await plan.getByText(o, { exact: true }).waitFor();

    // The server has them, typed as chosen.
    const fields = (await charla.api<{ data: Field[] }>('GET', '/api/v1/fields?entity=contact')).data;
    expect(fields.map((f) => ({ key: f.key, type: f.type, options: f.options }))).toEqual([
      { key: 'monthly_spend', type: 'number', options: null },
      { key: 'plan', type: 'choice', options: ['Basic', 'Pro', 'Enterprise'] },
    ]);

    // A bad key: the server's explanation is shown on the key input, which gets the focus.
    await form.getByLabel(/^name/i).fill('Birth date');
    const key = form.getByLabel(/^key/i);
    await key.fill('Birth Date!');
    await form.getByRole('button', { name: 'Create field' }).click();
    await eventually(async () => expect(await errorOf(page, key)).toMatch(/key: use lowercase letters, digits and _/));
    expect(await key.evaluate((el) => el.matches(':focus'))).toBe(true);
    // A taken key says so on the same input.
    await key.fill('plan');
    await form.getByRole('button', { name: 'Create field' }).click();
    await eventually(async () => expect(await errorOf(page, key)).toMatch(/already exists/));
    expect((await charla.api<{ data: Field[] }>('GET', '/api/v1/fields')).data).toHaveLength(2);
    await screenshot(page, 'settings-fields');

    // Edit: the label and the options can change (key and type cannot).
    await plan.getByRole('button', { name: 'Edit Plan' }).click();
    const editor = page.getByTestId('field-edit');
    await editor.getByLabel(/^name/i).fill('Subscription plan');
    const editOptions = editor.getByLabel(/^options/i);
    await editOptions.fill('Free');
    await editOptions.press('Enter');
    await editor.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => expect(await plan.textContent()).toMatch(/Subscription plan.*Free/));
    expect((await charla.api<{ data: Field[] }>('GET', '/api/v1/fields')).data.find((f) => f.key === 'plan')).toMatchObject({ label: 'Subscription plan', options: ['Basic', 'Pro', 'Enterprise', 'Free'] });

    // Delete asks first.
    await spend.getByRole('button', { name: 'Delete Monthly spend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/kept but hidden/).waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await spend.waitFor({ state: 'detached' });
    expect((await charla.api<{ data: Field[] }>('GET', '/api/v1/fields')).data.map((f) => f.key)).toEqual(['plan']);
  });

  it('suppression list: a bad number shows the server\'s error; adds a number with who and when, then removes it', async () => {
    await page.goto(`${charla.url}/settings/suppressions`);
    await page.getByTestId('suppressions-empty').waitFor();
    const form = page.getByTestId('suppression-form');
    const number = form.getByLabel(/^number or bsuid/i);

    await number.fill('12345');
    await form.getByRole('button', { name: 'Add to the list' }).click();
    await eventually(async () => expect(await errorOf(page, number)).toMatch(/identifier: .*give a phone number or a BSUID/));

    // A national number with its country; the server stores the normalised wa_id.
    await number.fill('699 11 22 33');
    await form.getByLabel(/^country/i).fill('es');
    await form.getByLabel(/^reason/i).fill('Pidió no recibir mensajes');
    await form.getByRole('button', { name: 'Add to the list' }).click();
    const row = page.getByTestId('suppression-row').and(page.locator('[data-identifier="34699112233"]'));
    await row.waitFor();
    // Who added it is named once the staff list has loaded (a separate request).
    await eventually(async () => expect(await row.textContent()).toContain('Ana Admin'));
    const text = await row.textContent();
    expect(text).toContain('+34699112233');
    expect(text).toContain('Pidió no recibir mensajes');
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await number.inputValue()).toBe('');
    const stored = (await charla.api<{ data: Suppression[] }>('GET', '/api/v1/suppressions')).data;
    expect(stored).toEqual([expect.objectContaining({ identifier: '34699112233', reason: 'Pidió no recibir mensajes', createdBy: adminId })]);
    await screenshot(page, 'settings-suppressions');

    await row.getByRole('button', { name: 'Remove +34699112233' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('suppressions-empty').waitFor();
    expect((await charla.api<{ data: Suppression[] }>('GET', '/api/v1/suppressions')).data).toEqual([]);
  });

  it('the old Settings → Organizations address leads to the Organizations screen', async () => {
    await page.goto(`${charla.url}/settings/organizations`);
    await page.waitForURL(/\/organizations$/);
    await page.getByTestId('organizations-page').waitFor();
    await page.goto(`${charla.url}/settings/fields`);
    await page.getByRole('tab', { name: 'Custom fields', selected: true }).waitFor();
    expect(await page.getByRole('tab', { name: 'Organizations', exact: true }).count()).toBe(0);
  });

  it('opt-out keywords: edits the Spanish confirmation, and a customer who writes BAJA gets it', async () => {
    await page.goto(`${charla.url}/settings/keywords`);
    const confirmation = page.getByLabel('After an opt-out (Spanish)');
    await confirmation.waitFor();
    expect(await confirmation.inputValue()).toMatch(/no te enviaremos/);
    await confirmation.fill('Te dimos de baja. Escribe ALTA para volver.');
    await page.getByLabel('After an opt-out (Portuguese)').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved').waitFor();
    const stored = await charla.api<{ confirmations: { optOut: Record<string, string> } }>('GET', '/api/v1/settings/consent-keywords');
    expect(stored.confirmations.optOut.es).toBe('Te dimos de baja. Escribe ALTA para volver.');
    expect(stored.confirmations.optOut.pt).toBeUndefined(); // emptied: Portuguese speakers get the Spanish text
    expect(stored.confirmations.optOut.en).toMatch(/promotional/);

    // A customer with a Spanish-speaking number opts out and receives the new text inside the window.
    const personas = (await charla.sandbox<{ data: { id: string; wa_id: string }[] }>('GET', '/_sandbox/personas')).data;
    const p = personas.find((x) => /^(34|52|54|57)/.test(x.wa_id))!;
    await charla.sandbox('POST', `/_sandbox/personas/${p.id}/messages`, { type: 'text', text: { body: 'BAJA' } });
    await eventually(async () => {
      const contacts = await charla.api<{ data: { id: string; waId: string | null }[] }>('GET', `/api/v1/contacts?q=%2B${p.wa_id}`);
      const id = contacts.data.find((c) => c.waId === p.wa_id)?.id;
      expect(id).toBeDefined();
      const history = await charla.api<{ data: { direction: string; content: { text?: { body?: string } } }[] }>('GET', `/api/v1/contacts/${id}/messages`);
      expect(history.data.filter((m) => m.direction === 'out').map((m) => m.content.text?.body)).toContain('Te dimos de baja. Escribe ALTA para volver.');
    }, 15_000);
  });

  it('speaks Spanish to a Spanish-speaking admin', async () => {
    const es = await newPage(browser, 'es');
    await signIn(es.page, charla.url, ADMIN_ES.email, ADMIN_ES.password);
    await es.page.goto(`${charla.url}/settings/suppressions`);
    await es.page.getByRole('tab', { name: 'Lista de exclusión', selected: true }).waitFor();
    await es.page.getByRole('tab', { name: 'Campos personalizados' }).waitFor();
    await es.page.getByRole('button', { name: 'Añadir a la lista' }).waitFor();
    await es.context.close();
  });
});
