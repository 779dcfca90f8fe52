import { eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError, sendError } from '../http/errors.ts';
import type { Db } from '../store/connection.ts';
import { audit, listAudit } from './audit.ts';
import { consumeLink, createLink, FIRST_OWNER_EMAIL, linkUrl, peekLink, type LinkPurpose } from './links.ts';
import { burnVerification, hashPassword, needsRehash, PASSWORD_MAX, PASSWORD_MIN, verifyPassword, type ScryptParams } from './passwords.ts';
import { ROLES } from './principal.ts';
import { users } from './schema.ts';
import { clearSessionCookie, createSession, deleteSession, sessionOf, setSessionCookie, voidSessions, type UserRow } from './sessions.ts';
import { createTeam, deleteTeam, getTeam, listTeams, setTeamMembers, updateTeam, ASSIGNMENT_MODES } from './teams.ts';
import { normalizeEmail, recordSignIn, recordSignInFailure, signInRetryAfter } from './throttle.ts';
import {
  AVAILABILITY, createUser, disableUser, findUserByEmail, getUserRow, LANGUAGES, listUsers, meOf, teamIdsOf, updateUser, userView,
} from './users.ts';

export interface AccountRouteOptions {
  ctx: AppContext;
  /** scrypt cost; production uses DEFAULT_SCRYPT, tests pass a cheaper one. */
  scrypt: ScryptParams;
  /** Base of links shown to people (invitations, resets); else taken from the request. */
  publicUrl?: string | undefined;
}

const id = z.object({ id: z.uuid() });
// Unicode local parts allowed: Spanish names (ñ, accents) appear in real addresses.
const email = z.string().trim().max(254).pipe(z.email({ pattern: z.regexes.unicodeEmail }));
const password = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
const name = z.string().trim().min(1).max(120);
const role = z.enum(ROLES);
const language = z.enum(LANGUAGES).nullable();
const token = z.string().min(16).max(200);

function baseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured;
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || request.protocol;
  return `${proto}://${request.host}`;
}

