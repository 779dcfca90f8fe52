import { z } from 'zod';

/**
 * Process configuration: environment variables, overridable by CLI flags.
 * Validated once at start; a bad value stops the process with a message naming the variable.
 */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  CHARLA_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty, human-readable logs instead of JSON lines (development only). */
  LOG_PRETTY: bool.default(false),
  /** Public URL used in printed links; defaults to http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Key that encrypts stored access tokens (32+ chars). In embedded mode one is generated into the data dir. */
  CHARLA_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Start the offline Cloud API sandbox beside the app (default in embedded mode). */
  SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** active: simulated customers write in by themselves (demo); quiet: only when driven by its control API. */
  SANDBOX_PERSONAS: z.enum(['active', 'quiet']).default('active'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Graph API base URL. Defaults to the local sandbox when it runs, else Meta's. */
  CLOUD_API_BASE_URL: z.string().url().optional(),
  CLOUD_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default('v23.0'),
  /** Where inbound media files are kept (default: DATA_DIR/media). */
  MEDIA_DIR: z.string().min(1).optional(),
  /** Bearer token for the REST API (/api, /admin). Generated into the data dir when unset in embedded mode. */
  CHARLA_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Flag names (kebab-case) map onto the variables: --port → PORT, --data-dir → CHARLA_DATA_DIR. */
export const flagToVariable: Record<string, keyof Config> = {
  port: 'PORT',
  host: 'HOST',
  'database-url': 'DATABASE_URL',
  'data-dir': 'CHARLA_DATA_DIR',
  'log-level': 'LOG_LEVEL',
  'public-url': 'PUBLIC_URL',
  sandbox: 'SANDBOX',
  'sandbox-port': 'SANDBOX_PORT',
  'sandbox-personas': 'SANDBOX_PERSONAS',
  role: 'ROLE',
  'cloud-api-base-url': 'CLOUD_API_BASE_URL',
  'cloud-api-version': 'CLOUD_API_VERSION',
  'media-dir': 'MEDIA_DIR',
};

const describe: Partial<Record<keyof Config, string>> = {
  PORT: 'a TCP port number (0-65535)',
  SANDBOX_PORT: 'a TCP port number (0-65535)',
  DATABASE_URL: 'a PostgreSQL URL such as postgres://user@host:5432/db',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  SANDBOX: 'one of auto, on, off',
  ROLE: 'one of all, api, worker',
};

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  flags: Record<string, string | boolean | undefined> = {},
): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  for (const [flag, value] of Object.entries(flags)) {
    const key = flagToVariable[flag];
    if (key && value !== undefined) input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]) as keyof Config;
        const expected = describe[key] ? ` (expected ${describe[key]})` : '';
        return `${key}=${JSON.stringify(input[key])}: ${issue.message}${expected}`;
      }),
    );
  }
  return parsed.data;
}

export function engineOf(config: Pick<Config, 'DATABASE_URL'>): 'postgres' | 'pglite' {
  return config.DATABASE_URL ? 'postgres' : 'pglite';
}
