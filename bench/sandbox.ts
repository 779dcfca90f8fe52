/**
 * Sandbox throughput benchmark: accepted sends per second with status webhooks flowing.
 *   npx tsx bench/sandbox.ts [--sends 20000] [--concurrency 128]
 * The sandbox runs in a child process (as `charla sandbox` would), the client and the webhook
 * receiver in this one, so the two cores are shared the way a real local setup shares them.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    callback: { type: 'string' },
    sends: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '128' },
    personas: { type: 'string', default: '5000' },
  },
});

if (values.serve) {
  // Child: the sandbox alone, tuned so the limits under test are not the bottleneck.
  const { createSandbox } = await import('../src/sandbox/index.ts');
  const sb = await createSandbox({
    logLevel: 'warn',
    throughputMps: 1_000_000,
    tier: 'TIER_UNLIMITED',
    personas: { count: Number(values.personas), usernameShare: 0.2 },
    delays: { sentMs: 0, deliveredMs: 0, readMs: 0 },
    webhook: values.callback ? { callbackUrl: values.callback, handshakeAttempts: 1 } : {},
  });
  const { url } = await sb.listen(0, '127.0.0.1');
  const cfg = sb.config;
  process.stdout.write(JSON.stringify({ url, pnIds: cfg.phoneNumbers.map((p) => p.id), token: cfg.accessToken }) + '\n');
  process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const total = Number(values.sends);
  const concurrency = Number(values.concurrency);

  // Webhook receiver: count status items cheaply (no JSON parse) and answer 200 at once.
  let statusItems = 0;
  let posts = 0;
  const receiver = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.end(new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '');
      return;
    }
    let n = 0;
    req.on('data', (c: Buffer) => {
      let i = c.indexOf('"status":"');
      while (i !== -1) {
        n++;
        i = c.indexOf('"status":"', i + 10);
      }
    });
    req.on('end', () => {
      statusItems += n;
      posts++;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/whatsapp`;

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', '--callback', callback, '--personas', String(values.personas)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ url: string; pnIds: string[]; token: string }>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });

  const personas = (await (await fetch(`${ready.url}/_sandbox/personas`)).json()) as { data: { wa_id: string }[] };
  const recipients = personas.data.map((p) => p.wa_id);
  const pool = new Pool(ready.url, { connections: 32, pipelining: 1 });
  const headers = { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' };
  let accepted = 0;
  let rejected = 0;
  let seq = 0;

  const sendOne = async (i: number): Promise<void> => {
    const pn = ready.pnIds[i % ready.pnIds.length] as string;
    const body = JSON.stringify({
      messaging_product: 'whatsapp',
      to: recipients[i % recipients.length],
      type: 'template',
      biz_opaque_callback_data: `bench-${i}`,
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const res = await pool.request({ path: `/v23.0/${pn}/messages`, method: 'POST', headers, body });
    await res.body.dump();
    if (res.statusCode === 200) accepted++;
    else rejected++;
  };
  const run = async (count: number): Promise<number> => {
    const start = performance.now();
    const end = seq + count;
    const worker = async (): Promise<void> => {
      while (seq < end) await sendOne(seq++);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return performance.now() - start;
  };

  await run(Math.min(2000, total)); // warm-up (JIT, connections)
  accepted = 0;
  rejected = 0;
  const statusesBefore = statusItems;
  const ms = await run(total);
  const rate = (accepted / ms) * 1000;
  // Let the webhooks for the measured sends drain (3 statuses each).
  const drainStart = performance.now();
  while (statusItems - statusesBefore < accepted * 3 && performance.now() - drainStart < 30_000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const webhookMs = performance.now() - (drainStart - ms);
  const counts = (await (await fetch(`${ready.url}/_sandbox/sends?limit=0`)).json()) as { total: number };

  console.log(`sandbox bench — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} vCPU, Node ${process.version}`);
  console.log(`  sends: ${accepted} accepted, ${rejected} rejected, concurrency ${concurrency}, ${recipients.length} recipients`);
  console.log(`  accepted sends/s: ${rate.toFixed(0)}`);
  console.log(`  status webhooks: ${statusItems - statusesBefore} items in ${posts} POSTs; ${(((statusItems - statusesBefore) / webhookMs) * 1000).toFixed(0)} items/s end to end`);
  console.log(`  sandbox ledger total (incl. warm-up): ${counts.total}`);

  await pool.close();
  child.kill('SIGTERM');
  receiver.close();
}
