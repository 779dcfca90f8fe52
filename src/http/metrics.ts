import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { onQuery } from '../store/timing.ts';

/** Prometheus text at /metrics: process defaults, HTTP and database latency histograms. */
export function installMetrics(app: FastifyInstance): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'charla_' });
  const http = new Histogram({
    name: 'charla_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const db = new Histogram({
    name: 'charla_db_query_duration_seconds',
    help: 'Database query latency',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const unsubscribe = onQuery((seconds, ok) => db.observe({ outcome: ok ? 'ok' : 'error' }, seconds));
  app.addHook('onClose', async () => unsubscribe());

  app.addHook('onResponse', async (request, reply) => {
    // routeOptions.url is the pattern (/api/v1/contacts/:id), so label cardinality stays bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    http.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
