/**
 * Load generator for the ingest benchmark, run as its own process so it does not share the
 * server's event loop. Posts signed single-message webhooks and reports ack latencies as JSON.
 * Usage: tsx bench/webhook-load.ts <url> <appSecret> <phoneNumberId> <count> <concurrency> <runId>
 */
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';

const [url, secret, pnid, countArg, concArg, runId] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concArg);
const target = new URL(url!);
const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });

function body(i: number): string {
  const from = `34${String(600000000 + (i % 50000))}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550000000', phone_number_id: pnid },
      contacts: [{ profile: { name: `Cliente ${i}` }, wa_id: from }],
      messages: [{ from, id: `wamid.bench.${runId}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Hola, pedido ${i}` } }],
    } }] }],
  });
}

const latencies: number[] = [];
let errors = 0;
let next = 0;
const started = performance.now();
async function worker() {
  while (next < count) {
    const i = next++;
    const b = body(i);
    const sig = `sha256=${createHmac('sha256', secret!).update(b).digest('hex')}`;
    const t = performance.now();
    const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body: b });
    await res.body.dump();
    latencies.push(performance.now() - t);
    if (res.statusCode !== 200) errors++;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
console.log(JSON.stringify({ sent: count, errors, seconds, perSecond: count / seconds, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] }));
await pool.close();
