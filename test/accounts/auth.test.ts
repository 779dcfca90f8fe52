import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describeEachEngine } from '../helpers/store.ts';
import { asUser, signIn, TEST_PASSWORD, testApi, type SignedIn, type TestApi } from '../helpers/api.ts';
import type { TestClock } from '../helpers/context.ts';
import { ensureOwner } from '../../src/accounts/links.ts';
import { SESSION_COOKIE } from '../../src/accounts/sessions.ts';
import { SIGN_IN_LIMITS } from '../../src/accounts/throttle.ts';
import { auditLog } from '../../src/accounts/schema.ts';

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const sessionCookie = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === SESSION_COOKIE);

describeEachEngine('accounts: sign-in, sessions, users, teams', (engine) => {
  let api: TestApi;
  let clock: TestClock;
  let admin: SignedIn;
  let asAdmin: (o: InjectOptions | string) => Promise<LightMyRequestResponse>;
  const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  beforeAll(async () => {
    api = await testApi(engine.store, {}, { publicUrl: 'https://charla.example.es' });
    clock = api.ctx.clock as TestClock;
  });
  afterAll(() => api.close());

  it('first start: ensureOwner creates the owner once and its link signs in and sets e-mail and password', async () => {
    const first = await ensureOwner(api.ctx, { publicUrl: 'http://127.0.0.1:3000/' });
    expect(first?.link).toMatch(/^http:\/\/127\.0\.0\.1:3000\/signin\/link\?token=[\w-]{43}$/);
    expect(await ensureOwner(api.ctx, { publicUrl: 'http://127.0.0.1:3000' })).toBeNull();
    const token = tokenOf(first!.link);

    const info = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link-info', payload: { token } });
    expect(info.json()).toMatchObject({ purpose: 'owner_setup', email: null, role: 'owner', hasPassword: false });

    const short = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link', payload: { token, password: 'short' } });
    expect(short.statusCode).toBe(400);
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link', payload: { token, password: 'la contraseña del dueño', email: 'Dueña@Tienda.es', name: 'Marta' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: 'dueña@tienda.es', name: 'Marta', role: 'owner', language: null, availability: 'away', teamIds: [] });
    expect(res.json().csrfToken).toMatch(/^[\w-]{43}$/);
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 30 * 24 * 3600 });
    expect(cookie.secure).toBeFalsy();
    expect(res.headers['set-cookie']).not.toContain(token);

    const again = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link', payload: { token, password: 'otra contraseña larga' } });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('link_invalid');
    expect((await login('DUEÑA@tienda.es', 'la contraseña del dueño')).statusCode).toBe(200);
  });

  it('the session cookie is Secure behind HTTPS, and /me returns the person and the CSRF token', async () => {
    admin = await signIn(api, 'admin', { name: 'Ana Admin' });
    asAdmin = asUser(api, admin);
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { email: admin.user.email, password: TEST_PASSWORD } });
    expect(sessionCookie(res)?.secure).toBe(true);
    const me = await asAdmin('/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: { id: admin.user.id, email: admin.user.email, name: 'Ana Admin', role: 'admin', language: null, availability: 'away', teamIds: [] }, csrfToken: admin.csrf });
  });

  it('CSRF: cookie requests that change something need x-csrf-token; reads and the API token do not', async () => {
    const noHeader = await api.app.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers: { cookie: admin.cookie }, payload: { language: 'es' } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('csrf_token_invalid');
    const wrong = await api.app.inject({ method: 'PATCH', url: '/api/v1/auth/me', headers: { cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: { language: 'es' } });
    expect(wrong.statusCode).toBe(403);
    expect((await api.app.inject({ url: '/api/v1/contacts', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    const ok = await asAdmin({ method: 'PATCH', url: '/api/v1/auth/me', payload: { language: 'es', availability: 'online' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ language: 'es', availability: 'online' });
    expect((await api.call({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Ventas' } })).statusCode).toBe(201);
  });

  it('the API token is an admin but not a person: /auth/me is refused', async () => {
    expect((await api.call('/api/v1/users')).statusCode).toBe(200);
    const me = await api.call('/api/v1/auth/me');
    expect(me.statusCode).toBe(403);
  });

  it('sign-in failures look the same for unknown and known e-mails', async () => {
    const unknown = await login('nadie@tienda.es', 'whatever password', '10.0.0.1');
    const wrong = await login(admin.user.email, 'whatever password', '10.0.0.1');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('sign-in throttling: 5 failures per e-mail → 429 with Retry-After, lifted when the window passes', async () => {
    const victim = await signIn(api, 'agent');
    clock.advance(1000);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) {
      expect((await login(victim.user.email, `wrong password ${i}`, `10.1.0.${i}`)).statusCode).toBe(401);
      clock.advance(1000);
    }
    const blocked = await login(victim.user.email, TEST_PASSWORD, '10.1.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('too_many_attempts');
    const retry = Number(blocked.headers['retry-after']);
    expect(retry).toBeGreaterThan(SIGN_IN_LIMITS.windowMs / 1000 - 10);
    expect(retry).toBeLessThanOrEqual(SIGN_IN_LIMITS.windowMs / 1000);
    clock.advance(retry * 1000);
    expect((await login(victim.user.email, TEST_PASSWORD, '10.1.1.1')).statusCode).toBe(200);
  });

  it('a successful sign-in starts the per-e-mail count again', async () => {
    const user = await signIn(api, 'agent');
    clock.advance(1000);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < SIGN_IN_LIMITS.perEmail - 1; i++) {
        expect((await login(user.user.email, 'nope nope nope', `10.2.${round}.${i}`)).statusCode).toBe(401);
        clock.advance(1000);
      }
      expect((await login(user.user.email, TEST_PASSWORD, '10.2.9.9')).statusCode).toBe(200);
      clock.advance(1000);
    }
  });

  it('sign-in throttling per address: many e-mails from one address are stopped, other addresses are not', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      expect((await login(`guess${i}@tienda.es`, 'password123', '10.3.3.3')).statusCode).toBe(401);
    }
    expect((await login(admin.user.email, TEST_PASSWORD, '10.3.3.3')).statusCode).toBe(429);
    expect((await login(admin.user.email, TEST_PASSWORD, '10.3.3.4')).statusCode).toBe(200);
    clock.advance(SIGN_IN_LIMITS.windowMs);
  });

  it('sign out ends this session; sign out everywhere ends every session of the person', async () => {
    const a = await signIn(api, 'supervisor');
    const b = await login(a.user.email, TEST_PASSWORD);
    const cookieB = `${SESSION_COOKIE}=${sessionCookie(b)!.value}`;
    const out = await asUser(api, a)({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(sessionCookie(out)?.value).toBe('');
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: cookieB } })).statusCode).toBe(200);

    const c = await login(a.user.email, TEST_PASSWORD);
    const cookieC = `${SESSION_COOKIE}=${sessionCookie(c)!.value}`;
    const all = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: { cookie: cookieB, 'x-csrf-token': b.json().csrfToken } });
    expect(all.statusCode).toBe(204);
    for (const cookie of [cookieB, cookieC]) expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await login(a.user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('changing the password needs the current one and signs out other browsers', async () => {
    const s = await signIn(api, 'agent');
    const other = await signIn(api, 'agent', { email: `x-${s.user.email}` }); // unrelated person stays signed in
    const second = await login(s.user.email, TEST_PASSWORD);
    const as = asUser(api, s);
    expect((await as({ method: 'PATCH', url: '/api/v1/auth/me', payload: { password: 'new password 2026' } })).statusCode).toBe(400);
    expect((await as({ method: 'PATCH', url: '/api/v1/auth/me', payload: { password: 'new password 2026', currentPassword: 'wrong one' } })).json().error.code).toBe('wrong_password');
    const ok = await as({ method: 'PATCH', url: '/api/v1/auth/me', payload: { password: 'new password 2026', currentPassword: TEST_PASSWORD } });
    expect(ok.statusCode).toBe(200);
    const fresh = { cookie: `${SESSION_COOKIE}=${sessionCookie(ok)!.value}`, csrf: ok.json().csrfToken as string };
    expect((await asUser(api, fresh)('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: `${SESSION_COOKIE}=${sessionCookie(second)!.value}` } })).statusCode).toBe(401);
    expect((await asUser(api, other)('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await login(s.user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(s.user.email, 'new password 2026')).statusCode).toBe(200);
  });

  it('invitations: an admin invites, the link is shown, the person accepts and is signed in with their teams', async () => {
    const team = (await asAdmin({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Soporte', assignment: 'round_robin' } })).json();
    expect(team).toMatchObject({ name: 'Soporte', assignment: 'round_robin', memberIds: [] });
    const inv = await asAdmin({ method: 'POST', url: '/api/v1/users/invitations', payload: { email: 'luis@tienda.es', name: 'Luis', role: 'agent', teamIds: [team.id] } });
    expect(inv.statusCode).toBe(201);
    expect(inv.json().inviteUrl).toMatch(/^https:\/\/charla\.example\.es\/signin\/invite\?token=[\w-]{43}$/);
    expect(inv.json().user).toMatchObject({ email: 'luis@tienda.es', role: 'agent', pending: true, teamIds: [team.id] });
    expect((await login('luis@tienda.es', '')).statusCode).toBe(400);

    // inviting again replaces the link
    const again = await asAdmin({ method: 'POST', url: '/api/v1/users/invitations', payload: { email: 'LUIS@tienda.es', name: 'Luis G.', role: 'agent', teamIds: [team.id] } });
    expect(again.statusCode).toBe(201);
    const oldToken = tokenOf(inv.json().inviteUrl);
    const token = tokenOf(again.json().inviteUrl);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invite', payload: { token: oldToken, name: 'Luis', password: 'mi contraseña' } })).statusCode).toBe(410);

    const info = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link-info', payload: { token } });
    expect(info.json()).toMatchObject({ purpose: 'invite', email: 'luis@tienda.es', name: 'Luis G.', role: 'agent' });
    const accepted = await api.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invite', payload: { token, name: 'Luis García', password: 'mi contraseña' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user).toMatchObject({ name: 'Luis García', role: 'agent', teamIds: [team.id] });
    expect(sessionCookie(accepted)?.httpOnly).toBe(true);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/auth/accept-invite', payload: { token, name: 'X', password: 'mi contraseña' } })).statusCode).toBe(410);
    expect((await login('luis@tienda.es', 'mi contraseña')).statusCode).toBe(200);
    const existing = await asAdmin({ method: 'POST', url: '/api/v1/users/invitations', payload: { email: 'luis@tienda.es', name: 'Luis', role: 'agent' } });
    expect(existing.statusCode).toBe(409);

    const agent = await signIn(api, 'agent');
    expect((await asUser(api, agent)({ method: 'POST', url: '/api/v1/users/invitations', payload: { email: 'x@y.es', name: 'X', role: 'owner' } })).statusCode).toBe(403);
  });

  it('users: admins manage staff but not owners; the last owner stays; disabling ends sessions', async () => {
    const created = await asAdmin({ method: 'POST', url: '/api/v1/users', payload: { email: 'Sara@Tienda.es', name: 'Sara', role: 'supervisor', password: 'sara password' } });
    expect(created.statusCode).toBe(201);
    const sara = created.json();
    expect(sara).toMatchObject({ email: 'sara@tienda.es', role: 'supervisor', pending: false, disabled: false });
    expect(JSON.stringify(sara)).not.toMatch(/scrypt|password/i);
    expect((await asAdmin({ method: 'POST', url: '/api/v1/users', payload: { email: 'SARA@tienda.es', name: 'S', role: 'agent', password: 'sara password' } })).statusCode).toBe(409);
    expect((await asAdmin({ method: 'POST', url: '/api/v1/users', payload: { email: 'boss@tienda.es', name: 'B', role: 'owner', password: 'boss password' } })).json().error.code).toBe('owner_only');

    const patched = await asAdmin({ method: 'PATCH', url: `/api/v1/users/${sara.id}`, payload: { role: 'agent', language: 'en' } });
    expect(patched.json()).toMatchObject({ role: 'agent', language: 'en' });

    const saraLogin = await login('sara@tienda.es', 'sara password');
    const saraCookie = `${SESSION_COOKIE}=${sessionCookie(saraLogin)!.value}`;
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: saraCookie } })).json().user.role).toBe('agent');
    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/users/${sara.id}` })).json()).toMatchObject({ disabled: true });
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: saraCookie } })).statusCode).toBe(401);
    expect((await login('sara@tienda.es', 'sara password')).statusCode).toBe(401);
    expect((await asAdmin('/api/v1/users')).json().data.map((u: { id: string }) => u.id)).not.toContain(sara.id);
    expect((await asAdmin('/api/v1/users?includeDisabled=true')).json().data.map((u: { id: string }) => u.id)).toContain(sara.id);
    expect((await asAdmin({ method: 'PATCH', url: `/api/v1/users/${sara.id}`, payload: { disabled: false } })).json().disabled).toBe(false);
    expect((await login('sara@tienda.es', 'sara password')).statusCode).toBe(200);

    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/users/${admin.user.id}` })).json().error.code).toBe('cannot_disable_self');
    const owner = await signIn(api, 'owner');
    const asOwner = asUser(api, owner);
    const owners = (await asOwner('/api/v1/users')).json().data.filter((u: { role: string }) => u.role === 'owner');
    expect(owners.length).toBe(2); // the first-start owner and this one
    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/users/${owner.user.id}` })).json().error.code).toBe('owner_only');
    const firstOwner = owners.find((u: { id: string }) => u.id !== owner.user.id);
    expect((await asOwner({ method: 'DELETE', url: `/api/v1/users/${firstOwner.id}` })).statusCode).toBe(200);
    const demote = await asOwner({ method: 'PATCH', url: `/api/v1/users/${owner.user.id}`, payload: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_owner');
    expect((await asOwner({ method: 'PATCH', url: `/api/v1/users/${firstOwner.id}`, payload: { disabled: false } })).statusCode).toBe(200);
  });

  it('password reset links: issued by an admin, need a new password, end old sessions', async () => {
    const s = await signIn(api, 'agent');
    const link = await asAdmin({ method: 'POST', url: `/api/v1/users/${s.user.id}/reset-link` });
    expect(link.json().resetUrl).toMatch(/^https:\/\/charla\.example\.es\/signin\/link\?token=/);
    const token = tokenOf(link.json().resetUrl);
    const noPassword = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link', payload: { token } });
    expect(noPassword.json().error.code).toBe('password_required');
    const used = await api.app.inject({ method: 'POST', url: '/api/v1/auth/link', payload: { token, password: 'reset password 1' } });
    expect(used.statusCode).toBe(200); // the failed attempt above did not use the link up
    expect((await asUser(api, s)('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login(s.user.email, 'reset password 1')).statusCode).toBe(200);
  });

  it('teams: members show up in the principal, names are unique, assignment modes are checked', async () => {
    const agent = await signIn(api, 'agent');
    const t = (await asAdmin({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Reservas' } })).json();
    expect(t.assignment).toBe('manual');
    expect((await asAdmin({ method: 'POST', url: '/api/v1/teams', payload: { name: 'Reservas' } })).statusCode).toBe(409);
    expect((await asAdmin({ method: 'PATCH', url: `/api/v1/teams/${t.id}`, payload: { assignment: 'random' } })).statusCode).toBe(400);
    expect((await asAdmin({ method: 'PATCH', url: `/api/v1/teams/${t.id}`, payload: { assignment: 'least_busy' } })).json().assignment).toBe('least_busy');
    const members = await asAdmin({ method: 'PUT', url: `/api/v1/teams/${t.id}/members`, payload: { userIds: [agent.user.id] } });
    expect(members.json().memberIds).toEqual([agent.user.id]);
    expect((await asUser(api, agent)('/api/v1/auth/me')).json().user.teamIds).toEqual([t.id]);
    expect((await asAdmin({ method: 'PUT', url: `/api/v1/teams/${t.id}/members`, payload: { userIds: ['00000000-0000-4000-8000-000000000000'] } })).json().error.code).toBe('user_not_found');
    expect((await asUser(api, agent)('/api/v1/teams')).statusCode).toBe(200);
    expect((await asUser(api, agent)({ method: 'PATCH', url: `/api/v1/teams/${t.id}`, payload: { name: 'Mine' } })).statusCode).toBe(403);
    expect((await asAdmin({ method: 'DELETE', url: `/api/v1/teams/${t.id}` })).statusCode).toBe(204);
    expect((await asUser(api, agent)('/api/v1/auth/me')).json().user.teamIds).toEqual([]);
  });

  it('audit log: sign-ins, user, team and settings changes are recorded for owners and admins, with no secrets', async () => {
    expect((await asAdmin({ method: 'PUT', url: '/api/v1/settings/consent-keywords', payload: { optOut: ['BAJA'], optIn: ['ALTA'] } })).statusCode).toBeLessThan(500);
    const page = await asAdmin('/api/v1/audit?limit=200');
    expect(page.statusCode).toBe(200);
    const actions = new Set(page.json().data.map((e: { action: string }) => e.action));
    for (const a of ['auth.sign_in', 'auth.sign_in_failed', 'auth.sign_out', 'auth.sign_out_everywhere', 'auth.link_used', 'user.invited', 'user.invite_accepted', 'user.created', 'user.updated', 'user.disabled', 'user.password_changed', 'team.created', 'team.members', 'team.deleted']) {
      expect(actions, a).toContain(a);
    }
    const failed = await asAdmin('/api/v1/audit?action=auth.sign_in_failed&limit=1');
    expect(failed.json().data[0]).toMatchObject({ action: 'auth.sign_in_failed', details: { ip: expect.any(String), reason: expect.any(String) } });
    expect(failed.json().nextCursor).toEqual(expect.any(String));
    const next = await asAdmin(`/api/v1/audit?action=auth.sign_in_failed&limit=1&cursor=${failed.json().nextCursor}`);
    expect(next.json().data[0].id).not.toBe(failed.json().data[0].id);

    const all = JSON.stringify(await api.ctx.store.db.select().from(auditLog));
    for (const secret of [TEST_PASSWORD, 'mi contraseña', 'new password 2026', admin.csrf, admin.cookie.split('=')[1]!]) expect(all).not.toContain(secret);

    const supervisor = await signIn(api, 'supervisor');
    expect((await asUser(api, supervisor)('/api/v1/audit')).statusCode).toBe(403);
  });

  it('settings changes through other capabilities are audited by the guard', async () => {
    const res = await asAdmin({ method: 'POST', url: '/api/v1/fields', payload: { entity: 'contact', key: 'plan', label: 'Plan', type: 'text' } });
    expect(res.statusCode).toBeLessThan(300);
    const entries = (await asAdmin('/api/v1/audit?action=settings.fields')).json().data;
    expect(entries[0]).toMatchObject({ actorId: admin.user.id, action: 'settings.fields', subject: 'POST /api/v1/fields', details: { status: res.statusCode, by: 'user' } });
  });
  it('sessions slide: used within 30 days they live on; touched at most once a minute; unused for 30 days they end', async () => {
    const s = await signIn(api, 'agent');
    const me = () => api.app.inject({ url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
    const soon = await me();
    expect(soon.statusCode).toBe(200);
    expect(sessionCookie(soon)).toBeUndefined(); // not touched within the minute
    clock.advance(29 * 24 * 3600_000);
    const later = await me();
    expect(later.statusCode).toBe(200);
    expect(sessionCookie(later)?.maxAge).toBe(30 * 24 * 3600);
    clock.advance(29 * 24 * 3600_000);
    expect((await me()).statusCode).toBe(200);
    clock.advance(30 * 24 * 3600_000 + 1000);
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session_expired');
    expect(sessionCookie(expired)?.value).toBe('');
  });
});
