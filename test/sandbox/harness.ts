import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox, type SandboxOptionsInput } from '../../src/sandbox/index.ts';

/** A webhook receiver that records raw bytes and headers, as the app's endpoint would see them. */
export interface Receiver {
  url: string;
  posts: { raw: Buffer; headers: http.IncomingHttpHeaders }[];
  handshakes: URLSearchParams[];
  /** Answer the next N POSTs with 500. */
  failNext: number;
  close(): Promise<void>;
}

export async function startReceiver(verifyToken = 'test-verify'): Promise<Receiver> {
  const rec: Omit<Receiver, 'url' | 'close'> = { posts: [], handshakes: [], failNext: 0 };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET') {
      rec.handshakes.push(u.searchParams);
      if (u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === verifyToken) {
        res.end(u.searchParams.get('hub.challenge'));
      } else {
        res.statusCode = 403;
        res.end();
      }
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (rec.failNext > 0) {
        rec.failNext--;
        res.statusCode = 500;
        res.end();
        return;
      }
      rec.posts.push({ raw: Buffer.concat(chunks), headers: req.headers });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(rec, {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

// Loose JSON shapes for assertions.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Any = any;

export interface Harness {
  sandbox: Sandbox;
  receiver: Receiver;
  base: string;
  graph: string;
  pnId: string;
  wabaId: string;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: Any }>;
  get(path: string, token?: string): Promise<{ status: number; body: Any }>;
  del(path: string): Promise<{ status: number; body: Any }>;
  control(method: string, path: string, body?: unknown): Promise<Any>;
  /** Every webhook item received so far, flattened. */
  statuses(): Any[];
  messages(): Any[];
  fields(field: string): Any[];
  waitFor<T>(fn: () => T | undefined | false, what?: string): Promise<T>;
  close(): Promise<void>;
}

export const TOKEN = 'test-token';
export const SECRET = 'test-secret-ñ';

export async function startHarness(opts: SandboxOptionsInput = {}): Promise<Harness> {
  const receiver = await startReceiver();
  const sandbox = await createSandbox({
    clock: 'virtual',
    accessToken: TOKEN,
    appSecret: SECRET,
    logLevel: 'silent',
    personas: { count: 12, usernameShare: 0.25 },
    ...opts,
    delays: { sentMs: 0, deliveredMs: 0, readMs: 0, templateReviewMs: 1000, ...opts.delays },
    webhook: { callbackUrl: receiver.url, verifyToken: 'test-verify', retryBaseMs: 5, handshakeRetryMs: 5, ...opts.webhook },
  });
  const { url } = await sandbox.listen(0, '127.0.0.1');
  const graph = `${url}/v23.0`;
  const call = async (method: string, path: string, body?: unknown, token: string = TOKEN) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path.startsWith('http') ? path : `${graph}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: Any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed };
  };
  const items = (): Any[] => receiver.posts.flatMap((p) => (JSON.parse(p.raw.toString('utf8')) as Any).entry);
  const h: Harness = {
    sandbox,
    receiver,
    base: url,
    graph,
    pnId: sandbox.config.phoneNumbers[0]!.id,
    wabaId: sandbox.config.waba.id,
    post: (p, b, t) => call('POST', p, b, t),
    get: (p, t) => call('GET', p, undefined, t),
    del: (p) => call('DELETE', p),
    async control(method, path, body) {
      const r = await call(method, `${url}/_sandbox${path}`, body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
      if (r.status >= 400) throw new Error(`control ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    statuses: () => items().flatMap((e: Any) => e.changes.flatMap((c: Any) => c.value.statuses ?? [])),
    messages: () => items().flatMap((e: Any) => e.changes.flatMap((c: Any) => c.value.messages ?? [])),
    fields: (field) => items().flatMap((e: Any) => e.changes.filter((c: Any) => c.field === field).map((c: Any) => c.value)),
    async waitFor(fn, what = 'condition') {
      for (let i = 0; i < 400; i++) {
        const v = fn();
        if (v !== undefined && v !== false) return v as never;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
  return h;
}

/** A text message body. */
export const text = (to: string, body = 'hola', extra: Record<string, unknown> = {}) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
  ...extra,
});

/** Open the customer-service window: the persona writes first. */
export async function openWindow(h: Harness, personaId: string): Promise<string> {
  const r = await h.control('POST', `/personas/${personaId}/messages`, { type: 'text', text: { body: 'Hola!' } });
  return r.wamid as string;
}

export function expectGraphError(res: { status: number; body: Any }, code: number, status = 400): void {
  const err = res.body?.error;
  if (!err) throw new Error(`expected a Graph error, got ${res.status} ${JSON.stringify(res.body)}`);
  if (res.status !== status || err.code !== code || err.type !== 'OAuthException' || !String(err.message).startsWith(`(#${code}) `) ||
    err.error_data?.messaging_product !== 'whatsapp' || typeof err.error_data?.details !== 'string' || typeof err.fbtrace_id !== 'string') {
    throw new Error(`expected (#${code}) with HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}
