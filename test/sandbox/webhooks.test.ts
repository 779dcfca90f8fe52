import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Any, type Harness, SECRET, openWindow, startHarness, startReceiver, text } from './harness.ts';
import { createSandbox } from '../../src/sandbox/index.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Independent check: HMAC-SHA256 over the exact received bytes. */
function signatureValid(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', SECRET).update(raw).digest();
  const got = Buffer.from(header.slice(7), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('webhook delivery', () => {
  it('performs the verification handshake against the callback', async () => {
    h = await startHarness();
    await h.waitFor(() => h!.receiver.handshakes.length > 0, 'handshake');
    const q = h.receiver.handshakes[0]!;
    expect(q.get('hub.mode')).toBe('subscribe');
    expect(q.get('hub.verify_token')).toBe('test-verify');
    expect(q.get('hub.challenge')).toMatch(/^\d+$/);
    expect((await h.control('POST', '/webhook/verify')).verified).toBe(true);
  });

  it('signs the exact bytes, escaping non-ASCII as lowercase \\uXXXX', async () => {
    h = await startHarness({ personas: { count: 3, usernameShare: 0 } });
    const p = (await h.control('GET', '/personas')).data[0];
    await h.control('POST', `/personas/${p.id}/messages`, { type: 'text', text: { body: 'Señor, ¿cuánto cuesta? 😀' } });
    const post = await h.waitFor(() => h!.receiver.posts.find((x) => x.raw.includes('\\u00bf')), 'non-ascii post');
    expect(post.headers['content-type']).toBe('application/json');
    expect(signatureValid(post.raw, post.headers['x-hub-signature-256'])).toBe(true);
    const raw = post.raw.toString('utf8');
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(raw).toContain('Se\\u00f1or');
    expect(raw).toContain('\\ud83d\\ude00');
    expect(JSON.parse(raw).entry[0].changes[0].value.messages[0].text.body).toBe('Señor, ¿cuánto cuesta? 😀');
    // Re-serialised JSON would not verify: the signature covers the bytes as sent.
    expect(signatureValid(Buffer.from(JSON.stringify(JSON.parse(raw))), post.headers['x-hub-signature-256'])).toBe(false);
    for (const x of h.receiver.posts) expect(signatureValid(x.raw, x.headers['x-hub-signature-256'])).toBe(true);
  });

  it('retries with backoff after the callback fails', async () => {
    h = await startHarness({ personas: { count: 3, usernameShare: 0 } });
    await h.waitFor(() => h!.receiver.handshakes.length > 0, 'handshake');
    h.receiver.failNext = 3;
    const p = (await h.control('GET', '/personas')).data[0];
    await openWindow(h, p.id);
    await h.waitFor(() => h!.messages().length === 1, 'message after retries');
    const stats = await h.control('GET', '/webhooks');
    expect(stats.postsFailed).toBe(3);
    expect(h.receiver.failNext).toBe(0);
  });

  it('duplicates and reorders deliveries when asked', async () => {
    h = await startHarness({ chaos: { duplicateRate: 1, reorderRate: 0 }, personas: { count: 3, usernameShare: 0 } });
    const p = (await h.control('GET', '/personas')).data[0];
    const w = await openWindow(h, p.id);
    await h.waitFor(() => h!.messages().filter((m) => m.id === w).length === 2, 'duplicate');
    await h.close();

    h = await startHarness({ chaos: { reorderRate: 1 }, webhook: { maxBatchItems: 1 }, personas: { count: 3, usernameShare: 0 } });
    const q = (await h.control('GET', '/personas')).data[0];
    await openWindow(h, q.id);
    const res = await h.post(`/${h.pnId}/messages`, text(q.wa_id));
    const id = res.body.messages[0].id;
    await h.waitFor(() => h!.statuses().filter((s) => s.id === id).length === 3, 'three statuses');
    const order = h.statuses().filter((s) => s.id === id).map((s) => s.status);
    expect(order.sort()).toEqual(['delivered', 'read', 'sent']);
    expect((await h.control('GET', '/webhooks')).reordered).toBeGreaterThan(0);
  });

  it('batches many items per POST (≤ maxBatchItems)', async () => {
    h = await startHarness({ throughputMps: 1000, personas: { count: 40, usernameShare: 0 }, webhook: { maxBatchItems: 50 } });
    const list = (await h.control('GET', '/personas')).data;
    await Promise.all(list.map((p: Any) => h!.post(`/${h!.pnId}/messages`, { messaging_product: 'whatsapp', to: p.wa_id, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })));
    await h.waitFor(() => h!.statuses().length >= 120, 'all statuses');
    const sizes = h.receiver.posts.map((x) => JSON.parse(x.raw.toString()).entry.flatMap((e: Any) => e.changes.flatMap((c: Any) => c.value.statuses ?? [])).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(h.receiver.posts.length).toBeLessThan(120);
  });

  it('does not crash when the callback never answers, and logs it', async () => {
    const sb = await createSandbox({ logLevel: 'silent', clock: 'virtual', webhook: { callbackUrl: 'http://127.0.0.1:9/nowhere', handshakeAttempts: 2, handshakeRetryMs: 1 } });
    await sb.listen(0, '127.0.0.1');
    expect(await sb.setWebhook('http://127.0.0.1:9/nowhere')).toBe(false);
    expect((await fetch(`${sb.url}/_sandbox/config`)).status).toBe(200);
    await sb.close();
    const r = await startReceiver('later');
    const sb2 = await createSandbox({ logLevel: 'silent', webhook: { verifyToken: 'later' } });
    await sb2.listen(0, '127.0.0.1');
    expect(await sb2.setWebhook(r.url)).toBe(true);
    await sb2.close();
    await r.close();
  });
});
