import { parseArgs } from 'node:util';
import { UsageError } from '../args.ts';
import { type SandboxOptionsInput, createSandbox, sandboxOptionsSchema } from '../../sandbox/index.ts';

const help = `charla sandbox — offline WhatsApp Cloud API (Graph API) emulator

Usage: charla sandbox [options]            (every option also reads the env var in [brackets])

Server
  --port N                 listen port [SANDBOX_PORT] (default 4010; 0 = any free port)
  --host HOST              listen address [SANDBOX_HOST] (default 127.0.0.1)
  --public-url URL         base URL advertised in media URLs [SANDBOX_PUBLIC_URL]
  --api-version vN.M       version shown in config and docs [SANDBOX_API_VERSION] (default v23.0; any vN.M is accepted)
  --access-token TOKEN     bearer token clients must send [SANDBOX_ACCESS_TOKEN] (default sandbox-access-token)
  --app-secret SECRET      signs webhooks (X-Hub-Signature-256) [SANDBOX_APP_SECRET] (default sandbox-app-secret)
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent [SANDBOX_LOG_LEVEL] (default info)

Webhooks
  --callback-url URL       where webhooks are POSTed [SANDBOX_CALLBACK_URL]
  --verify-token TOKEN     hub.verify_token for the handshake [SANDBOX_VERIFY_TOKEN] (default charla-sandbox-verify)
  --batch-size N           items per POST, 1..1000 [SANDBOX_BATCH_SIZE] (default 1000)
  --retry-base-ms N        first retry backoff after a failed POST [SANDBOX_RETRY_BASE_MS] (default 1000)
  --duplicate-rate P       probability 0..1 a POST is delivered twice [SANDBOX_DUPLICATE_RATE] (default 0)
  --reorder-rate P         probability 0..1 a batch is held back behind the next [SANDBOX_REORDER_RATE] (default 0)
  --min-delay-ms N / --max-delay-ms N   random extra delay per POST [SANDBOX_MIN_DELAY_MS / SANDBOX_MAX_DELAY_MS]

World
  --clock real|virtual     virtual time stands still until advanced by the control API [SANDBOX_CLOCK] (default real)
  --seed N                 seed for ids, personas and chaos [SANDBOX_SEED] (default 42)
  --numbers N              sender phone numbers in the WABA [SANDBOX_NUMBERS] (default 2)
  --personas N             simulated customers [SANDBOX_PERSONAS] (default 36)
  --username-share P       share of personas with a username/BSUID only [SANDBOX_USERNAME_SHARE] (default 0.2)
  --autonomous             personas write in, reply, read, opt out and block on their own [SANDBOX_AUTONOMOUS=1]
  --activity-ms N          mean clock ms between spontaneous conversations [SANDBOX_ACTIVITY_MS] (default 30000)
  --throughput N           messages per second per number [SANDBOX_THROUGHPUT] (default 80)
  --tier TIER              TIER_250|TIER_2K|TIER_10K|TIER_100K|TIER_UNLIMITED [SANDBOX_TIER] (default TIER_2K)
  --pricing PMP|CBP        pricing model on status webhooks [SANDBOX_PRICING] (default PMP)
  --no-seed-templates      start without the demo templates
  --sent-ms N / --delivered-ms N / --read-ms N   clock ms from acceptance to each status (0 / 500 / 2000)
  --review-ms N            clock ms a new template stays PENDING (default 5000)

Control API: http://HOST:PORT/_sandbox/… (see docs/sandbox.md).
`;

const options = {
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
  'api-version': { type: 'string' },
  'access-token': { type: 'string' },
  'app-secret': { type: 'string' },
  'log-level': { type: 'string' },
  'callback-url': { type: 'string' },
  'verify-token': { type: 'string' },
  'batch-size': { type: 'string' },
  'retry-base-ms': { type: 'string' },
  'duplicate-rate': { type: 'string' },
  'reorder-rate': { type: 'string' },
  'min-delay-ms': { type: 'string' },
  'max-delay-ms': { type: 'string' },
  clock: { type: 'string' },
  seed: { type: 'string' },
  numbers: { type: 'string' },
  personas: { type: 'string' },
  'username-share': { type: 'string' },
  autonomous: { type: 'boolean' },
  'activity-ms': { type: 'string' },
  throughput: { type: 'string' },
  tier: { type: 'string' },
  pricing: { type: 'string' },
  'no-seed-templates': { type: 'boolean' },
  'sent-ms': { type: 'string' },
  'delivered-ms': { type: 'string' },
  'read-ms': { type: 'string' },
  'review-ms': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Flag value, else env var, else undefined (the schema supplies the default). */
function pick(v: Values, flag: string, env: NodeJS.ProcessEnv): string | undefined {
  const fromFlag = v[flag];
  if (typeof fromFlag === 'string') return fromFlag;
  const name = 'SANDBOX_' + flag.toUpperCase().replace(/-/g, '_');
  return env[name] === '' ? undefined : env[name];
}

function number(v: Values, flag: string, env: NodeJS.ProcessEnv, kind: 'int' | 'float' = 'int'): number | undefined {
  const raw = pick(v, flag, env);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
    throw new UsageError(`--${flag}: "${raw}" is not ${kind === 'int' ? 'an integer' : 'a number'}. Run \`charla sandbox --help\`.`);
  }
  return n;
}

