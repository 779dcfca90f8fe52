import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { AppContext } from '../context.ts';
import { audit } from '../accounts/audit.ts';
import { AUDITED_PERMISSIONS, can, PUBLIC, ruleFor, type RouteRule } from '../accounts/permissions.ts';
import type { Principal } from '../accounts/principal.ts';
import { bindSession, clearSessionCookie, findSession, SESSION_COOKIE, setSessionCookie, touchSession } from '../accounts/sessions.ts';
import { safeEqual } from '../accounts/tokens.ts';
import { sendError } from './errors.ts';

/**
 * The integrator API token (acts as role admin): CHARLA_API_TOKEN, or in embedded mode a token
 * generated once into the data dir. People sign in with accounts instead (session cookie).
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

const ruleOf = (request: FastifyRequest): RouteRule | undefined => ruleFor(request.method, request.routeOptions.url ?? '');

/** The API token as a principal: an integration acting with admin rights and no team. */
export const TOKEN_PRINCIPAL: Readonly<Principal> = Object.freeze({ kind: 'token', userId: null, role: 'admin', teamIds: [] as string[] });

export interface AuthOptions {
  ctx: AppContext;
  /** The integrator bearer token (CHARLA_API_TOKEN). */
  apiToken: string;
}

/**
 * Guard a scope (/api and /admin): `authenticate` accepts the session cookie (CSRF token required
 * on unsafe methods) or the bearer API token and sets `request.principal`; `authorize` looks the
 * route up in the permission table and denies when there is no entry. Both run on onRequest,
 * before the body is read, so nothing of an unauthorised request is parsed or stored.
 */
export async function installAuth(scope: FastifyInstance, options: AuthOptions): Promise<void> {
  const { ctx } = options;
  const expected = digest(options.apiToken);
  await scope.register(cookie);
  scope.decorateRequest('principal', null as unknown as Principal);

  scope.addHook('onRequest', async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    if (ruleOf(request) === PUBLIC) return;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
      // Compare digests so the comparison is constant-time whatever the lengths.
      if (!given || !timingSafeEqual(digest(given), expected)) {
        return sendError(reply, 401, 'unauthorized', 'The API token is not valid. Send it as "Authorization: Bearer <token>" (CHARLA_API_TOKEN), or sign in.');
      }
      request.principal = { ...TOKEN_PRINCIPAL, teamIds: [] };
      return;
    }
    const cookieValue = request.cookies[SESSION_COOKIE];
    if (!cookieValue) {
      return sendError(reply, 401, 'unauthenticated', 'Sign in first (or send the API token as "Authorization: Bearer <token>").');
    }
    const active = await findSession(ctx, cookieValue);
    if (!active) {
      clearSessionCookie(request, reply);
      return sendError(reply, 401, 'session_expired', 'Your session has ended; sign in again.');
    }
    // Synchronizer token: a cross-site page can make the browser send the cookie, not this header.
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, active.session.csrfToken)) {
        return sendError(reply, 403, 'csrf_token_invalid', `Send the CSRF token from /api/v1/auth/me in the ${CSRF_HEADER} header with every change.`);
      }
    }
    const renewed = await touchSession(ctx, active.session);
    if (renewed) setSessionCookie(request, reply, cookieValue, renewed, ctx.clock.now());
    bindSession(request, active);
    request.principal = { kind: 'user', userId: active.user.id, role: active.user.role, teamIds: active.teamIds };
  });

  scope.addHook('onRequest', async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const rule = ruleOf(request);
    if (rule === PUBLIC) return;
    if (rule === undefined) {
      // Fail closed: a route nobody has classified is refused to everyone, with a hint for developers.
      return sendError(reply, 403, 'forbidden', `No permission is defined for ${request.method} ${request.routeOptions.url ?? request.url}; it is closed until one is added to src/accounts/permissions.ts.`);
    }
    if (!can(request.principal, rule)) {
      const who = request.principal.kind === 'token' ? 'The API token' : `Your role (${request.principal.role})`;
      return sendError(reply, 403, 'forbidden', `${who} does not allow this (${rule}).`, { permission: rule });
    }
  });

  // Settings changes, exports and merges are audited here once for every capability.
  scope.addHook('onResponse', async (request, reply) => {
    const rule = ruleOf(request);
    if (rule === undefined || rule === PUBLIC || !AUDITED_PERMISSIONS.has(rule) || reply.statusCode >= 400 || !request.principal) return;
    if (SAFE_METHODS.has(request.method) && rule !== 'contacts.export') return;
    try {
      await audit(ctx, {
        actorId: request.principal.userId,
        action: rule,
        subject: `${request.method} ${request.routeOptions.url ?? ''}`,
        details: { path: request.url.split('?')[0], params: request.params ?? null, status: reply.statusCode, by: request.principal.kind },
      });
    } catch (err) {
      request.log.error({ err }, 'audit entry could not be written');
    }
  });
}
