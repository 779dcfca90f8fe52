import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Store } from '../store/connection.ts';
import { installErrorHandling } from './errors.ts';
import { installMetrics } from './metrics.ts';
import { healthRoutes } from './health.ts';
import { installAuth } from './auth.ts';
import { accountRoutes } from '../accounts/routes.ts';
import { DEFAULT_SCRYPT, type ScryptParams } from '../accounts/passwords.ts';
import type { Services } from '../services.ts';
import { webhookAdminRoutes, webhookRoutes } from '../messaging/webhook-routes.ts';
import { mediaFileRoutes } from '../messaging/media-routes.ts';
import { crmRoutes } from '../crm/routes.ts';
import { messageRoutes, numberRoutes } from '../messaging/routes.ts';
import { inboxRoutes } from '../inbox/routes.ts';
import { templateRoutes } from '../templates/routes.ts';
import { importRoutes } from '../crm/import-routes.ts';
import { segmentRoutes } from '../crm/segment-routes.ts';
import { segmentWhere } from '../crm/segments.ts';
import { pricingRoutes } from '../pricing/routes.ts';
import { campaignRoutes } from '../campaigns/routes.ts';
import { webPlugin } from './web.ts';

export interface AppOptions {
  store: Store;
  logger?: Logger | false;
  version?: string;
  /** The running services; without them only the foundation routes exist (health, metrics, docs). */
  services?: Services;
  /** The integrator bearer token accepted on /api and /admin besides signed-in sessions (acts as admin). */
  apiToken?: string;
  /** Base URL for links shown to people (invitations, password resets); else from the request. */
  publicUrl?: string | undefined;
  /** Password hashing cost; only tests lower it (DEFAULT_SCRYPT otherwise). */
  scrypt?: ScryptParams;
  /** Called for every route as it is registered (tests check every route has a permission). */
  onRoute?: (route: RouteOptions) => void;
}

export type App = FastifyInstance;

/** Assemble the HTTP app. Capabilities register their own plugins here. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger || undefined) as FastifyBaseLogger | undefined,
    logger: options.logger ? undefined : false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 3 * 1024 * 1024 + 64 * 1024, // Meta's webhook payloads reach 3 MB
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  installErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Charla API',
        description: 'Customer management over the WhatsApp Business Platform Cloud API.',
        version: options.version ?? '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  installMetrics(app);
  await app.register(healthRoutes, { store: options.store });

  const services = options.services;
  if (services) {
    const { ctx } = services;
    await app.register(webhookRoutes, { ctx, ingest: services.ingest });
    await app.register(async (api) => {
      if (!options.apiToken) throw new Error('buildApp: services need an apiToken to protect /api and /admin');
      // Session cookie or API token, then the permission table (src/accounts/permissions.ts): fails closed.
      await installAuth(api, { ctx, apiToken: options.apiToken });
      await api.register(accountRoutes, { ctx, scrypt: options.scrypt ?? DEFAULT_SCRYPT, publicUrl: options.publicUrl });
      await api.register(webhookAdminRoutes, { ctx, wake: () => services.processor.wake() });
      await api.register(mediaFileRoutes, { ctx });
      await api.register(crmRoutes, { ctx, segmentWhere: (filter) => segmentWhere(ctx.store.db, filter, { now: ctx.clock.now(), table: 'contacts' }) });
      await api.register(segmentRoutes, { ctx });
      await api.register(importRoutes, { ctx });
      await api.register(messageRoutes, { ctx, wake: () => services.wakeDispatcher() });
      await api.register(numberRoutes, { ctx });
      await api.register(inboxRoutes, { ctx });
      await api.register(services.hub.plugin);
      await api.register(templateRoutes, { ctx, wake: () => services.wakeDispatcher() });
      await api.register(pricingRoutes, { ctx });
      await api.register(campaignRoutes, { ctx, wake: () => services.wakeCampaigns() });
    });
  }
  // The web app last: its SPA fallback must not shadow API routes.
  await app.register(webPlugin);
  return app;
}
