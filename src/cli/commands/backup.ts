import { loadConfig } from '../../config.ts';
import { backupDataDir, restoreDataDir } from '../../store/backup.ts';
import { parseCommandArgs, UsageError } from '../args.ts';

export const backupHelp = `charla backup <file> — write the embedded database to a .tar.gz file

Options: --data-dir DIR [CHARLA_DATA_DIR]
Stop the server first: the embedded database admits one process at a time.
On PostgreSQL use pg_dump instead.
`;

export const restoreHelp = `charla restore <file> — restore the embedded database from a backup

Options: --data-dir DIR [CHARLA_DATA_DIR], --force (keep the current database aside and restore over it)
`;

function embeddedOnly(databaseUrl: string | undefined, what: string): void {
  if (databaseUrl) throw new UsageError(`charla ${what} works on the embedded database; with DATABASE_URL set use pg_dump / pg_restore.`);
}

export async function runBackup(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('backup', argv, { 'data-dir': { type: 'string' } });
  if (values.help) return void console.log(backupHelp);
  const file = positionals[0];
  if (!file) throw new UsageError('charla backup needs the file to write, e.g. `charla backup charla-2026-11-22.tar.gz`.');
  const config = loadConfig(process.env, values as Record<string, string>);
  embeddedOnly(config.DATABASE_URL, 'backup');
  const { bytes } = await backupDataDir(config.CHARLA_DATA_DIR, file);
  console.log(`Backup written to ${file} (${bytes} bytes).`);
}

export async function runRestore(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('restore', argv, {
    'data-dir': { type: 'string' },
    force: { type: 'boolean' },
  });
  if (values.help) return void console.log(restoreHelp);
  const file = positionals[0];
  if (!file) throw new UsageError('charla restore needs the backup file, e.g. `charla restore charla-2026-11-22.tar.gz`.');
  const config = loadConfig(process.env, { 'data-dir': values['data-dir'] });
  embeddedOnly(config.DATABASE_URL, 'restore');
  const { keptAside } = await restoreDataDir(config.CHARLA_DATA_DIR, file, { force: values.force === true });
  console.log(`Restored ${file} into ${config.CHARLA_DATA_DIR}.${keptAside ? ` The previous database was kept at ${keptAside}.` : ''}`);
}
