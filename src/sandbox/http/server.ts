import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { SandboxControl } from '../control.ts';
import type { Engine } from '../engine.ts';
import { GraphError, graphErrorBody } from '../errors.ts';
import { registerControlRoutes } from './control-routes.ts';
import { registerGraphRoutes } from './graph-routes.ts';

export function sendGraphError(reply: FastifyReply, err: GraphError): FastifyReply {
  return reply.code(err.httpStatus).header('www-authenticate', err.httpStatus === 401 ? 'OAuth "Facebook Platform" "invalid_token"' : undefined).send(graphErrorBody(err));
}

/** Turn anything thrown into Meta's error shape; never a stack trace on the wire. */
function toGraphError(err: unknown, engine: Engine): GraphError {
  if (err instanceof GraphError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (typeof e.code === 'string' && e.code.startsWith('FST_')) {
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new GraphError(100, 'Unsupported Content-Type; send application/json.');
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.code === 'FST_REQ_FILE_TOO_LARGE') return new GraphError(100, 'Request body is too large.');
    return new GraphError(100, `Invalid request: ${e.message ?? 'malformed body'}`);
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new GraphError(100, e.message ?? 'Invalid request');
  engine.log.error({ err }, 'sandbox internal error');
  return new GraphError(131000, 'An unexpected error occurred in the sandbox.');
}

export async function buildServer(engine: Engine, control: SandboxControl): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, return503OnClosing: false });

  // Graph accepts form posts too; JSON-looking values are parsed like Graph does.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const t = v.trim();
      if (t.startsWith('{') || t.startsWith('[')) {
        try {
          out[k] = JSON.parse(t);
          continue;
        } catch {
          // keep the raw string
        }
      }
      out[k] = v;
    }
    done(null, out);
  });
  // JSON parse errors must come back as Graph errors, not fastify's shape.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new GraphError(100, 'The request body is not valid JSON.'), undefined);
    }
  });
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 1, fields: 10 } });

  app.setErrorHandler((err, _req: FastifyRequest, reply) => sendGraphError(reply, toGraphError(err, engine)));
  app.setNotFoundHandler((req, reply) =>
    sendGraphError(reply, new GraphError(100, `Unknown path components: ${req.url.split('?')[0]}`)),
  );

  registerGraphRoutes(app, engine);
  registerControlRoutes(app, engine, control);
  return app;
}
