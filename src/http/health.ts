import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../store/connection.ts';
import { migrationState } from '../store/migrate.ts';
import { errorBodySchema } from './errors.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database is reachable and its migrations are current',
        response: {
          200: z.object({ status: z.literal('ready'), engine: z.string(), migrations: z.object({ applied: z.number(), expected: z.number() }) }),
          503: errorBodySchema,
        },
      },
    },
    async (_request, reply) => {
      try {
        await store.ping();
      } catch (err) {
        return reply.status(503).send({
          error: { code: 'database_unreachable', message: `The database does not answer: ${(err as Error).message}` },
        });
      }
      const state = await migrationState(store);
      if (!state.current) {
        return reply.status(503).send({
          error: {
            code: 'migrations_pending',
            message: `The database has ${state.applied} of ${state.expected} migrations applied. Run \`charla migrate\` (or restart, which migrates).`,
            details: state,
          },
        });
      }
      return { status: 'ready' as const, engine: store.engine, migrations: { applied: state.applied, expected: state.expected } };
    },
  );
};
