import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../bin/charla.js');
const children: ChildProcess[] = [];

function charla(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', SANDBOX: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    child,
    exited,
    output: () => out,
    async waitFor(pattern: RegExp, ms = 30_000) {
      const until = Date.now() + ms;
      while (!pattern.test(out)) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`did not see ${pattern} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    },
  };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('charla CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'charla-cli-'));

  it('lists commands with --help', async () => {
    const run = charla(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/start .*\n.*migrate[\s\S]*backup <file>[\s\S]*restore <file>/);
  });

  it('stops at start with a message naming a bad variable', async () => {
    const run = charla(['start'], { PORT: 'eighty', CHARLA_DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/PORT="eighty".*expected a TCP port number/);
  });

  it('rejects unknown flags with a pointer to --help', async () => {
    const run = charla(['start', '--prot', '1']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--prot.*charla start --help/);
  });

  it('starts, serves /healthz, locks the data directory, stops cleanly, backs up and restores', async () => {
    const server = charla(['start', '--port', '0', '--data-dir', dataDir]);
    const out = await server.waitFor(/Charla is running at (http:\/\/\S+)/);
    const url = /Charla is running at (http:\/\/\S+)/.exec(out)![1]!;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });

    const second = charla(['start', '--port', '0', '--data-dir', dataDir]);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(new RegExp(`in use by process ${server.child.pid} .*Stop it`));

    const backupWhileRunning = charla(['backup', join(dataDir, 'b.tar.gz'), '--data-dir', dataDir]);
    expect(await backupWhileRunning.exited).toBe(1);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, 'charla.lock'))).toBe(false);
    // The first start printed the owner's link; a lost one can be replaced from the CLI.
    expect(out).toMatch(/signin\/link\?token=/);
    const link = charla(['users', 'link', '--data-dir', dataDir]);
    expect(await link.exited).toBe(0);
    expect(link.output()).toMatch(/One-time link for owner@charla\.invalid .*\n.*\/signin\/\w+\?token=/);

    const file = join(mkdtempSync(join(tmpdir(), 'charla-bk-')), 'backup.tar.gz');
    const backup = charla(['backup', file, '--data-dir', dataDir]);
    expect(await backup.exited).toBe(0);
    expect(existsSync(file)).toBe(true);

    const target = mkdtempSync(join(tmpdir(), 'charla-restore-'));
    const restore = charla(['restore', file, '--data-dir', target]);
    expect(await restore.exited).toBe(0);
    const again = charla(['restore', file, '--data-dir', target]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toMatch(/already holds a database.*--force/);

    const restored = charla(['start', '--port', '0', '--data-dir', target]);
    const out2 = await restored.waitFor(/Charla is running at (http:\/\/\S+)/);
    const url2 = /Charla is running at (http:\/\/\S+)/.exec(out2)![1]!;
    expect(((await (await fetch(`${url2}/readyz`)).json()) as { status: string }).status).toBe('ready');
    restored.child.kill('SIGTERM');
    expect(await restored.exited).toBe(0);
  }, 90_000);
});
