import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import { databaseOptions, parseCommandArgs, UsageError } from '../args.ts';
import { getCampaignRow, listCampaigns } from '../../campaigns/service.ts';
import { campaignResults } from '../../campaigns/results.ts';

export const help = `charla campaign <list | status <id>> — campaigns and their progress

  charla campaign list                 campaigns, newest first, with state and progress
  charla campaign status <id>          live progress bar and funnel until the campaign ends (Ctrl-C to leave)

Options:
  --once                               status: print once and exit
  --interval SECONDS                   status: refresh period (default 1)
  --data-dir DIR [CHARLA_DATA_DIR], --database-url URL [DATABASE_URL]

On PostgreSQL this runs beside the server. The embedded database admits one process: stop the server first,
or read the same numbers from GET /api/v1/campaigns/:id.
`;

const options = {
  ...databaseOptions,
  once: { type: 'boolean' },
  interval: { type: 'string' },
} as const;

type Results = Awaited<ReturnType<typeof campaignResults>>;

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

function statusLine(state: string, r: Results, rate: number | null): string {
  const c = r.funnel.counts;
  return `${bar(r.progress.fraction)} ${r.progress.done}/${r.progress.total} ${(r.progress.fraction * 100).toFixed(1)} % · ${state}` +
    `${rate !== null ? ` · ${rate.toFixed(0)}/s` : ''} · sent ${r.funnel.reached.sent}, delivered ${r.funnel.reached.delivered}, read ${r.funnel.reached.read}, ` +
    `replied ${c.replied}, failed ${c.failed}, skipped ${c.skipped}, waiting ${c.pending + c.queued}`;
}

function summary(r: Results): string {
  const lines = [
    `delivered ${pct(r.funnel.rates.delivered)} · read ${pct(r.funnel.rates.read)} · replied ${pct(r.funnel.rates.replied)} · failed ${pct(r.funnel.rates.failed)}`,
    `cost: estimated ${r.cost.estimated?.totalRounded ?? '–'} · actual ${r.cost.actual.totalRounded} ${r.cost.currency ?? ''}`.trim(),
  ];
  for (const e of r.errors.slice(0, 5)) lines.push(`  ${e.count} × ${e.code ?? '?'} ${e.title}: ${e.explanation.en} ${e.advice.en}`);
  for (const [reason, n] of Object.entries(r.funnel.skippedByReason)) lines.push(`  skipped ${n} × ${reason}`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('campaign', argv, options);
  if (values.help) return void console.log(help);
  const [what, id] = positionals;
  if (what !== 'list' && what !== 'status') throw new UsageError('Usage: charla campaign list | charla campaign status <id>. Run `charla campaign --help`.');
  if (what === 'status' && !id) throw new UsageError('Say which campaign: charla campaign status <id> (ids from `charla campaign list`).');
  const intervalMs = Math.max(0.2, Number(values.interval ?? 1)) * 1000;
  const config = loadConfig(process.env, { 'data-dir': values['data-dir'], 'database-url': values['database-url'] });
  const opened = await openStore(config, 'charla campaign');
  const db = opened.store.db;
  try {
    if (what === 'list') {
      const all = await listCampaigns(db);
      if (all.length === 0) return void console.log('No campaigns yet.');
      for (const c of all) {
        const r = c.state === 'draft' ? null : await campaignResults(db, c.id);
        console.log(`${c.id}  ${c.state.padEnd(9)}  ${r ? `${bar(r.progress.fraction, 20)} ${r.progress.done}/${r.progress.total}` : ''.padEnd(22)}  ${c.name}`);
      }
      return;
    }
    const tty = process.stderr.isTTY === true;
    let last: { at: number; done: number } | null = null;
    for (;;) {
      const row = await getCampaignRow(db, id!);
      if (row.state === 'draft') return void console.log(`${row.name}: draft (not launched).`);
      const r = await campaignResults(db, row.id);
      const now = Date.now();
      const rate = last && now > last.at ? ((r.progress.done - last.done) * 1000) / (now - last.at) : null;
      last = { at: now, done: r.progress.done };
      const line = statusLine(row.state, r, rate);
      const finished = ['completed', 'cancelled', 'failed'].includes(row.state);
      if (values.once || finished || !tty) {
        if (tty) process.stderr.write('\r\x1b[K');
        console.log(`${row.name}\n${line}\n${summary(r)}`);
        if (values.once || finished) return;
      } else {
        process.stderr.write(`\r\x1b[K${line}`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    await opened.close();
  }
}
