import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createClock } from './clock.ts';
import { SandboxControl, type SandboxConfig } from './control.ts';
import type { Engine } from './engine.ts';
import { buildServer } from './http/server.ts';
import { type SandboxOptions, type SandboxOptionsInput, parseSandboxOptions, sandboxOptionsSchema } from './options.ts';
import { startAutonomy } from './personas/behaviour.ts';
import { createRandom } from './random.ts';
import { WebhookDispatcher, type WebhookTarget } from './webhooks/dispatcher.ts';
import { seedWorld } from './world/seed.ts';

export { sandboxOptionsSchema, parseSandboxOptions };
export type { SandboxOptions, SandboxOptionsInput, SandboxConfig };
export { SandboxControl };
export { metaJson, signatureHeader } from './meta-json.ts';

export interface Sandbox {
  /** Start serving; port 0 picks a free port. Performs the webhook handshake in the background. */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Base URL once listening (Graph calls go to `${url}/${apiVersion}/…`). */
  readonly url: string;
  /** Numbers, WABA, tokens and secret, as the app needs them to register the numbers. */
  readonly config: SandboxConfig;
  /** Programmatic control operations (same as the /_sandbox HTTP API). */
  readonly control: SandboxControl;
  /** Point webhooks at a (new) callback and run the verification handshake. */
  setWebhook(callbackUrl: string, verifyToken?: string): Promise<boolean>;
  /** Resolves when no webhook is queued, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  /** The underlying fastify instance (e.g. for inject() in tests). */
  readonly server: FastifyInstance;
}

export async function createSandbox(input: SandboxOptionsInput = {}): Promise<Sandbox> {
  const opts = parseSandboxOptions(input);
  const log = pino({ level: opts.logLevel, base: { component: 'sandbox' } });
  const clock = createClock(opts.clock, opts.clockStart);
  const target: WebhookTarget = { callbackUrl: opts.webhook.callbackUrl, verifyToken: opts.webhook.verifyToken };
  let listening: string | undefined;
  const chaosRng = createRandom(opts.seed ^ 0x5eed);
  const rng = createRandom(opts.seed);
  const world = seedWorld(opts, rng, clock.now());
  const engineRef: { e?: Engine } = {};
  const hooks = new WebhookDispatcher(
    { appSecret: opts.appSecret, wabaId: () => engineRef.e?.world.waba.id ?? '', ...opts.webhook, chaos: opts.chaos },
    () => target,
    chaosRng,
    log,
  );
  const engine: Engine = {
    opts,
    clock,
    rng,
    world,
    hooks,
    log,
    target,
    baseUrl: () => opts.publicUrl?.replace(/\/$/, '') ?? listening ?? `http://${opts.host}:${opts.port}`,
  };
  engineRef.e = engine;
  const control = new SandboxControl(engine, () => hooks.handshake());
  const server = await buildServer(engine, control);
  if (opts.personas.autonomous) startAutonomy(engine);

  return {
    async listen(port = opts.port, host = opts.host) {
      const address = await server.listen({ port, host });
      const u = new URL(address);
      if (host === '0.0.0.0' || host === '::') u.hostname = '127.0.0.1';
      listening = u.origin;
      if (target.callbackUrl) void hooks.handshake();
      return { url: listening };
    },
    async close() {
      clock.stop();
      await hooks.close();
      await server.close();
    },
    get url() {
      return engine.baseUrl();
    },
    get config() {
      return control.config();
    },
    control,
    setWebhook: (url, token) => control.setWebhook(url, token),
    webhooksIdle: () => hooks.idle(),
    server,
  };
}
