import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { Db } from '../store/connection.ts';
import { audit } from './audit.ts';
import { signInLinks, users } from './schema.ts';
import { randomToken, sha256 } from './tokens.ts';
import { isUniqueViolation } from '../store/errors.ts';

export type LinkPurpose = 'owner_setup' | 'invite' | 'reset';
export type LinkRow = typeof signInLinks.$inferSelect;

export const LINK_TTL_MS: Record<LinkPurpose, number> = {
  // A week: the first-start link is printed once, and the owner may not open it straight away.
  owner_setup: 7 * 24 * 3600_000,
  invite: 7 * 24 * 3600_000,
  reset: 24 * 3600_000,
};

/** Pages of the web app that open each kind of link. */
export const LINK_PAGES: Record<LinkPurpose, string> = {
  owner_setup: '/signin/link',
  reset: '/signin/link',
  invite: '/signin/invite',
};

/** Placeholder until the owner gives a real address on the first-start page. */
export const FIRST_OWNER_EMAIL = 'owner@charla.invalid';

export function linkUrl(publicUrl: string, purpose: LinkPurpose, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${LINK_PAGES[purpose]}?token=${encodeURIComponent(token)}`;
}

/** Issue a link for a user; earlier unused links of the same purpose for that user stop working. */
export async function createLink(ctx: AppContext, input: { purpose: LinkPurpose; userId: string; email: string; createdBy: string | null }, db: Db = ctx.store.db): Promise<{ token: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + LINK_TTL_MS[input.purpose]);
  await db.delete(signInLinks).where(and(eq(signInLinks.userId, input.userId), eq(signInLinks.purpose, input.purpose), isNull(signInLinks.usedAt)));
  await db.insert(signInLinks).values({ tokenHash: sha256(token), purpose: input.purpose, userId: input.userId, email: input.email, createdBy: input.createdBy, expiresAt, createdAt: now });
  return { token, expiresAt };
}

const unusable = () => new HttpError(410, 'link_invalid', 'This link has expired or was already used. Ask an admin for a new one.');

/** An unused, unexpired link of one of the purposes, without using it up. */
export async function peekLink(ctx: AppContext, token: string, purposes: LinkPurpose[], db: Db = ctx.store.db): Promise<LinkRow> {
  const [row] = await db
    .select()
    .from(signInLinks)
    .where(and(eq(signInLinks.tokenHash, sha256(token)), inArray(signInLinks.purpose, purposes), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, ctx.clock.now())));
  if (!row || !row.userId) throw unusable();
  return row;
}

/** Use a link up, atomically: of two concurrent requests with the same token only one gets it. */
export async function consumeLink(ctx: AppContext, token: string, purposes: LinkPurpose[], db: Db): Promise<LinkRow & { userId: string }> {
  const now = ctx.clock.now();
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: now })
    .where(and(eq(signInLinks.tokenHash, sha256(token)), inArray(signInLinks.purpose, purposes), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now)))
    .returning();
  if (!row || !row.userId) throw unusable();
  return { ...row, userId: row.userId };
}

/**
 * First start: when there are no users at all, create the owner account and return a one-time
 * sign-in link (printed in the console). Null when users exist. Safe when several processes start
 * together: the owner's fixed placeholder address is unique, so only one insert succeeds.
 */
export async function ensureOwner(ctx: AppContext, opts: { publicUrl: string }): Promise<{ link: string } | null> {
  const db = ctx.store.db;
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  if ((existing?.n ?? 0) > 0) return null;
  try {
    const token = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const [owner] = await t.insert(users).values({ email: FIRST_OWNER_EMAIL, name: 'Owner', role: 'owner', createdAt: ctx.clock.now() }).returning();
      const link = await createLink(ctx, { purpose: 'owner_setup', userId: owner!.id, email: owner!.email, createdBy: null }, t);
      await audit(ctx, { actorId: null, action: 'user.owner_created', subject: owner!.id, details: { by: 'first_start' } }, t);
      return link.token;
    });
    return { link: linkUrl(opts.publicUrl, 'owner_setup', token) };
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}
