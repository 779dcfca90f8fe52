import { loadConfig, engineOf, type Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { openStore } from '../../store/open.ts';
import { buildApp } from '../../http/app.ts';
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
  --role R             all|api|worker [ROLE] (default all)
`;

export interface RunningServer {
  url: string;
  config: Config;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const opened = await openStore(config, 'charla start');
  const app = await buildApp({ store: opened.store, logger });
  let address: string;
  try {
    address = await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    await app.close();
    await opened.close();
    throw err;
  }
  const url = config.PUBLIC_URL ?? address;
  let stopped = false;
  return {
    url,
    config,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await opened.close();
    },
  };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommandArgs('start', argv, {
    ...databaseOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    'public-url': { type: 'string' },
    sandbox: { type: 'string' },
    'sandbox-port': { type: 'string' },
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
