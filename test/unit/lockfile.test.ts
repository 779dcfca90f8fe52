import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/store/lockfile.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'charla-lock-'));

describe('lockDataDir', () => {
  it('refuses a second holder and names the first', () => {
    const d = dir();
    const lock = lockDataDir(d, 'charla start');
    expect(() => lockDataDir(d, 'charla start')).toThrow(DataDirLockedError);
    expect(() => lockDataDir(d, 'charla start')).toThrow(new RegExp(`in use by process ${process.pid} .*charla start.*kill ${process.pid}`));
    lock.release();
    expect(existsSync(join(d, 'charla.lock'))).toBe(false);
    lockDataDir(d, 'again').release();
  });

  it('reclaims a lock whose process is gone (kill -9, crash)', () => {
    const d = dir();
    // PID 2^22+1 is above Linux's pid_max default range; no such process exists.
    writeFileSync(join(d, 'charla.lock'), JSON.stringify({ pid: 4194305, hostname: hostname(), command: 'x', startedAt: 'then' }));
    const lock = lockDataDir(d, 'charla start');
    expect(JSON.parse(readFileSync(join(d, 'charla.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('does not reclaim a lock held on another host', () => {
    const d = dir();
    writeFileSync(join(d, 'charla.lock'), JSON.stringify({ pid: 4194305, hostname: 'elsewhere', command: 'x', startedAt: 'then' }));
    expect(() => lockDataDir(d, 'charla start')).toThrow(/on elsewhere.*Stop it on elsewhere/);
  });
});
