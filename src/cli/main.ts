import { ConfigError } from '../config.ts';
import { DataDirLockedError } from '../store/lockfile.ts';
import { UsageError } from './args.ts';

const usage = `Charla — customer management over WhatsApp

Usage: charla <command> [options]

Commands:
  start              run the server (embedded database by default; DATABASE_URL for PostgreSQL)
  migrate            apply database migrations and exit
  sandbox            run the offline WhatsApp Cloud API sandbox alone
  backup <file>      back up the embedded database
  restore <file>     restore the embedded database from a backup
  import contacts <file.csv>   import contacts from a CSV file (dry run, mapping, report)
  campaign list | status <id>  campaigns and a live progress bar
  users link [email]  print a one-time sign-in link (lost owner link, forgotten password)
  help [command]     show help

Run \`charla <command> --help\` for a command's options.
`;

type Runner = (argv: string[]) => Promise<void>;

const commands: Record<string, () => Promise<Runner>> = {
  start: async () => (await import('./commands/start.ts')).run,
  migrate: async () => (await import('./commands/migrate.ts')).run,
  sandbox: async () => (await import('./commands/sandbox.ts')).run,
  backup: async () => (await import('./commands/backup.ts')).runBackup,
  restore: async () => (await import('./commands/backup.ts')).runRestore,
  import: async () => (await import('./commands/import.ts')).run,
  users: async () => (await import('./commands/users.ts')).run,
  campaign: async () => (await import('./commands/campaign.ts')).run,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    if (name === 'help' && rest[0] && commands[rest[0]]) return main([rest[0], '--help']);
    console.log(usage);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`Unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  try {
    await (await load())(rest);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(err.message);
      return err instanceof UsageError ? 2 : 1;
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
// Long-running commands (start, sandbox) keep the event loop alive; the rest exit here.
if (code !== 0) process.exit(code);
