import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/open.ts';
import { migrationState } from '../../store/migrate.ts';
import { databaseOptions, parseCommandArgs } from '../args.ts';

export const help = `charla migrate — apply pending database migrations and exit

Options: --data-dir DIR [CHARLA_DATA_DIR], --database-url URL [DATABASE_URL]
Safe to run while other processes start: migrations run under a PostgreSQL advisory lock.
`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandArgs('migrate', argv, databaseOptions);
  if (values.help) return void console.log(help);
  const config = loadConfig(process.env, values as Record<string, string>);
  const opened = await openStore(config, 'charla migrate');
  try {
    const state = await migrationState(opened.store);
    console.log(`Migrations applied: ${state.applied} of ${state.expected} (${opened.store.engine}).`);
  } finally {
    await opened.close();
  }
}
