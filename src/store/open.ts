import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { openPglite, openPostgres, type Store } from './connection.ts';
import { lockDataDir, type DataDirLock } from './lockfile.ts';
import { migrateStore } from './migrate.ts';

/** Embedded layout: PGlite's own directory sits beside our lock file, keys and media. */
export function pgdataDir(dataDir: string): string {
  return join(resolve(dataDir), 'pgdata');
}

export interface OpenedStore {
  store: Store;
  lock: DataDirLock | null;
  /** Whether this start had to create the embedded database (initdb). */
  created: boolean;
  close(): Promise<void>;
}

/** Open the configured engine (lock file first for PGlite), apply migrations. */
export async function openStore(
  config: Pick<Config, 'DATABASE_URL' | 'CHARLA_DATA_DIR'>,
  command: string,
  options: { migrate?: boolean } = {},
): Promise<OpenedStore> {
  const migrate = options.migrate ?? true;
  if (config.DATABASE_URL) {
    const store = openPostgres(config.DATABASE_URL);
    try {
      await store.ping();
      if (migrate) await migrateStore(store);
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    return { store, lock: null, created: false, close: () => store.close() };
  }
  const dataDir = resolve(config.CHARLA_DATA_DIR);
  const lock = lockDataDir(dataDir, command);
  try {
    const dir = pgdataDir(dataDir);
    const created = !existsSync(join(dir, 'PG_VERSION'));
    mkdirSync(dir, { recursive: true });
    const store = await openPglite(dir);
    if (migrate) await migrateStore(store);
    return {
      store,
      lock,
      created,
      async close() {
        await store.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
