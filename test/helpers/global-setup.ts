import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pgliteStore } from '../../src/store/connection.ts';
import { migrateStore } from '../../src/store/migrate.ts';

export const defaultTestDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresUrl: string | null;
    postgresSkipReason: string | null;
  }
}

/**
 * Once per run: build a migrated PGlite and snapshot it (a fresh initdb costs seconds; loading a
 * snapshot well under one), and find out whether PostgreSQL is reachable.
 */
export default async function setup(project: TestProject): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'charla-test-'));
  const client = new PGlite();
  const store = pgliteStore(client);
  await migrateStore(store);
  const blob = await client.dumpDataDir('none');
  const snapshot = join(dir, 'pglite-migrated.tar');
  writeFileSync(snapshot, Buffer.from(await blob.arrayBuffer()));
  await client.close();
  project.provide('pgliteSnapshot', snapshot);

  const url = process.env.TEST_DATABASE_URL ?? defaultTestDatabaseUrl;
  const required = process.env.CHARLA_REQUIRE_POSTGRES === '1';
  let reason: string | null = null;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.query('select 1');
  } catch (err) {
    reason = `PostgreSQL at ${url} is not reachable (${(err as Error).message})`;
  } finally {
    await probe.end().catch(() => {});
  }
  if (reason && required) {
    throw new Error(`${reason}. CHARLA_REQUIRE_POSTGRES=1 (set by .ci/run) makes this a failure: CI always tests both engines.`);
  }
  if (reason) {
    console.warn(`\n*** ${reason}: the PostgreSQL half of every store test is SKIPPED. Set TEST_DATABASE_URL or start PostgreSQL. ***\n`);
  }
  project.provide('postgresUrl', reason ? null : url);
  project.provide('postgresSkipReason', reason);
}
