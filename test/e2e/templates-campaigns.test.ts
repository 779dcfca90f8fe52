// Templates and campaigns end to end in real Chromium: write a template in the editor (a validation problem
// appears while typing, then is fixed), submit it, approve it through the sandbox, and send it as a small
// campaign to three sandbox customers with marketing consent: estimate, launch, progress.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, chromiumSkipReason, eventually, launchBrowser, newPage, screenshot, signIn, startCharla, type Charla } from './harness.ts';

const skip = chromiumSkipReason();
const ADMIN = { email: 'eva.admin@example.com', password: 'admin-pass-456' };
const AGENT = { email: 'pablo.agent@example.com', password: 'agent-pass-456' };
const TAG = 'campana_e2e';
const NAME = 'aviso_novedades_e2e';

interface Persona { id: string; wa_id: string; name?: string; opted_out?: boolean; blocked?: boolean }

describe.skipIf(!!skip)('templates and campaigns in Chromium', { timeout: 90_000 }, () => {
  let charla: Charla;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildWeb();
    charla = await startCharla();
    await charla.api('POST', '/api/v1/users', { ...ADMIN, name: 'Eva Admin', role: 'admin', language: 'en' });
    await charla.api('POST', '/api/v1/users', { ...AGENT, name: 'Pablo Agente', role: 'agent', language: 'es' });
    await charla.api('POST', '/api/v1/templates/sync', {});
    const csv = readFileSync('/work/shared/ratecards/example-usd.csv', 'utf8');
    await charla.api('POST', '/api/v1/rate-cards', { name: 'Ejemplo USD', csv, currency: 'USD', effectiveFrom: '2025-07-01' });
    // Three customers with a recorded marketing opt-in, tagged for the campaign.
    const personas = ((await charla.sandbox<{ data?: Persona[]; personas?: Persona[] }>('GET', '/_sandbox/personas')).data ?? []).filter((p) => p.wa_id && !p.opted_out && !p.blocked);
    for (const p of personas.slice(0, 3)) {
      const c = await charla.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+${p.wa_id}`, name: p.name ?? `Cliente ${p.id}`, tags: [TAG] });
      await charla.api('POST', `/api/v1/contacts/${c.id}/consents`, { category: 'marketing', state: 'opted_in', source: 'api', evidence: 'Marcó la casilla de novedades en la web' });
    }
    const b = await launchBrowser();
    browser = b.browser;
    page = (await newPage(browser, 'en')).page;
    await signIn(page, charla.url, ADMIN.email, ADMIN.password, '/templates');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await charla?.stop();
  });

  it('writes a template: a variable at the start of the body is flagged while typing, fixed, submitted and approved', async () => {
    await page.getByTestId('tpl-new').click();
    await page.getByTestId('template-editor').waitFor();
    await page.getByTestId('tpl-name').fill(NAME);
    await page.getByLabel(/^Category/).first().click();
    await page.getByRole('option', { name: 'Marketing' }).click();
    const body = page.getByTestId('tpl-body');
    await body.pressSequentially('{{1}} tenemos novedades');
    const leading = page.locator('[data-testid="tpl-problem"][data-code="variable.leading"]');
    await leading.waitFor({ timeout: 5_000 });
    expect(await leading.textContent()).toMatch(/start/i);
    expect(await page.locator('.hl-backdrop mark').count()).toBeGreaterThan(0);
    await page.getByTestId('example-body-1').fill('Lucía');
    await screenshot(page, 'template-editor');
    await body.fill('Hola {{1}}, esta semana tenemos novedades para ti en la tienda. ¡Te esperamos!');
    await page.getByTestId('tpl-footer').fill('Responde BAJA para no recibir más');
    await leading.waitFor({ state: 'detached' });
    await page.getByTestId('tpl-valid').waitFor();
    await page.getByTestId('tpl-submit').click();
    await page.getByTestId('template-detail').waitFor();
    await page.locator('[data-testid="tpl-status"][data-status="PENDING"]').waitFor();
    // Meta's review, played by the sandbox.
    await charla.sandbox('POST', `/_sandbox/templates/${NAME}:es/status`, { status: 'APPROVED' });
    await eventually(async () => {
      const list = await charla.api<{ data: { name: string; status: string }[] }>('GET', `/api/v1/templates?q=${NAME}`);
      expect(list.data.find((x) => x.name === NAME)?.status).toBe('APPROVED');
    }, 15_000);
    // The screen follows the review live (template.updated on the event stream): no reload.
    await page.locator('[data-testid="tpl-status"][data-status="APPROVED"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('tpl-history').textContent()).toMatch(/submitted/);
  });

  it('sends it as a campaign: audience by filter with a live count, mapping, estimate, launch, progress, an error in words', async () => {
    await page.goto(`${charla.url}/campaigns`);
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-wizard').waitFor();
    await page.getByTestId('campaign-name').fill('Novedades de la semana');
    await page.getByTestId('campaign-filter').fill(`tag = ${TAG}`);
    await eventually(async () => expect(await page.getByTestId('campaign-filter-count').textContent()).toMatch(/^3 /));
    await page.getByTestId('campaign-filter-add').click();
    await page.getByTestId('audience-source').waitFor();
    await page.getByTestId('campaign-next').click();
    await page.getByTestId('campaign-template').click();
    await page.getByRole('option', { name: new RegExp(NAME) }).click();
    await page.getByTestId('mapping-table').waitFor();
    await page.getByLabel('Source for Body {{1}}').first().click();
    await page.getByRole('option', { name: 'first_name', exact: true }).click();
    await page.getByLabel('Fallback for Body {{1}}').fill('cliente');
    await page.getByTestId('campaign-next').click();
    await page.getByTestId('campaign-next').click(); // schedule: now → estimate
    await page.getByTestId('campaign-estimate').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('estimate-included').textContent()).toMatch(/^3 will receive it/);
    expect(await page.getByTestId('estimate-total').textContent()).toMatch(/\$|US/);
    await screenshot(page, 'campaign-estimate');
    await page.getByTestId('campaign-next').click();
    // Meta will refuse the first send as undeliverable (131026).
    await charla.sandbox('POST', '/_sandbox/faults', { code: 131026, count: 1 });
    await page.getByTestId('campaign-launch').click();
    await page.getByTestId('campaign-detail').waitFor();
    await eventually(async () => {
      expect(Number(await page.getByTestId('funnel-delivered').getAttribute('data-count'))).toBe(2);
      expect(Number(await page.getByTestId('funnel-failed').getAttribute('data-count'))).toBe(1);
    }, 30_000);
    await page.locator('[data-testid="recipient-row"]').nth(2).waitFor();
    // The recipients table follows the funnel: two delivered, one failed with the error in words.
    await eventually(async () => {
      const rows = await page.getByTestId('recipient-row').allTextContents();
      expect(rows.filter((r) => /Delivered/.test(r))).toHaveLength(2);
      expect(rows.filter((r) => /Failed/.test(r) && /131026/.test(r))).toHaveLength(1);
    }, 15_000);
    // The error is grouped by code and explained in the user's language (English here).
    await eventually(async () => expect(await page.getByTestId('error-group').first().textContent()).toMatch(/131026.*could not be delivered.*Check the number/s), 15_000);
    await screenshot(page, 'campaign-results');
  });

  it('an agent has no Campaigns entry and gets "No access" on the URL', async () => {
    const agent = await newPage(browser, 'es');
    await signIn(agent.page, charla.url, AGENT.email, AGENT.password);
    expect(await agent.page.getByRole('link', { name: /campañas/i }).count()).toBe(0);
    await agent.page.goto(`${charla.url}/campaigns`);
    await agent.page.getByTestId('no-access').waitFor();
    await agent.context.close();
  });
});
