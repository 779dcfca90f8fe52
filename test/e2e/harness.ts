// Shared pieces for the browser tests: find Chromium, build the web app when stale, start the real
// Charla server (embedded database + sandbox) in-process, and drive it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/cli/commands/start.ts';
import { installErrorHandling } from '../../src/http/errors.ts';
import { webPlugin } from '../../src/http/web.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const REPO = resolve(import.meta.dirname, '../..');

/** null when the browser tests can run; else why not. Under CI a missing browser is a failure. */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `${CHROMIUM} not found: browser tests skipped (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`${why}. CI must run them: .ci/run installs Debian chromium when .ci/browser-tests exists.`);
  console.warn(`\n⚠ ${why}\n`);
  return why;
}

export function buildWeb(): void {
  const r = spawnSync(process.execPath, [join(REPO, 'web', 'build-if-stale.mjs')], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the web app failed (node web/build-if-stale.mjs)');
}

export async function launchBrowser(): Promise<{ browser: Browser; cleanup: () => void }> {
  // launch() always starts from a fresh temporary profile (the --user-data-dir of our notes).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Our network is closed: without these Chromium keeps trying to reach Google's services.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  return { browser, cleanup: () => {} };
}

export interface Charla {
  server: RunningServer;
  /** Where the browser goes (the server itself, or a front that adds the web app; see below). */
  url: string;
  sandboxUrl: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  sandbox<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

async function call<T>(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const res = await fetch(base + path, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? null : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Until src/http/app.ts registers the web plugin, the browser talks to a small front on another
 * port that serves web/dist with the same plugin and passes everything else (SSE included) through.
 */
async function front(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  installErrorHandling(app);
  const upstream = new URL(target);
  const pass = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (/^\/(api|admin|webhooks|docs|_sandbox)(\/|$)/.test(path)) {
      reply.hijack();
      pass(request.raw, reply.raw);
    }
  });
  // Bodies are passed through raw: do not let fastify consume them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  await app.register(webPlugin);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export async function startCharla(): Promise<Charla> {
  const dataDir = mkdtempSync(join(tmpdir(), 'charla-e2e-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CHARLA_DATA_DIR: dataDir, SANDBOX: 'on', SANDBOX_PORT: '0', LOG_LEVEL: 'silent' }, {});
  const server = await startServer(config);
  const sandboxUrl = server.sandbox!.url;
  const auth = { authorization: `Bearer ${server.apiToken.token}` };
  // Simulated customers stay quiet unless a test makes them write.
  await call(sandboxUrl, 'POST', '/_sandbox/autonomy', {}, { enabled: false });
  const home = await fetch(`${server.url}/inbox`);
  const servesWeb = (home.headers.get('content-type') ?? '').includes('text/html');
  const f = servesWeb ? null : await front(server.url);
  return {
    server,
    url: f?.url ?? server.url,
    sandboxUrl,
    api: (method, path, body) => call(server.url, method, path, auth, body),
    sandbox: (method, path, body) => call(sandboxUrl, method, path, {}, body),
    async stop() {
      await f?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(browser: Browser, lang: 'es' | 'en' = 'en'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: lang === 'es' ? 'es-ES' : 'en-GB', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export async function signIn(page: Page, base: string, email: string, password: string, path = '/inbox'): Promise<void> {
  await page.goto(base + path);
  await page.getByLabel(/e-mail|correo/i).fill(email);
  await page.getByLabel(/^(password|contraseña)/i).fill(password);
  await page.getByRole('button', { name: /sign in|entrar/i }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Pick an option of a Mantine Select (a combobox whose options are rendered in a portal). */
export async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The error text Mantine shows under an input (the input's aria-describedby targets); '' while it is valid. */
export async function errorOf(page: Page, input: Locator): Promise<string> {
  if ((await input.getAttribute('aria-invalid')) !== 'true') return '';
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(ids.split(/\s+/).filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

/** Retry an assertion until it passes (playwright-core has no expect of its own). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
