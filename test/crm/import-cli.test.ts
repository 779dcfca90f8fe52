import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/charla.js');
const command = join(root, 'src/cli/commands/import.ts');
// Through the real entry point once `import` is in the dispatcher; until then the command module itself.
const dispatched = readFileSync(join(root, 'src/cli/main.ts'), 'utf8').includes("commands/import.ts");

function charlaImport(args: string[], env: Record<string, string>) {
  const argv = dispatched
    ? [bin, 'import', ...args]
    : ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(command)}); await m.run(${JSON.stringify(args)});`];
  const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise<{ code: number; out: string }>((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out })));
}

describe('charla import contacts (CLI)', () => {
  it('imports a file with progress, lists rejected rows and writes them to a CSV; a dry run changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charla-import-cli-'));
    const file = join(dir, 'clientes.csv');
    writeFileSync(file, '\uFEFFTeléfono;Nombre;Etiquetas\r\n612 34 56 78;Ana;vip\r\n612 34;Corto;\r\n+52 55 1234 5678;Luis;mx\r\n');
    const env = { CHARLA_DATA_DIR: join(dir, 'data') };

    const dry = await charlaImport(['contacts', file, '--default-country', 'ES', '--dry-run'], env);
    expect(dry.out).toMatch(/Dry run finished .*3 rows — 2 to create, 0 to update, 0 skipped, 1 rejected/);

    const real = await charlaImport(['contacts', file, '--default-country', 'ES', '--map', 'Nombre=name,Etiquetas=tags'], env);
    expect(real.code).toBe(0);
    for (const m of ['Teléfono → phone', 'Nombre → name', 'Etiquetas → tags']) expect(real.out).toMatch(new RegExp(`Columns: .*${m}`));
    expect(real.out).toMatch(/\[#+-*\] 3\/3 rows 100% · \d+ rows\/s/);
    expect(real.out).toMatch(/Import finished .*3 rows — 2 created, 0 updated, 0 skipped, 1 rejected/);
    expect(real.out).toMatch(/Row 3, column "Teléfono", value "612 34": the number is too short for Spain \(ES\)/);
    const report = join(dir, 'clientes.rejected.csv');
    expect(real.out).toContain(`All rejected rows: ${report}`);
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8')).toMatch(/^\uFEFFrow,column,value,reason\r\n3,Teléfono,612 34,"the number is too short/);

    const again = await charlaImport(['contacts', file, '--default-country', 'ES', '--on-existing', 'skip'], env);
    expect(again.out).toMatch(/0 created, 0 updated, 2 skipped, 1 rejected/);

    const bad = await charlaImport(['contacts', file, '--map', 'Nope=phone'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/names column "Nope", which is not in the file/);
  }, 60_000);
});
