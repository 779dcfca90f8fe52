import { loadConfig, engineOf, type Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { openStore } from '../../store/open.ts';
import { buildApp } from '../../http/app.ts';
import { loadApiToken } from '../../http/auth.ts';
import { createContext } from '../../context.ts';
import { loadSecretKey, secretsFromKey } from '../../store/secrets.ts';
import { createServices } from '../../services.ts';
import { ensureOwner } from '../../accounts/links.ts';
import { upsertNumber } from '../../messaging/numbers.ts';
import { createSandbox, type Sandbox } from '../../sandbox/index.ts';
import { join, resolve } from 'node:path';
import { databaseOptions, parseCommandArgs } from '../args.ts';

export const help = `charla start — run the Charla server (API, workers and UI in one process)

Options (each also read from the environment variable in brackets):
  --port N             HTTP port [PORT] (default 3000)
  --host H             address to bind [HOST] (default 127.0.0.1)
  --data-dir DIR       embedded database directory [CHARLA_DATA_DIR] (default ./data)
  --database-url URL   use PostgreSQL instead of the embedded database [DATABASE_URL]
  --log-level L        fatal|error|warn|info|debug|trace|silent [LOG_LEVEL] (default info)
  --public-url URL     URL printed in links [PUBLIC_URL]
  --sandbox MODE       auto|on|off: start the offline Cloud API sandbox beside the app [SANDBOX]
                       (auto = on in embedded mode)
  --sandbox-port N     sandbox port [SANDBOX_PORT] (default 3001)
  --sandbox-personas M active|quiet: simulated customers write in by themselves [SANDBOX_PERSONAS] (default active)
  --role R             all|api|worker [ROLE] (default all)
`;

export interface RunningServer {
  url: string;
  config: Config;
  apiToken: { token: string; generated: boolean };
  /** First start only: the one-time link that signs the new owner in (null when users exist). */
  ownerLink: string | null;
  sandbox: Sandbox | null;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const engine = engineOf(config);
  // Checked before anything opens, so a missing key stops the start with a clear message.
  const secrets = secretsFromKey(loadSecretKey(config));
  const apiToken = loadApiToken(config);
  const opened = await openStore(config, 'charla start');
  const cleanups: (() => Promise<void>)[] = [() => opened.close()];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    let sandbox: Sandbox | null = null;
    if (config.SANDBOX === 'on' || (config.SANDBOX === 'auto' && engine === 'pglite')) {
      // The demo setup: customers write in by themselves, so a new user sees the inbox come alive.
      sandbox = await createSandbox({ port: config.SANDBOX_PORT, host: config.HOST, personas: { autonomous: config.SANDBOX_PERSONAS === 'active' }, logLevel: config.LOG_LEVEL === 'silent' ? 'silent' : 'warn' });
      await sandbox.listen(config.SANDBOX_PORT, config.HOST);
      const s = sandbox;
      cleanups.push(() => s.close());
    }
    const ctx = createContext({
      store: opened.store,
      secrets,
      logger,
      cloudApi: { baseUrl: config.CLOUD_API_BASE_URL ?? sandbox?.url ?? 'https://graph.facebook.com', version: config.CLOUD_API_VERSION },
      mediaDir: resolve(config.MEDIA_DIR ?? join(config.CHARLA_DATA_DIR, 'media')),
    });
    const services = createServices(ctx, { workers: config.ROLE !== 'api' });
    cleanups.push(() => services.stop());
    const app = await buildApp({ store: opened.store, logger, services, apiToken: apiToken.token, publicUrl: config.PUBLIC_URL });
    cleanups.push(() => app.close());
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    const url = config.PUBLIC_URL ?? address;
    if (sandbox) {
      // Register the sandbox's numbers (idempotent) before the workers start, so the first template sync sees them.
      const sc = sandbox.config;
      for (const n of sc.phoneNumbers) {
        await upsertNumber(ctx, {
          phoneNumberId: n.id,
          wabaId: sc.waba.id,
          displayPhoneNumber: n.display_phone_number,
          verifiedName: typeof n.verified_name === 'string' ? n.verified_name : null,
          accessToken: sc.accessToken,
          appSecret: sc.appSecret,
          verifyToken: sc.verifyToken,
          throughputMps: n.throughput_mps,
        });
      }
    }
    await services.start();
    // --- accounts: first start creates the owner and a one-time sign-in link (printed by run()) ---
    const ownerLink = (await ensureOwner(ctx, { publicUrl: url }))?.link ?? null;
    // --- end accounts ---
    if (sandbox) await sandbox.setWebhook(`${address}/webhooks/whatsapp`, sandbox.config.verifyToken);
    let stopped = false;
    return {
      url,
      config,
      apiToken,
      ownerLink,
      sandbox,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandArgs('start', argv, {
    ...databaseOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    'public-url': { type: 'string' },
    sandbox: { type: 'string' },
    'sandbox-port': { type: 'string' },
    'sandbox-personas': { type: 'string' },
    role: { type: 'string' },
  });
  if (values.help) {
    console.log(help);
    return;
  }
  const config = loadConfig(process.env, values as Record<string, string>);
  const started = Date.now();
  const server = await startServer(config);
  const engine = engineOf(config) === 'pglite' ? `embedded database in ${config.CHARLA_DATA_DIR}` : 'PostgreSQL';
  console.log(`Charla is running at ${server.url} (${engine}; ready in ${Date.now() - started} ms). API docs: ${server.url}/docs`);
  if (server.sandbox) console.log(`Cloud API sandbox at ${server.sandbox.url} (simulated customers are writing in; see docs/sandbox.md).`);
  if (server.ownerLink) {
    // --- accounts: the only way in on a fresh install; shown once, valid 7 days, single use ---
    console.log(`\nFirst start: an owner account was created. Open this one-time link to sign in and choose your e-mail and password:\n  ${server.ownerLink}\n`);
  }
  if (server.apiToken.generated) {
    console.log(`API token (shown once; also in ${join(config.CHARLA_DATA_DIR, 'api-token')}): ${server.apiToken.token}`);
  }
  const shutdown = (signal: string) => {
    console.log(`${signal} received, stopping…`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
