import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshPostgres } from '../helpers/store.ts';
import type { Store } from '../../src/store/connection.ts';
import { startCampaignHarness, eventually, type CampaignHarness } from './helpers.ts';

/**
 * A campaign's sender process (feeder + dispatcher) is SIGKILLed at varied points, ten times, and started again:
 * every recipient must be messaged exactly once (counted by the sandbox). Separate processes share one database,
 * so this runs on PostgreSQL only. bench/campaign.ts --kill runs the same with 10,000 recipients.
 */
const url = inject('postgresUrl');
const suite = url ? describe : describe.skip;
const RECIPIENTS = Number(process.env.CAMPAIGN_KILL_RECIPIENTS ?? 1000);

suite('campaign killed and restarted [postgres]', () => {
  let store: Store & { url: string };
  let h: CampaignHarness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    store = await freshPostgres(url!);
    h = await startCampaignHarness(store, { throughputMps: 200 });
    await store.db.execute(sql`update phone_numbers set throughput_mps = 200`);
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await h?.close();
    await store?.close();
  });

  function startChild(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/sender-child.ts'), store.url, h.sandbox.url, '1500'], { stdio: 'ignore' });
    children.push(child);
    return child;
  }

  it(`messages each of ${RECIPIENTS} recipients exactly once across ten kills`, async () => {
    const people = await h.addRecipients(RECIPIENTS);
    const res = await h.call({
      method: 'POST',
      url: '/api/v1/campaigns',
      payload: {
        name: 'kill', phoneNumberId: h.numbers[0]!.id, templateId: await h.templateId('order_update', 'es'),
        mapping: { body: { '1': { from: 'contact.first_name', fallback: 'cliente' }, '2': { from: 'fixed', value: 'A-1' } }, buttons: { '0': { from: 'fixed', value: 'A-1' } } },
        audience: { include: [{ filter: 'country = ES' }] },
      },
    });
    const id = res.json<{ id: string }>().id;
    expect((await h.call({ method: 'POST', url: `/api/v1/campaigns/${id}/launch` })).statusCode).toBe(200);
    const sent = () => h.sandbox.control.sends({ limit: 0 }).total;
    for (let k = 0; k < 10; k++) {
      const child = startChild();
      await new Promise((r) => setTimeout(r, 900 + ((k * 397) % 900)));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
    }
    const beforeLast = sent();
    expect(beforeLast).toBeGreaterThan(0);
    expect(beforeLast).toBeLessThan(RECIPIENTS);
    const last = startChild();
    await eventually(async () => (await h.call({ method: 'GET', url: `/api/v1/campaigns/${id}` })).json<{ state: string }>().state === 'completed', 'campaign completed', 120_000);
    last.kill('SIGKILL');

    const data = h.sandbox.control.sends({ limit: 1_000_000 }).data as { input?: string }[];
    const per = new Map<string, number>();
    for (const s of data) {
      const k = String(s.input ?? '').replace(/\D/g, '');
      per.set(k, (per.get(k) ?? 0) + 1);
    }
    expect(data.length).toBe(RECIPIENTS);
    for (const p of people) expect(per.get(p.waId) ?? 0, p.waId).toBe(1);
    const states = await store.rows<{ state: string; n: number }>(sql`select state, count(*)::int as n from campaign_recipients where campaign_id = ${id}::uuid group by 1`);
    expect(states).toEqual([{ state: 'queued', n: RECIPIENTS }]);
  }, 240_000);
});
