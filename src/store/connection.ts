import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.ts';
import { timed } from './timing.ts';

/** Repositories are typed once against this base, whichever engine is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Engine = 'pglite' | 'postgres';

export interface Store {
  db: Db;
  engine: Engine;
  /** Run raw SQL (parameterised via drizzle's `sql` tag) and get rows back on both engines. */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Set for the embedded engine only (backup, snapshots). */
  pglite?: PGlite;
  /** Set for PostgreSQL only (advisory locks on a dedicated connection, LISTEN). */
  pool?: pg.Pool;
}

// Timestamps come back as Date from both drivers; bigint (int8) as string on pg unless parsed.
pg.types.setTypeParser(20, (v) => Number(v));

function instrumentPglite(client: PGlite): void {
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  client.query = timed(query) as typeof client.query;
  client.exec = timed(exec) as typeof client.exec;
}

function instrumentPool(pool: pg.Pool): void {
  const wrap = (target: { query: (...a: never[]) => unknown }) => {
    const original = target.query.bind(target) as (...a: unknown[]) => unknown;
    target.query = ((...args: unknown[]) => {
      // Callback-style calls are left alone; drizzle uses promises.
      if (typeof args[args.length - 1] === 'function') return original(...args);
      return timed(async () => original(...args))();
    }) as typeof target.query;
  };
  wrap(pool as unknown as { query: (...a: never[]) => unknown });
  pool.on('connect', (client) => wrap(client as unknown as { query: (...a: never[]) => unknown }));
}

function makeStore(db: Db, engine: Engine, close: () => Promise<void>, extra: Partial<Store>): Store {
  return {
    db,
    engine,
    async rows<T>(query: ReturnType<typeof sql>) {
      const result = (await db.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close,
    ...extra,
  };
}

export function pgliteStore(client: PGlite): Store {
  instrumentPglite(client);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return makeStore(db, 'pglite', () => client.close(), { pglite: client });
}

export async function openPglite(dataDir: string | undefined): Promise<Store> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  return pgliteStore(client);
}

export function openPostgres(url: string, max = 10): Store {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'charla' });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  instrumentPool(pool);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return makeStore(db, 'postgres', () => pool.end(), { pool });
}
