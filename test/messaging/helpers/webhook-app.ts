/** The app with the webhook route and one registered number, for tests that drive the processor through webhooks. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { testContext, type TestClock } from '../../helpers/context.ts';
import { buildApp } from '../../../src/http/app.ts';
import { createServices, type Services } from '../../../src/services.ts';
import { upsertNumber } from '../../../src/messaging/numbers.ts';
import { WebhookProcessor } from '../../../src/messaging/processor.ts';
import type { Store } from '../../../src/store/connection.ts';
import { signatureFor } from '../../../src/whatsapp/signature.ts';
import { APP_SECRET, DISPLAY, PNID, VERIFY_TOKEN, WABA, metaJson } from './inbound-payloads.ts';

export const API_TOKEN = 'test-api-token-0123456789abcdef';

export interface WebhookApp {
  app: FastifyInstance;
  services: Services;
  /** POST a body signed as Meta signs it; resolves with the response. */
  deliver(body: unknown): Promise<LightMyRequestResponse>;
  /** Apply every stored event (batch path, or the one-by-one path with `batch: false`). */
  drain(options?: { batch?: boolean }): Promise<void>;
}

export async function startWebhookApp(store: Store, clock: TestClock): Promise<WebhookApp> {
  const ctx = testContext(store, { clock });
  const services = createServices(ctx, { workers: false });
  const app = await buildApp({ store, logger: false, services, apiToken: API_TOKEN });
  await app.ready();
  await upsertNumber(ctx, { phoneNumberId: PNID, wabaId: WABA, displayPhoneNumber: DISPLAY, accessToken: 'tok', appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  return {
    app,
    services,
    deliver(body) {
      const payload = metaJson(body);
      return app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureFor(APP_SECRET, payload) }, payload });
    },
    async drain(options = {}) {
      const processor = new WebhookProcessor(ctx, { batch: options.batch ?? true, batchSize: 100 });
      while ((await processor.processBatch()) > 0) {
        /* until the backlog is empty */
      }
    },
  };
}
