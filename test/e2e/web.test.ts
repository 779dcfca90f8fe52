// The web app end to end in real Chromium against the real server and the Cloud API sandbox.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, chromiumSkipReason, eventually, launchBrowser, newPage, screenshot, signIn, startCharla, type Charla } from './harness.ts';

const skip = chromiumSkipReason();
const ADMIN = { email: 'ana.admin@example.com', password: 'admin-pass-123' };
const AGENT = { email: 'luis.agent@example.com', password: 'agent-pass-123' };

interface Persona { id: string; wa_id: string; name?: string }
interface Conv { id: string; contact: { id: string; displayName: string | null } }

describe.skipIf(!!skip)('web app in Chromium', { timeout: 60_000 }, () => {
  let charla: Charla;
  let browser: Browser;
  let closeBrowser: () => void;
  let page: Page;
  let personas: Persona[];
  let salesTeam: string;
  let supportTeam: string;

  beforeAll(async () => {
    buildWeb();
    charla = await startCharla();
    const sales = await charla.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Ventas' });
    const support = await charla.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Soporte' });
    salesTeam = sales.id;
    supportTeam = support.id;
    await charla.api('POST', '/api/v1/users', { ...ADMIN, name: 'Ana Admin', role: 'admin', language: 'en' });
    await charla.api('POST', '/api/v1/users', { ...AGENT, name: 'Luis Agente', role: 'agent', language: 'es', teamIds: [salesTeam] });
    // The template library is filled from the (sandbox) Cloud API.
    await charla.api('POST', '/api/v1/templates/sync', {});
    await charla.api('POST', '/api/v1/quick-replies', { shortcut: 'hola', title: 'Saludo', body: '¡Hola! Gracias por escribirnos. ¿En qué podemos ayudarte?' });
    personas = (await charla.sandbox<{ data?: Persona[]; personas?: Persona[] }>('GET', '/_sandbox/personas')).data ?? [];
    const b = await launchBrowser();
    browser = b.browser;
    closeBrowser = b.cleanup;
    page = (await newPage(browser, 'en')).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    closeBrowser?.();
    await charla?.stop();
  });

  const conversationOf = async (waId: string): Promise<Conv> => {
    for (let i = 0; i < 50; i++) {
      const list = await charla.api<{ data: (Conv & { contact: { waId: string | null } })[] }>('GET', '/api/v1/inbox/conversations?view=all&state=open&limit=100');
      const found = list.data.find((c) => c.contact.waId === waId);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no conversation for ${waId}`);
  };

  it('an admin signs in and a customer message appears live in the list and the thread', async () => {
    await signIn(page, charla.url, ADMIN.email, ADMIN.password);
    await page.getByTestId('live-status').and(page.locator('[data-state="open"]')).waitFor();
    const p = personas[0]!;
    const text = `Hola, quiero pedir una cita ${Date.now()}`;
    const t0 = Date.now();
    await charla.sandbox('POST', `/_sandbox/personas/${p.id}/messages`, { type: 'text', text: { body: text } });
    const item = page.getByTestId('conversation-item').filter({ hasText: text });
    await item.waitFor({ timeout: 5_000 });
    const listMs = Date.now() - t0;
    await item.click();
    await page.getByTestId('thread-messages').getByText(text).waitFor();
    // A second message arrives while the thread is open: it shows up there without a reload.
    const t1 = Date.now();
    await charla.sandbox('POST', `/_sandbox/personas/${p.id}/messages`, { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Puerta del Sol' } });
    await page.getByTestId('thread-messages').getByText('Puerta del Sol').waitFor({ timeout: 5_000 });
    const threadMs = Date.now() - t1;
    console.log(`live: list ${listMs} ms, thread ${threadMs} ms`);
    expect(Math.min(listMs, threadMs)).toBeLessThan(2_000);
    expect(await page.getByRole('link', { name: /open in map/i }).getAttribute('href')).toMatch(/openstreetmap\.org/);
    await page.getByTestId('window-countdown').waitFor();
  });

  it('the agent replies (with a quick reply) and sees the ticks advance to read', async () => {
    const input = page.getByTestId('composer-input');
    await input.fill('/hol');
    await page.getByTestId('quick-replies').waitFor();
    await input.press('Enter');
    await eventually(async () => expect(await input.inputValue()).toMatch(/Gracias por escribirnos/));
    await input.press('Control+Enter');
    const out = page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: 'Gracias por escribirnos' });
    await out.waitFor();
    await out.locator('.ticks[data-status="delivered"], .ticks[data-status="read"]').waitFor({ timeout: 10_000 });
    await out.locator('.ticks[data-status="read"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('composer').locator('label', { hasText: /^Note$/ }).click();
    await input.fill('Cliente VIP: llamar mañana');
    await page.getByTestId('composer-send').click();
    await page.getByTestId('note').filter({ hasText: 'Cliente VIP' }).waitFor();
    await screenshot(page, 'inbox');
  });

  it('outside the 24 h window the composer asks for a template, and sending one works', async () => {
    const p = personas[1]!;
    const now = Date.now();
    // The app reads the window from the customer's message time, so the customer writes "25 h ago".
    await charla.sandbox('POST', '/_sandbox/clock/set', { now: now - 25 * 3600_000 });
    await charla.sandbox('POST', `/_sandbox/personas/${p.id}/messages`, { type: 'text', text: { body: 'Mensaje de ayer' } });
    await charla.sandbox('POST', '/_sandbox/clock/set', { now: Date.now() });
    const conv = await conversationOf(p.wa_id);
    await page.goto(`${charla.url}/inbox/${conv.id}`);
    await page.getByTestId('window-closed').waitFor();
    expect(await page.getByTestId('composer').count()).toBe(0);
    await page.getByTestId('template-select').click();
    await page.getByRole('option', { name: /hello_world/ }).click();
    await page.getByTestId('template-preview').waitFor();
    await page.getByTestId('template-send').click();
    const sent = page.locator('[data-testid="message"][data-direction="out"][data-type="template"]');
    await sent.waitFor();
    await sent.locator('.ticks[data-status="sent"], .ticks[data-status="delivered"], .ticks[data-status="read"]').waitFor({ timeout: 10_000 });
  });

  it('the contact page shows the record and converts an unknown contact to a customer', async () => {
    const conv = await conversationOf(personas[0]!.wa_id);
    await page.goto(`${charla.url}/contacts/${conv.contact.id}`);
    await page.getByTestId('contact-page').waitFor();
    await page.getByRole('button', { name: /make customer/i }).click();
    await eventually(async () => expect(await page.getByTestId('contact-kind').first().textContent()).toMatch(/customer/i));
    await screenshot(page, 'contact');
  });

  it('imports a CSV with a bad row and shows the row report', async () => {
    const file = join(tmpdir(), `charla-e2e-${Date.now()}.csv`);
    writeFileSync(file, 'nombre;telefono;email\nLucía Pérez;+34 611 222 333;lucia@example.com\nMal Número;12;mal@example.com\nJorge Ruiz;+52 55 1234 5678;jorge@example.com\n');
    await page.goto(`${charla.url}/import`);
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-mapping').waitFor();
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-summary').waitFor({ timeout: 20_000 });
    const rejected = page.getByTestId('import-rejected-row');
    await rejected.first().waitFor();
    expect(await rejected.count()).toBe(1);
    expect(await rejected.first().locator('td').first().textContent()).toBe('3');
    await screenshot(page, 'import-report');
  });

  it('settings: an admin sees the numbers with quality and invites a user (the link is shown)', async () => {
    await page.goto(`${charla.url}/settings/numbers`);
    await page.getByRole('cell', { name: /GREEN|—/ }).first().waitFor();
    await page.goto(`${charla.url}/settings/users`);
    await page.getByLabel(/^e-mail/i).fill('marta@example.com');
    await page.getByLabel(/^name/i).fill('Marta');
    await page.getByRole('button', { name: /invite a user/i }).click();
    await page.getByTestId('invite-link').waitFor();
    expect(await page.getByTestId('invite-link').textContent()).toMatch(/\/signin\/invite\?token=/);
  });

  it('an agent sees no settings and cannot open another team\'s conversation', async () => {
    const conv = await conversationOf(personas[1]!.wa_id);
    await charla.api('POST', `/api/v1/inbox/conversations/${conv.id}/transfer`, { teamId: supportTeam, note: 'Para soporte' });
    const agent = await newPage(browser, 'es');
    await signIn(agent.page, charla.url, AGENT.email, AGENT.password);
    expect(await agent.page.getByRole('link', { name: /ajustes|settings/i }).count()).toBe(0);
    await agent.page.goto(`${charla.url}/settings`);
    await agent.page.getByTestId('no-access').waitFor();
    await agent.page.goto(`${charla.url}/inbox/${conv.id}`);
    await agent.page.getByTestId('no-access').waitFor();
    expect(await agent.page.getByTestId('no-access').textContent()).toMatch(/otro equipo/);
    await agent.context.close();
  });
});