/** Build sandbox options from flags and env (exported for tests and the app's own start command). */
export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SandboxOptionsInput | 'help' {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. Run \`charla sandbox --help\` for the options.`);
  }
  if (values.help) return 'help';
  const defined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
  const autonomousEnv = env.SANDBOX_AUTONOMOUS;
  const input: SandboxOptionsInput = defined({
    port: number(values, 'port', env),
    host: pick(values, 'host', env),
    publicUrl: pick(values, 'public-url', env),
    apiVersion: pick(values, 'api-version', env),
    accessToken: pick(values, 'access-token', env),
    appSecret: pick(values, 'app-secret', env),
    logLevel: pick(values, 'log-level', env) as SandboxOptionsInput['logLevel'],
    clock: pick(values, 'clock', env) as SandboxOptionsInput['clock'],
    seed: number(values, 'seed', env),
    numbers: number(values, 'numbers', env),
    throughputMps: number(values, 'throughput', env),
    tier: pick(values, 'tier', env) as SandboxOptionsInput['tier'],
    pricingModel: pick(values, 'pricing', env)?.toUpperCase() as SandboxOptionsInput['pricingModel'],
    seedTemplates: values['no-seed-templates'] ? false : undefined,
    webhook: defined({
      callbackUrl: pick(values, 'callback-url', env),
      verifyToken: pick(values, 'verify-token', env),
      maxBatchItems: number(values, 'batch-size', env),
      retryBaseMs: number(values, 'retry-base-ms', env),
    }),
    chaos: defined({
      duplicateRate: number(values, 'duplicate-rate', env, 'float'),
      reorderRate: number(values, 'reorder-rate', env, 'float'),
      minDelayMs: number(values, 'min-delay-ms', env),
      maxDelayMs: number(values, 'max-delay-ms', env),
    }),
    personas: defined({
      count: number(values, 'personas', env),
      usernameShare: number(values, 'username-share', env, 'float'),
      autonomous: values.autonomous === true || autonomousEnv === '1' || autonomousEnv === 'true' ? true : undefined,
      activityIntervalMs: number(values, 'activity-ms', env),
    }),
    delays: defined({
      sentMs: number(values, 'sent-ms', env),
      deliveredMs: number(values, 'delivered-ms', env),
      readMs: number(values, 'read-ms', env),
      templateReviewMs: number(values, 'review-ms', env),
    }),
  });
  const checked = sandboxOptionsSchema.safeParse(input);
  if (!checked.success) {
    const lines = checked.error.issues.map((i) => `  ${i.path.join('.') || 'options'}: ${i.message}`);
    throw new UsageError(`Invalid sandbox options:\n${lines.join('\n')}\nRun \`charla sandbox --help\` for the options.`);
  }
  return input;
}

export async function run(argv: string[]): Promise<void> {
  const input = optionsFromArgs(argv);
  if (input === 'help') {
    console.log(help);
    return;
  }
  const sandbox = await createSandbox(input);
  const { url } = await sandbox.listen();
  const cfg = sandbox.config;
  console.log(`WhatsApp Cloud API sandbox listening on ${url}`);
  console.log(`  Graph base URL : ${cfg.graphUrl}   (Authorization: Bearer ${cfg.accessToken})`);
  console.log(`  WABA           : ${cfg.waba.id}   tier ${cfg.waba.messaging_limit}`);
  for (const pn of cfg.phoneNumbers) console.log(`  phone number   : ${pn.id}   ${pn.display_phone_number}`);
  console.log(`  webhooks       : ${cfg.callbackUrl ?? '(no callback URL; set one with PUT /_sandbox/webhook)'}`);
  console.log(`  control API    : ${url}/_sandbox/config   clock: ${cfg.clock.mode}`);
  const stop = (): void => {
    void sandbox.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
