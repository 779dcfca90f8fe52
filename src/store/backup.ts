import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './lockfile.ts';
import { pgdataDir } from './open.ts';

/**
 * Embedded-mode backup: a gzip tarball of PGlite's data directory, taken under the data-dir lock so
 * no server is writing at the same time. (On PostgreSQL use pg_dump.)
 */
export async function backupDataDir(dataDir: string, file: string): Promise<{ bytes: number }> {
  const lock = lockDataDir(resolve(dataDir), 'charla backup');
  try {
    const dir = pgdataDir(dataDir);
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      throw new Error(`No embedded database in ${resolve(dataDir)} (nothing to back up). Check CHARLA_DATA_DIR.`);
    }
    const db = new PGlite(dir);
    try {
      await db.waitReady;
      const blob = await db.dumpDataDir('gzip');
      const bytes = Buffer.from(await blob.arrayBuffer());
      mkdirSync(dirname(resolve(file)), { recursive: true });
      writeFileSync(file, bytes);
      return { bytes: bytes.length };
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * Restore a backup into the data directory. An existing database is kept aside (renamed with a
 * timestamp), never overwritten, and only with `force`.
 */
export async function restoreDataDir(
  dataDir: string,
  file: string,
  options: { force?: boolean; now?: Date } = {},
): Promise<{ keptAside: string | null }> {
  if (!existsSync(file)) throw new Error(`Backup file ${file} does not exist.`);
  const lock = lockDataDir(resolve(dataDir), 'charla restore');
  try {
    const dir = pgdataDir(dataDir);
    let keptAside: string | null = null;
    if (existsSync(join(dir, 'PG_VERSION'))) {
      if (!options.force) {
        throw new Error(
          `${resolve(dataDir)} already holds a database. Run restore with --force to keep it aside and restore over it.`,
        );
      }
      keptAside = `${dir}.before-restore-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dir, keptAside);
    }
    const blob = new Blob([readFileSync(file)]);
    const db = new PGlite(dir, { loadDataDir: blob });
    try {
      await db.waitReady;
      await db.query('select 1'); // proves the restored cluster opens
    } finally {
      await db.close();
    }
    return { keptAside };
  } finally {
    lock.release();
  }
}
