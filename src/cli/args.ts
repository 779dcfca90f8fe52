import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors turned into a UsageError that names the command's --help. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. Run \`charla ${command} --help\` for the options.`);
  }
}

/** Options shared by every command that opens the database. */
export const databaseOptions = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies Options;
