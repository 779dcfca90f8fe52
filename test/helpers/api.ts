import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { Store } from '../../src/store/connection.ts';
import type { AppContext } from '../../src/context.ts';
import { testContext } from './context.ts';

export const TEST_API_TOKEN = 'test-api-token-0123456789abcdef';

export interface TestApi {
  app: FastifyInstance;
  ctx: AppContext;
  services: Services;
  /** inject() with the API token. */
  call(opts: InjectOptions | string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The real app over a test store, background workers off (tests drive them). */
export async function testApi(store: Store, overrides: Partial<AppContext> = {}): Promise<TestApi> {
  const ctx = testContext(store, overrides);
  const services = createServices(ctx, { workers: false });
  const app = await buildApp({ store, logger: false, services, apiToken: TEST_API_TOKEN });
  await app.ready();
  return {
    app,
    ctx,
    services,
    call(opts) {
      const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
      return app.inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${TEST_API_TOKEN}` } });
    },
    async close() {
      await services.stop();
      await app.close();
    },
  };
}
