import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * PGlite has no lock of its own: a second process opening the same data directory corrupts it.
 * We take an exclusive lock file (O_EXCL create) that names the holder, and reclaim it only when
 * that process is gone on this host.
 */
export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname} ("${holder.command}", started ${holder.startedAt})`
      : 'another process (its lock file could not be read)';
    const how = holder
      ? holder.hostname === hostname()
        ? `Stop it (Ctrl+C in its terminal, or \`kill ${holder.pid}\`), or point this one at another directory with CHARLA_DATA_DIR / --data-dir.`
        : `Stop it on ${holder.hostname}, or point this one at another directory with CHARLA_DATA_DIR / --data-dir.`
      : `If no Charla process is running, delete ${join(dataDir, LOCK_NAME)} and try again.`;
    super(`The data directory ${dataDir} is in use by ${who}. Only one process may open an embedded database. ${how}`);
    this.name = 'DataDirLockedError';
  }
}

const LOCK_NAME = 'charla.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_NAME);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const holder = readHolder(path);
        if (holder?.pid === process.pid) {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      const stale = holder !== null && holder.hostname === me.hostname && !isAlive(holder.pid);
      if (!stale) throw new DataDirLockedError(dataDir, holder);
      unlinkSync(path); // the holder died without cleaning up (kill -9, power cut)
    }
  }
  throw new DataDirLockedError(dataDir, readHolder(path));
}
