import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.ts';

/**
 * Interim API authentication: one bearer token for the REST API (/api, /admin) until user accounts
 * and roles land. CHARLA_API_TOKEN, or in embedded mode a token generated once into the data dir.
 */
export function loadApiToken(config: { CHARLA_API_TOKEN?: string | undefined; DATABASE_URL?: string | undefined; CHARLA_DATA_DIR: string }): { token: string; generated: boolean } {
  if (config.CHARLA_API_TOKEN) return { token: config.CHARLA_API_TOKEN, generated: false };
  if (config.DATABASE_URL) {
    throw new Error('CHARLA_API_TOKEN is required with DATABASE_URL: set the same random string of 24+ characters on every process.');
  }
  const dir = resolve(config.CHARLA_DATA_DIR);
  const file = join(dir, 'api-token');
  let generated = false;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `ch_${randomBytes(24).toString('base64url')}`, { mode: 0o600, flag: 'wx' });
    generated = true;
  }
  return { token: readFileSync(file, 'utf8').trim(), generated };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerGuard(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    // Compare digests so the comparison is constant-time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return sendError(
        reply,
        401,
        'unauthorized',
        given ? 'The API token is not valid.' : 'Send the API token as "Authorization: Bearer <token>" (printed at first start; CHARLA_API_TOKEN).',
      );
    }
  };
}
