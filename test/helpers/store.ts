import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openPostgres, pgliteStore, type Engine, type Store } from '../../src/store/connection.ts';
import { migrateStore } from '../../src/store/migrate.ts';

/** A migrated PGlite loaded from the run's snapshot: each call is a new, empty database. */
export async function freshPglite(): Promise<Store> {
  const blob = new Blob([readFileSync(inject('pgliteSnapshot'))]);
  const client = new PGlite({ loadDataDir: blob });
  await client.waitReady;
  return pgliteStore(client);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** An empty PostgreSQL database with a unique name, and a way to drop it. */
export async function createPostgresDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `charla_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(url, name),
    async drop() {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * A new migrated PostgreSQL database for one test file, so runs (and files within a run) never
 * collide. Dropped again by the returned store's close().
 */
export async function freshPostgres(url: string): Promise<Store & { url: string }> {
  const database = await createPostgresDatabase(url);
  const store = openPostgres(database.url, 5);
  await migrateStore(store);
  const close = store.close;
  return {
    ...store,
    url: database.url,
    async close() {
      await close();
      await database.drop();
    },
  };
}

export interface EngineContext {
  engine: Engine;
  /** The store for this engine; valid inside tests (set in beforeAll). */
  readonly store: Store;
}

/**
 * Run the same suite against PGlite and PostgreSQL. When PostgreSQL is unreachable locally its half
 * is skipped with a visible name; under CI (CHARLA_REQUIRE_POSTGRES=1) global setup fails instead.
 */
export function describeEachEngine(name: string, fn: (ctx: EngineContext) => void): void {
  for (const engine of ['pglite', 'postgres'] as const) {
    const url = engine === 'postgres' ? inject('postgresUrl') : null;
    const skip = engine === 'postgres' && !url;
    const title = skip ? `${name} [postgres SKIPPED: ${inject('postgresSkipReason')}]` : `${name} [${engine}]`;
    (skip ? describe.skip : describe)(title, () => {
      let store: Store | undefined;
      const ctx: EngineContext = {
        engine,
        get store() {
          if (!store) throw new Error('store used outside a test');
          return store;
        },
      };
      beforeAll(async () => {
        store = engine === 'pglite' ? await freshPglite() : await freshPostgres(url!);
      });
      afterAll(async () => {
        await store?.close();
      });
      fn(ctx);
    });
  }
}
