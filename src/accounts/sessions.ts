import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { sessions, teamMembers, users } from './schema.ts';
import { randomToken, sha256 } from './tokens.ts';
import { isRole, type Role } from './principal.ts';

export const SESSION_COOKIE = 'charla_session';
/** Sliding: each use (at most once a minute) pushes the end 30 days out again. */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
export const TOUCH_INTERVAL_MS = 60_000;

export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export interface IssuedSession {
  id: string;
  /** The cookie value; only its SHA-256 is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(ctx: AppContext, user: Pick<UserRow, 'id' | 'sessionGeneration'>, userAgent: string | null, db: Db = ctx.store.db): Promise<IssuedSession> {
  const now = ctx.clock.now();
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  // Drop this user's expired sessions while we are here, so the table does not grow forever.
  await db.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, now)));
  const [row] = await db
    .insert(sessions)
    .values({ tokenHash: sha256(token), userId: user.id, generation: user.sessionGeneration, csrfToken, userAgent: userAgent?.slice(0, 300) ?? null, createdAt: now, lastUsedAt: now, expiresAt })
    .returning({ id: sessions.id });
  return { id: row!.id, token, csrfToken, expiresAt };
}

export interface ActiveSession {
  session: SessionRow;
  user: UserRow & { role: Role };
  teamIds: string[];
}

/** The live session for a cookie value: not expired, of the user's current generation, user enabled. */
export async function findSession(ctx: AppContext, token: string): Promise<ActiveSession | null> {
  const db = ctx.store.db;
  const [row] = await db.select({ session: sessions, user: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.tokenHash, sha256(token)));
  if (!row) return null;
  const { session, user } = row;
  if (session.expiresAt.getTime() <= ctx.clock.now().getTime()) return null;
  if (session.generation !== user.sessionGeneration || user.disabledAt || !isRole(user.role)) return null;
  const teams = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, user.id));
  return { session, user: { ...user, role: user.role }, teamIds: teams.map((t) => t.teamId).sort() };
}

const bound = new WeakMap<FastifyRequest, ActiveSession>();

/** Remember the session behind a request (set by the guard; read by sign-out and /auth/me). */
export function bindSession(request: FastifyRequest, active: ActiveSession): void {
  bound.set(request, active);
}

export function sessionOf(request: FastifyRequest): ActiveSession | undefined {
  return bound.get(request);
}

/** Slide the expiry when the session was last touched over a minute ago; returns the new end then. */
export async function touchSession(ctx: AppContext, session: SessionRow): Promise<Date | null> {
  const now = ctx.clock.now();
  if (now.getTime() - session.lastUsedAt.getTime() < TOUCH_INTERVAL_MS) return null;
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await ctx.store.db.update(sessions).set({ lastUsedAt: now, expiresAt }).where(eq(sessions.id, session.id));
  await ctx.store.db.update(users).set({ lastSeenAt: now }).where(eq(users.id, session.userId));
  return expiresAt;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Void every session of a user (sign out everywhere, password change, disabling). */
export async function voidSessions(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .update(users)
    .set({ sessionGeneration: sql`${users.sessionGeneration} + 1` })
    .where(eq(users.id, userId))
    .returning({ generation: users.sessionGeneration });
  await db.delete(sessions).where(eq(sessions.userId, userId));
  return row?.generation ?? 0;
}

/**
 * Secure when the browser talks HTTPS to us or to the proxy in front (X-Forwarded-Proto). A forged
 * header only makes the cookie stricter, so it is safe to believe here.
 */
function isHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date, now: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(request),
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(request) });
}
