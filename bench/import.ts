/**
 * CSV import benchmark: generates a realistic contacts file (Spanish, Mexican and Argentinian numbers
 * in mixed formats, ~2% bad rows, some duplicates, tags, organizations, a custom field and consent
 * columns), then imports it through the same code path as the API and CLI and reports rows/s.
 * Usage: npx tsx bench/import.ts [--engine postgres|pglite] [--rows 100000] [--batch 500]
 */
import { createReadStream, createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPglite, openPostgres, type Store } from '../src/store/connection.ts';
import { migrateStore } from '../src/store/migrate.ts';
import { systemClock } from '../src/context.ts';
import { createField } from '../src/crm/fields.ts';
import { createImportJob } from '../src/crm/import/jobs.ts';
import { runImport } from '../src/crm/import/run.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    rows: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
  },
});
const rows = Number(values.rows);
const engine = values.engine === 'pglite' ? 'pglite' : 'postgres';

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

const FIRST = ['Ana', 'Luis', 'María', 'José', 'Sofía', 'Javier', 'Lucía', 'Carlos', 'Valentina', 'Mateo', 'Camila', 'Diego'];
const LAST = ['García', 'Pérez', 'López', 'Martínez', 'Rodríguez', 'Fernández', 'Gómez', 'Díaz', 'Sánchez', 'Romero'];
const ORGS = Array.from({ length: 200 }, (_, i) => `${pick(['Panadería', 'Taller', 'Clínica', 'Tienda', 'Distribuidora'])} ${pick(LAST)} ${i}`);
const TAGS = ['vip', 'madrid', 'cdmx', 'buenos-aires', 'newsletter', 'mayorista', 'nuevo', 'recurrente'];

/** A number as people type it: ES national or international, MX with or without the old "1", AR with 9/15. */
function phone(i: number): string {
  const n = i.toString().padStart(7, '0');
  switch (i % 6) {
    case 0: return `6${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}${digits(1)}`;
    case 1: return `+34 7${n.slice(0, 2)}-${n.slice(2, 5)}-${n.slice(5)}${digits(1)}`;
    case 2: return `0034${'6'}${n}${digits(1)}`;
    case 3: return `+52 1 55 ${n.slice(0, 4)} ${n.slice(4)}${digits(1)}`;
    case 4: return `+52 (33) ${n.slice(0, 4)}-${n.slice(4)}${digits(1)}`;
    default: return `+54 9 11 ${n.slice(0, 4)}-${n.slice(4)}${digits(1)}`;
  }
}

function badPhone(): string {
  return pick(['612 34', 'abc-def', '+999 123', '6123456789012345', '']);
}

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('\uFEFFTeléfono;Nombre;Correo;Empresa;Etiquetas;Plan;Marketing;Texto consentimiento\r\n');
  for (let i = 0; i < rows; i++) {
    const r = rand();
    // ~2% bad rows: a broken phone, or a bad e-mail or plan.
    const tel = r < 0.014 ? badPhone() : i > 10 && r < 0.019 ? phone(i - 7) : phone(i);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const email = r >= 0.019 && r < 0.025 ? 'sin-arroba.example.com' : `c${i}@example.${pick(['es', 'mx', 'ar'])}`;
    const tags = Array.from({ length: Math.floor(rand() * 3) }, () => pick(TAGS)).join(', ');
    const consent = pick(['sí', 'no', '', '']);
    await write(`${tel};"${name}";${email};${pick(ORGS)};"${tags}";${pick(['basic', 'pro', ''])};${consent};${consent === 'sí' ? 'Formulario web v3' : ''}\r\n`);
  }
  out.end();
  await once(out, 'finish');
}

async function openBenchStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (engine === 'pglite') {
    const store = await openPglite(join(mkdtempSync(join(tmpdir(), 'charla-bench-')), 'pgdata'));
    await migrateStore(store);
    return { store, drop: async () => {} };
  }
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `charla_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const store = openPostgres(u.toString(), 10);
  await migrateStore(store);
  return {
    store,
    drop: async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'charla-bench-csv-'));
const file = join(dir, 'contacts.csv');
const t0 = Date.now();
await writeCsv(file);
console.log(`generated ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${file}`);

const { store, drop } = await openBenchStore();
try {
  await createField(store.db, { entity: 'contact', key: 'plan', label: 'Plan', type: 'choice', options: ['basic', 'pro'] });
  const deps = { store, clock: systemClock };
  const source = () => createReadStream(file);
  const job = await createImportJob(deps, source, { fileName: 'contacts.csv', options: { defaultCountry: 'ES' } });
  const start = Date.now();
  let last = 0;
  const final = await runImport(deps, job.id, source, {
    batchSize: Number(values.batch),
    onProgress: (p) => {
      if (Date.now() - last > 5000) {
        last = Date.now();
        console.log(`  ${p.processedRows}/${p.totalRows} (${Math.round(p.processedRows / ((Date.now() - start) / 1000))} rows/s)`);
      }
    },
  });
  const seconds = (Date.now() - start) / 1000;
  console.log(JSON.stringify({
    engine, rows, batch: Number(values.batch), state: final.state, seconds: Number(seconds.toFixed(1)), rowsPerSecond: Math.round(rows / seconds),
    created: final.created, updated: final.updated, skipped: final.skipped, rejected: final.rejected, error: final.error,
    cpus: cpus().length, node: process.version,
  }));
} finally {
  await store.close();
  await drop();
}