/** Sign-in, sessions, staff, teams and the audit log. Registered inside the guarded /api scope. */
export const accountRoutes: FastifyPluginAsyncZod<AccountRouteOptions> = async (app, { ctx, scrypt, publicUrl }) => {
  const db = ctx.store.db;

  /** Start a session for a user: cookie plus the CSRF token the web app sends back on writes. */
  async function startSession(request: FastifyRequest, reply: FastifyReply, user: UserRow, method: string) {
    const session = await createSession(ctx, user, request.headers['user-agent'] ?? null);
    setSessionCookie(request, reply, session.token, session.expiresAt, ctx.clock.now());
    await db.update(users).set({ lastSeenAt: ctx.clock.now() }).where(eq(users.id, user.id));
    await recordSignIn(ctx, { email: user.email, ip: request.ip, userId: user.id, method });
    const teamIds = (await teamIdsOf(db, [user.id])).get(user.id) ?? [];
    return { user: meOf(user, teamIds), csrfToken: session.csrfToken };
  }

  /** The signed-in person behind a 'self' route (the guard guarantees a session there). */
  function current(request: FastifyRequest) {
    const s = sessionOf(request);
    if (!s) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
    return s;
  }

  // ---- sign-in -------------------------------------------------------------------------------

  app.post(
    '/api/v1/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in with e-mail and password (sets the session cookie)', body: z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(PASSWORD_MAX) }) } },
    async (request, reply) => {
      const who = { email: normalizeEmail(request.body.email), ip: request.ip };
      const retryAfter = await signInRetryAfter(ctx, who);
      if (retryAfter !== null) {
        reply.header('retry-after', String(retryAfter));
        return sendError(reply, 429, 'too_many_attempts', `Too many failed sign-ins. Try again in ${Math.ceil(retryAfter / 60)} minute(s), or ask an admin for a sign-in link.`, { retryAfterSeconds: retryAfter });
      }
      const user = await findUserByEmail(db, who.email);
      const usable = user && !user.disabledAt && user.passwordHash;
      // Unknown, disabled and password-less accounts take as long as a wrong password and answer the same.
      const ok = usable ? await verifyPassword(request.body.password, user.passwordHash) : (await burnVerification(request.body.password, scrypt), false);
      if (!ok || !user) {
        const reason = !user ? 'unknown_email' : user.disabledAt ? 'disabled' : !user.passwordHash ? 'no_password' : 'wrong_password';
        await recordSignInFailure(ctx, { ...who, userId: user?.id ?? null, reason });
        return sendError(reply, 401, 'invalid_credentials', 'The e-mail or the password is not right.');
      }
      if (needsRehash(user.passwordHash!, scrypt)) {
        await db.update(users).set({ passwordHash: await hashPassword(request.body.password, scrypt) }).where(eq(users.id, user.id));
      }
      return startSession(request, reply, user, 'password');
    },
  );

  app.post(
    '/api/v1/auth/link-info',
    { schema: { tags: ['auth'], summary: 'What a one-time link is for (without using it up)', body: z.object({ token }) } },
    async (request) => {
      const link = await peekLink(ctx, request.body.token, ['owner_setup', 'invite', 'reset']);
      const user = await getUserRow(db, link.userId!);
      return {
        purpose: link.purpose as LinkPurpose,
        email: user.email === FIRST_OWNER_EMAIL ? null : user.email,
        name: user.name,
        role: user.role,
        hasPassword: user.passwordHash !== null,
        expiresAt: link.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/auth/link',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a one-time link (first-start owner link or password reset), optionally setting a password',
        body: z.object({ token, password: password.optional(), email: email.optional().describe('first-start link only: the owner\'s real address'), name: name.optional() }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const newHash = b.password === undefined ? undefined : await hashPassword(b.password, scrypt);
      const user = await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const link = await consumeLink(ctx, b.token, ['owner_setup', 'reset'], t);
        const [row] = await t.select().from(users).where(eq(users.id, link.userId));
        if (!row || row.disabledAt) throw new HttpError(410, 'link_invalid', 'This account is disabled.');
        if (link.purpose === 'reset' && newHash === undefined) throw new HttpError(400, 'password_required', 'Choose a new password to use a reset link.');
        const changes: Partial<typeof users.$inferInsert> = {};
        if (newHash !== undefined) changes.passwordHash = newHash;
        if (b.name !== undefined) changes.name = b.name;
        if (b.email !== undefined) {
          if (link.purpose !== 'owner_setup') throw new HttpError(400, 'email_not_changeable', 'Only the first-start link sets an e-mail address; ask an admin to change yours.');
          const e = normalizeEmail(b.email);
          const [other] = await t.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, e));
          if (other && other.id !== row.id) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${e}.`);
          changes.email = e;
        }
        if (Object.keys(changes).length) await t.update(users).set(changes).where(eq(users.id, row.id));
        // A new password ends sessions opened with the old one (someone else may hold them).
        if (newHash !== undefined && row.passwordHash !== null) await voidSessions(t, row.id);
        await audit(ctx, { actorId: row.id, action: 'auth.link_used', subject: row.id, details: { purpose: link.purpose, passwordSet: newHash !== undefined } }, t);
        const [fresh] = await t.select().from(users).where(eq(users.id, row.id));
        return fresh!;
      });
      return startSession(request, reply, user, `link:${user.role === 'owner' ? 'owner' : 'user'}`);
    },
  );

  app.post(
    '/api/v1/auth/accept-invite',
    { schema: { tags: ['auth'], summary: 'Accept an invitation: choose a name and password, and sign in', body: z.object({ token, name, password }) } },
    async (request, reply) => {
      const b = request.body;
      const hash = await hashPassword(b.password, scrypt);
      const user = await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const link = await consumeLink(ctx, b.token, ['invite'], t);
        const [row] = await t.update(users).set({ name: b.name, passwordHash: hash }).where(eq(users.id, link.userId)).returning();
        if (!row || row.disabledAt) throw new HttpError(410, 'link_invalid', 'This invitation was withdrawn.');
        await audit(ctx, { actorId: row.id, action: 'user.invite_accepted', subject: row.id }, t);
        return row;
      });
      return startSession(request, reply, user, 'invite');
    },
  );

  // ---- the signed-in person ------------------------------------------------------------------

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out of this browser' } }, async (request, reply) => {
    const { session, user } = current(request);
    await deleteSession(db, session.id);
    await audit(ctx, { actorId: user.id, action: 'auth.sign_out', subject: user.id });
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });

  app.post('/api/v1/auth/logout-all', { schema: { tags: ['auth'], summary: 'Sign out everywhere (every browser and device)' } }, async (request, reply) => {
    const { user } = current(request);
    await voidSessions(db, user.id);
    await audit(ctx, { actorId: user.id, action: 'auth.sign_out_everywhere', subject: user.id });
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in person and the CSRF token for writes' } }, async (request) => {
    const { session, user } = current(request);
    return { user: meOf(user, request.principal.teamIds), csrfToken: session.csrfToken };
  });

  app.patch(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your name, language, availability or password',
        body: z.object({ name: name.optional(), language: language.optional(), availability: z.enum(AVAILABILITY).optional(), password: password.optional(), currentPassword: z.string().max(PASSWORD_MAX).optional() }),
      },
    },
    async (request, reply) => {
      const { session, user } = current(request);
      const b = request.body;
      const changes: Partial<typeof users.$inferInsert> = {};
      if (b.name !== undefined) changes.name = b.name;
      if (b.language !== undefined) changes.language = b.language;
      if (b.availability !== undefined) changes.availability = b.availability;
      let csrfToken = session.csrfToken;
      if (b.password !== undefined) {
        if (user.passwordHash !== null) {
          // Same throttle as sign-in: a stolen session must not become a password-guessing oracle.
          const who = { email: user.email, ip: request.ip };
          const retryAfter = await signInRetryAfter(ctx, who);
          if (retryAfter !== null) {
            reply.header('retry-after', String(retryAfter));
            return sendError(reply, 429, 'too_many_attempts', `Too many wrong passwords. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`, { retryAfterSeconds: retryAfter });
          }
          if (b.currentPassword === undefined || !(await verifyPassword(b.currentPassword, user.passwordHash))) {
            await recordSignInFailure(ctx, { ...who, userId: user.id, reason: 'wrong_current_password' });
            throw new HttpError(400, 'wrong_password', 'Your current password is not right.');
          }
        }
        changes.passwordHash = await hashPassword(b.password, scrypt);
      }
      if (Object.keys(changes).length) await db.update(users).set(changes).where(eq(users.id, user.id));
      if (b.password !== undefined) {
        // Other browsers signed in with the old password are signed out; this one gets a new session.
        await voidSessions(db, user.id);
        const [fresh] = await db.select().from(users).where(eq(users.id, user.id));
        const next = await createSession(ctx, fresh!, request.headers['user-agent'] ?? null);
        setSessionCookie(request, reply, next.token, next.expiresAt, ctx.clock.now());
        csrfToken = next.csrfToken;
        await audit(ctx, { actorId: user.id, action: 'user.password_changed', subject: user.id });
      }
      const [fresh] = await db.select().from(users).where(eq(users.id, user.id));
      return { user: meOf(fresh!, request.principal.teamIds), csrfToken };
    },
  );

  // ---- staff ---------------------------------------------------------------------------------

  app.get(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: 'Staff (disabled users only with includeDisabled=true)', querystring: z.object({ includeDisabled: z.enum(['true', 'false']).optional() }) } },
    async (request) => ({ data: await listUsers(db, { includeDisabled: request.query.includeDisabled === 'true' }) }),
  );

  app.get('/api/v1/users/:id', { schema: { tags: ['users'], summary: 'A user', params: id } }, async (request) => userView(db, request.params.id));

  app.post(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: 'Create a user with a password (or invite them instead)', body: z.object({ email, name, role, language: language.optional(), teamIds: z.array(z.uuid()).max(100).optional(), password }) } },
    async (request, reply) => {
      const row = await createUser(ctx, request.principal, request.body, scrypt);
      reply.status(201);
      return userView(db, row.id);
    },
  );

  app.post(
    '/api/v1/users/invitations',
    {
      schema: {
        tags: ['users'],
        summary: 'Invite someone: returns a one-time link to give them (no e-mail is sent)',
        body: z.object({ email, name, role, language: language.optional(), teamIds: z.array(z.uuid()).max(100).default([]) }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const principal = request.principal;
      const existing = await findUserByEmail(db, b.email);
      let userId: string;
      if (existing) {
        // Inviting again someone who never accepted: refresh their details and issue a new link.
        if (existing.passwordHash !== null || existing.disabledAt) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${existing.email}.`);
        await updateUser(ctx, principal, existing.id, { name: b.name, role: b.role, teamIds: b.teamIds, language: b.language });
        userId = existing.id;
      } else {
        userId = (await createUser(ctx, principal, { ...b, password: undefined }, scrypt)).id;
      }
      const user = await userView(db, userId);
      const link = await createLink(ctx, { purpose: 'invite', userId, email: user.email, createdBy: principal.userId });
      reply.status(201);
      return { user, inviteUrl: linkUrl(baseUrl(request, publicUrl), 'invite', link.token), expiresAt: link.expiresAt.toISOString() };
    },
  );

  app.post('/api/v1/users/:id/reset-link', { schema: { tags: ['users'], summary: 'A one-time link for a user to set a new password', params: id } }, async (request) => {
    const principal = request.principal;
    const target = await getUserRow(db, request.params.id);
    if (target.role === 'owner' && principal.role !== 'owner') throw new HttpError(403, 'owner_only', 'Only an owner can reset an owner\'s password.');
    if (target.disabledAt) throw new HttpError(409, 'user_disabled', 'The user is disabled; enable them first.');
    if (target.passwordHash === null) throw new HttpError(409, 'invite_pending', 'The user has not accepted the invitation yet; invite them again instead.');
    const link = await createLink(ctx, { purpose: 'reset', userId: target.id, email: target.email, createdBy: principal.userId });
    await audit(ctx, { actorId: principal.userId, action: 'user.reset_link', subject: target.id, details: { by: principal.kind } });
    return { resetUrl: linkUrl(baseUrl(request, publicUrl), 'reset', link.token), expiresAt: link.expiresAt.toISOString() };
  });

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Change a user (role, teams, language, availability; disabled=false re-enables)',
        params: id,
        body: z.object({ email: email.optional(), name: name.optional(), role: role.optional(), language: language.optional(), availability: z.enum(AVAILABILITY).optional(), teamIds: z.array(z.uuid()).max(100).optional(), disabled: z.boolean().optional() }),
      },
    },
    async (request) => updateUser(ctx, request.principal, request.params.id, request.body),
  );

  app.delete('/api/v1/users/:id', { schema: { tags: ['users'], summary: 'Disable a user (kept for history; their sessions end)', params: id } }, async (request) =>
    disableUser(ctx, request.principal, request.params.id),
  );

  // ---- teams ---------------------------------------------------------------------------------

  const teamBody = z.object({ name, assignment: z.enum(ASSIGNMENT_MODES).optional() });

  app.get('/api/v1/teams', { schema: { tags: ['teams'], summary: 'Teams with their members and assignment mode' } }, async () => ({ data: await listTeams(db) }));
  app.get('/api/v1/teams/:id', { schema: { tags: ['teams'], summary: 'A team', params: id } }, async (request) => getTeam(db, request.params.id));
  app.post(
    '/api/v1/teams',
    { schema: { tags: ['teams'], summary: 'Create a team', body: teamBody.extend({ memberIds: z.array(z.uuid()).max(500).optional() }) } },
    async (request, reply) => {
      reply.status(201);
      return createTeam(ctx, request.principal, request.body);
    },
  );
  app.patch('/api/v1/teams/:id', { schema: { tags: ['teams'], summary: 'Rename a team or change how it assigns', params: id, body: teamBody.partial() } }, async (request) =>
    updateTeam(ctx, request.principal, request.params.id, request.body),
  );
  app.delete('/api/v1/teams/:id', { schema: { tags: ['teams'], summary: 'Delete a team', params: id } }, async (request, reply) => {
    await deleteTeam(ctx, request.principal, request.params.id);
    return reply.status(204).send();
  });
  app.put(
    '/api/v1/teams/:id/members',
    { schema: { tags: ['teams'], summary: 'Replace the members of a team', params: id, body: z.object({ userIds: z.array(z.uuid()).max(500) }) } },
    async (request) => setTeamMembers(ctx, request.principal, request.params.id, request.body.userIds),
  );

  // ---- audit ---------------------------------------------------------------------------------

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who did what, newest first',
        querystring: z.object({
          action: z.string().max(100).optional().describe('prefix, e.g. "user." or "auth.sign_in"'),
          actorId: z.uuid().optional(),
          subject: z.string().max(200).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
      },
    },
    async (request) => {
      const page = await listAudit(db, request.query);
      if (!page) throw new HttpError(400, 'invalid_cursor', 'The cursor is not valid; start again without it.');
      return page;
    },
  );
};

