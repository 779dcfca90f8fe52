import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { audit } from './audit.ts';
import { auditLog } from './schema.ts';

/**
 * Sign-in throttling, counted from the audit log rather than in memory: failed attempts are
 * audited anyway, and counting rows in the shared database holds across every process (N api
 * processes behind a balancer share one limit) and across restarts. @fastify/rate-limit keeps its
 * counters per process unless given Redis, and counts requests rather than failures.
 */
export const SIGN_IN_LIMITS = {
  windowMs: 15 * 60_000,
  /** Failures per e-mail in the window; a successful sign-in starts the count again. */
  perEmail: 5,
  /** Failures per client address in the window (higher: an office shares one address). */
  perIp: 20,
};

export const FAILED = 'auth.sign_in_failed';
export const SIGNED_IN = 'auth.sign_in';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Seconds until another attempt is allowed, or null when it is allowed now. */
export async function signInRetryAfter(ctx: AppContext, who: { email: string; ip: string }): Promise<number | null> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs);
  const email = normalizeEmail(who.email);
  const [lastSuccess] = await db
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(and(eq(auditLog.action, SIGNED_IN), gt(auditLog.at, since), sql`${auditLog.details}->>'email' = ${email}`))
    .orderBy(desc(auditLog.at))
    .limit(1);
  const byEmail = await db
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(and(eq(auditLog.action, FAILED), gt(auditLog.at, lastSuccess?.at ?? since), eq(auditLog.subject, email)))
    .orderBy(desc(auditLog.at))
    .limit(SIGN_IN_LIMITS.perEmail);
  const byIp = await db
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(and(eq(auditLog.action, FAILED), gt(auditLog.at, since), sql`${auditLog.details}->>'ip' = ${who.ip}`))
    .orderBy(desc(auditLog.at))
    .limit(SIGN_IN_LIMITS.perIp);
  // Blocked until the oldest failure that keeps the count at the limit leaves the window.
  const waits = [byEmail[SIGN_IN_LIMITS.perEmail - 1], byIp[SIGN_IN_LIMITS.perIp - 1]]
    .filter((r) => r !== undefined)
    .map((r) => r.at.getTime() + SIGN_IN_LIMITS.windowMs - now.getTime());
  if (waits.length === 0) return null;
  return Math.max(1, Math.ceil(Math.max(...waits) / 1000));
}

export async function recordSignInFailure(ctx: AppContext, who: { email: string; ip: string; userId: string | null; reason: string }): Promise<void> {
  await audit(ctx, { actorId: who.userId, action: FAILED, subject: normalizeEmail(who.email), details: { ip: who.ip, reason: who.reason } });
}

export async function recordSignIn(ctx: AppContext, who: { email: string; ip: string; userId: string; method: string }): Promise<void> {
  await audit(ctx, { actorId: who.userId, action: SIGNED_IN, subject: who.userId, details: { email: normalizeEmail(who.email), ip: who.ip, method: who.method } });
}
