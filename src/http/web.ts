import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface WebOptions {
  /** The built app (default: web/dist of this checkout). */
  root?: string;
}

/** Paths that belong to the server: never answered with the app's index.html. */
export const SERVER_PREFIXES = ['/api', '/admin', '/webhooks', '/docs', '/metrics', '/healthz', '/readyz', '/_sandbox'];

export function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/http → repo root; a compiled dist/src/http sits one level deeper.
  const candidates = [resolve(here, '../../web/dist'), resolve(here, '../../../web/dist')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!;
}

const isServerPath = (path: string) => SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

// The app renders customer text; a strict policy keeps any slip from running script.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function missingBuildPage(root: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Charla: web app not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:4rem auto;padding:0 1rem;line-height:1.5}code{background:#f3f3f3;padding:2px 4px;border-radius:4px}</style></head>
<body><h1>The web app has not been built yet</h1>
<p>Charla's API is running, but there is no web app in <code>${root.replace(/[<>&"]/g, '')}</code>.</p>
<p>Build it with <code>npm run build:web</code> (or <code>npx vite build web</code>) and reload this page. <code>npm start</code> builds it for you when it is missing.</p>
<p>La aplicación web aún no está compilada: ejecuta <code>npm run build:web</code> y recarga la página.</p>
<p>API documentation: <a href="/docs">/docs</a></p></body></html>`;
}

/**
 * Serves the built React app (web/dist) and answers every other GET outside the server's own
 * prefixes with index.html, so deep links like /inbox/<id> load the app (client-side routing).
 */
export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const root = resolve(options.root ?? defaultWebRoot());
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });

  const sendIndex = (reply: FastifyReply) => {
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin');
    if (!existsSync(join(root, 'index.html'))) {
      return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(missingBuildPage(root));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (isServerPath(path)) return reply.callNotFound();
    const rel = normalize(path).replace(/^[/\\]+/, '');
    if (rel && !rel.split(sep).includes('..')) {
      const file = join(root, rel);
      let isFile: boolean;
      try {
        isFile = file.startsWith(root + sep) && statSync(file).isFile();
      } catch {
        isFile = false;
      }
      if (isFile) {
        // Vite puts a content hash in every asset name: those never change.
        const immutable = rel.startsWith(`assets${sep}`);
        return reply
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .sendFile(rel, root, { cacheControl: false });
      }
      // A missing file with an extension (a stale /assets/x.js) is a 404, not the app.
      if (/\.[a-z0-9]{1,8}$/i.test(rel)) return reply.callNotFound();
    }
    return sendIndex(reply);
  });
};

export default webPlugin;
