import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import type { Store } from './connection.ts';
import { projectRoot } from '../paths.ts';

export const migrationsFolder = join(projectRoot, 'drizzle');

/** Any constant works; it only has to be the same in every Charla process. */
const MIGRATION_LOCK_KEY = 0x63686172; // "char"

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

function journal(): Journal {
  return JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as Journal;
}

/**
 * Apply pending migrations. drizzle's migrate() takes no lock, so two processes starting together
 * would both try to create the same tables: we hold a session-level advisory lock on a dedicated
 * connection and migrate through that same connection.
 */
export async function migrateStore(store: Store): Promise<void> {
  if (store.engine === 'pglite') {
    // One process per data directory (lock file), one connection: nothing to race with.
    await migratePglite(drizzlePglite(store.pglite!), { migrationsFolder });
    return;
  }
  const client = await store.pool!.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

export interface MigrationState {
  applied: number;
  expected: number;
  current: boolean;
}

/** Compare what the database has applied with the migrations this build ships. */
export async function migrationState(store: Store): Promise<MigrationState> {
  const entries = journal().entries;
  const expected = entries.length;
  const last = entries[expected - 1];
  let applied = 0;
  let lastWhen = 0;
  try {
    const rows = await store.rows<{ n: number; last: string | number | null }>(
      sql`select count(*)::int as n, max(created_at) as last from drizzle.__drizzle_migrations`,
    );
    applied = Number(rows[0]?.n ?? 0);
    lastWhen = Number(rows[0]?.last ?? 0);
  } catch {
    // No migrations table yet: nothing applied.
  }
  return { applied, expected, current: applied >= expected && (!last || lastWhen >= last.when) };
}
