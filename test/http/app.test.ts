import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describeEachEngine } from '../helpers/store.ts';
import { buildApp } from '../../src/http/app.ts';
import { HttpError } from '../../src/http/errors.ts';

describeEachEngine('http foundation', (ctx) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ store: ctx.store, logger: false });
    // Routes that exist only to exercise the error shape.
    app.withTypeProvider<ZodTypeProvider>().post(
      '/test/echo',
      { schema: { body: z.object({ name: z.string().min(1), age: z.number().int() }) } },
      async (request) => request.body,
    );
    app.get('/test/boom', async () => {
      throw new Error('secret internal detail');
    });
    app.get('/test/refuse', async () => {
      throw new HttpError(422, 'window_closed', 'Outside the 24 h window only an approved template can be sent.');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('GET /healthz answers ok', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('GET /readyz reports the engine and current migrations', async () => {
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', engine: ctx.engine });
  });

  it('GET /metrics serves Prometheus text with HTTP and DB histograms', async () => {
    await app.inject('/healthz');
    await app.inject('/readyz');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/charla_http_request_duration_seconds_bucket\{.*route="\/healthz".*\}/);
    expect(res.body).toMatch(/charla_db_query_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(res.body).toMatch(/charla_process_resident_memory_bytes/);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = await app.inject('/docs/json');
    expect(spec.statusCode).toBe(200);
    expect(spec.json().paths['/readyz']).toBeDefined();
    const page = await app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/swagger/i);
  });

  it('unknown routes answer 404 in the error shape', async () => {
    const res = await app.inject('/api/v1/nothing-here?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here. See /docs for the API.' } });
  });

  it('invalid bodies answer 400 naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'Ana', age: 'old' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^Invalid age: /);
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'age' })]);
  });

  it('malformed JSON answers 400 in the error shape', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('errors thrown by services keep their status and code', async () => {
    const res = await app.inject('/test/refuse');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: { code: 'window_closed', message: 'Outside the 24 h window only an approved template can be sent.' } });
  });

  it('unexpected errors answer 500 without leaking internals', async () => {
    const res = await app.inject({ url: '/test/boom', headers: { 'x-request-id': 'req-123' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret internal detail|at .*\.ts/);
    expect(res.json().error).toMatchObject({ code: 'internal_error', message: expect.stringContaining('req-123') });
  });
});
