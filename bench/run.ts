/**
 * `npm run bench -- <name> [options]`: runs one benchmark (each is also runnable alone with tsx).
 * Results are printed; BENCHMARKS.md records them with the machine and date.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const benches: Record<string, string> = {
  ingest: 'webhook events/s durably stored and processed, ack latency (--engine pglite|postgres, --events, --ingest-only)',
  send: 'outbound messages/s per number against the sandbox as a fraction of the cap (--engine, --numbers, --mps, --seconds)',
  sandbox: 'accepted sends/s on the sandbox with webhooks flowing',
  crm: 'contact search and segment count latency with 100k contacts and 1M messages (--engine)',
  import: 'CSV import rows/s (--engine, --rows)',
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !benches[name]) {
  console.log(`Usage: npm run bench -- <name> [options]\n\n${Object.entries(benches).map(([n, d]) => `  ${n.padEnd(8)} ${d}`).join('\n')}`);
  process.exit(name ? 2 : 0);
}
const file = join(import.meta.dirname, `${name}.ts`);
if (!existsSync(file)) {
  console.error(`bench/${name}.ts is not in this build.`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
