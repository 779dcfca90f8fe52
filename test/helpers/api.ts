import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { Store } from '../../src/store/connection.ts';
import type { AppContext } from '../../src/context.ts';
import { TEST_SCRYPT } from '../../src/accounts/passwords.ts';
import type { Principal, Role } from '../../src/accounts/principal.ts';
import { SESSION_COOKIE } from '../../src/accounts/sessions.ts';
import { createUser, type Me } from '../../src/accounts/users.ts';
import { testContext } from './context.ts';

export const TEST_API_TOKEN = 'test-api-token-0123456789abcdef';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApi {
  app: FastifyInstance;
  ctx: AppContext;
  services: Services;
  /** inject() with the API token. */
  call(opts: InjectOptions | string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The real app over a test store, background workers off (tests drive them). Cheap scrypt. */
export async function testApi(store: Store, overrides: Partial<AppContext> = {}, appOptions: Partial<AppOptions> = {}): Promise<TestApi> {
  const ctx = testContext(store, overrides);
  const services = createServices(ctx, { workers: false });
  const app = await buildApp({ store, logger: false, services, apiToken: TEST_API_TOKEN, scrypt: TEST_SCRYPT, ...appOptions });
  await app.ready();
  await services.start(); // workers off: only the live-events hub starts
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

export interface SignedIn {
  /** `charla_session=…`, ready for a Cookie header. */
  cookie: string;
  /** The CSRF token to send as x-csrf-token on POST/PUT/PATCH/DELETE. */
  csrf: string;
  user: Me;
}

/** Everything is allowed to the test harness itself (it creates owners too). */
const HARNESS: Principal = { kind: 'token', userId: null, role: 'owner', teamIds: [] };

/**
 * Create a user with this role (a fresh e-mail each call) and sign them in through
 * POST /api/v1/auth/login, as the web app does.
 */
export async function signIn(api: Pick<TestApi, 'app' | 'ctx'>, role: Role, opts: { teamIds?: string[]; name?: string; email?: string } = {}): Promise<SignedIn> {
  const email = opts.email ?? `${role}-${randomBytes(4).toString('hex')}@test.charla`;
  await createUser(api.ctx, HARNESS, { email, name: opts.name ?? `Test ${role}`, role, teamIds: opts.teamIds ?? [], password: TEST_PASSWORD }, TEST_SCRYPT);
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`signIn(${role}) failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('signIn: no session cookie was set');
  const body = res.json() as { user: Me; csrfToken: string };
  return { cookie: `${SESSION_COOKIE}=${cookie.value}`, csrf: body.csrfToken, user: body.user };
}

/** inject() as a signed-in user: session cookie plus the CSRF header. */
export function asUser(api: Pick<TestApi, 'app'>, session: Pick<SignedIn, 'cookie' | 'csrf'>) {
  return (opts: InjectOptions | string): Promise<LightMyRequestResponse> => {
    const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
    return api.app.inject({ ...o, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(o.headers ?? {}) } });
  };
}
