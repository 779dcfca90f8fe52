/** A throwaway store for a benchmark: in-memory PGlite, or a fresh PostgreSQL database dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Store } from '../../src/store/connection.ts';
import { migrateStore } from '../../src/store/migrate.ts';

export interface BenchStore {
  store: Store;
  /** The PostgreSQL URL of the fresh database (null on PGlite). */
  url: string | null;
  drop(): Promise<void>;
}

export async function openBenchStore(engine: 'pglite' | 'postgres', options: { dataDir?: string; poolSize?: number } = {}): Promise<BenchStore> {
  if (engine === 'pglite') {
    const store = await openPglite(options.dataDir);
    await migrateStore(store);
    return { store, url: null, drop: async () => {} };
  }
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `charla_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const store = openPostgres(u.toString(), options.poolSize ?? 10);
  await migrateStore(store);
  return {
    store,
    url: u.toString(),
    async drop() {
      await store.close().catch(() => {});
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
