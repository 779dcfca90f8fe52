import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../store/errors.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { Db } from '../store/connection.ts';
import { audit } from './audit.ts';
import { hashPassword, type ScryptParams } from './passwords.ts';
import type { Principal, Role } from './principal.ts';
import { teamMembers, teams, users } from './schema.ts';
import { voidSessions, type UserRow } from './sessions.ts';
import { normalizeEmail } from './throttle.ts';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const AVAILABILITY = ['online', 'away'] as const;

/** What /auth/me returns about the signed-in person. */
export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: Language | null;
  availability: 'online' | 'away';
  teamIds: string[];
}

/** A user as listed to staff: never the password hash or session data. */
export interface UserView extends Me {
  /** Invited but has not set a password yet. */
  pending: boolean;
  disabled: boolean;
  lastSeenAt: string | null;
  createdAt: string;
}

export async function teamIdsOf(db: Db, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db.select().from(teamMembers).where(inArray(teamMembers.userId, userIds)).orderBy(asc(teamMembers.teamId));
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.teamId]);
  return out;
}

export function meOf(user: UserRow, teamIds: string[]): Me {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    language: (user.language as Language | null) ?? null,
    availability: user.availability === 'online' ? 'online' : 'away',
    teamIds,
  };
}

function viewOf(user: UserRow, teamIds: string[]): UserView {
  return {
    ...meOf(user, teamIds),
    pending: user.passwordHash === null,
    disabled: user.disabledAt !== null,
    lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export async function getUserRow(db: Db, id: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw new HttpError(404, 'user_not_found', `No user ${id}.`);
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(sql`lower(${users.email})`, normalizeEmail(email)));
  return row ?? null;
}

export async function userView(db: Db, id: string): Promise<UserView> {
  const row = await getUserRow(db, id);
  return viewOf(row, (await teamIdsOf(db, [id])).get(id) ?? []);
}

export async function listUsers(db: Db, opts: { includeDisabled?: boolean } = {}): Promise<UserView[]> {
  const rows = await db.select().from(users).where(opts.includeDisabled ? undefined : isNull(users.disabledAt)).orderBy(asc(users.name), asc(users.id));
  const teamsBy = await teamIdsOf(db, rows.map((r) => r.id));
  return rows.map((r) => viewOf(r, teamsBy.get(r.id) ?? []));
}

/** Replace a user's teams; unknown team ids are a 400 naming them. */
export async function setUserTeams(db: Db, userId: string, teamIds: string[]): Promise<void> {
  const wanted = [...new Set(teamIds)];
  if (wanted.length) {
    const found = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, wanted));
    const missing = wanted.filter((t) => !found.some((f) => f.id === t));
    if (missing.length) throw new HttpError(400, 'team_not_found', `No team ${missing.join(', ')}.`, { teamIds: missing });
  }
  await db.delete(teamMembers).where(eq(teamMembers.userId, userId));
  if (wanted.length) await db.insert(teamMembers).values(wanted.map((teamId) => ({ teamId, userId })));
}

/** Owners are managed by owners only (the API token acts as admin). Roles are read per request, so changes apply at once. */
function assertMayManage(actor: Principal, target: UserRow | null, newRole: Role | undefined): void {
  if ((target?.role === 'owner' || newRole === 'owner') && actor.role !== 'owner') {
    throw new HttpError(403, 'owner_only', 'Only an owner can create, change or disable an owner.');
  }
}

async function assertNotLastOwner(db: Db, target: UserRow): Promise<void> {
  if (target.role !== 'owner') return;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'owner'), isNull(users.disabledAt), ne(users.id, target.id)));
  if ((row?.n ?? 0) === 0) throw new HttpError(409, 'last_owner', 'This is the only owner: make someone else owner first.');
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  language?: Language | null | undefined;
  teamIds?: string[] | undefined;
  /** Omitted for invitations: the person sets it when accepting. */
  password?: string | undefined;
}

export async function createUser(ctx: AppContext, actor: Principal, input: NewUser, scrypt: ScryptParams, db: Db = ctx.store.db): Promise<UserRow> {
  assertMayManage(actor, null, input.role);
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(db, email)) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${email}.`);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password, scrypt);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email, name: input.name.trim(), role: input.role, language: input.language ?? null, passwordHash, createdAt: ctx.clock.now() })
        .returning();
      await setUserTeams(tx as unknown as Db, row!.id, input.teamIds ?? []);
      await audit(ctx, { actorId: actor.userId, action: passwordHash ? 'user.created' : 'user.invited', subject: row!.id, details: { email, role: input.role, teamIds: input.teamIds ?? [], by: actor.kind } }, tx as unknown as Db);
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${email}.`);
    throw err;
  }
}

export interface UserPatch {
  email?: string | undefined;
  name?: string | undefined;
  role?: Role | undefined;
  language?: Language | null | undefined;
  availability?: 'online' | 'away' | undefined;
  teamIds?: string[] | undefined;
  /** false re-enables a disabled user. */
  disabled?: boolean | undefined;
}

export async function updateUser(ctx: AppContext, actor: Principal, id: string, patch: UserPatch): Promise<UserView> {
  const db = ctx.store.db;
  const target = await getUserRow(db, id);
  assertMayManage(actor, target, patch.role);
  if (patch.role !== undefined && patch.role !== 'owner') await assertNotLastOwner(db, target);
  if (patch.disabled === true) return disableUser(ctx, actor, id);
  const email = patch.email === undefined ? undefined : normalizeEmail(patch.email);
  if (email !== undefined && email !== target.email) {
    const other = await findUserByEmail(db, email);
    if (other && other.id !== id) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${email}.`);
  }
  const changes: Partial<typeof users.$inferInsert> = {};
  if (email !== undefined) changes.email = email;
  if (patch.name !== undefined) changes.name = patch.name.trim();
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.language !== undefined) changes.language = patch.language;
  if (patch.availability !== undefined) changes.availability = patch.availability;
  if (patch.disabled === false) changes.disabledAt = null;
  try {
    await db.transaction(async (tx) => {
      if (Object.keys(changes).length) await tx.update(users).set(changes).where(eq(users.id, id));
      if (patch.teamIds !== undefined) await setUserTeams(tx as unknown as Db, id, patch.teamIds);
      const fields = Object.keys(changes).concat(patch.teamIds !== undefined ? ['teamIds'] : []);
      await audit(ctx, { actorId: actor.userId, action: patch.disabled === false ? 'user.enabled' : 'user.updated', subject: id, details: { fields, role: patch.role, by: actor.kind } }, tx as unknown as Db);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new HttpError(409, 'email_taken', `There is already a user with the e-mail ${email}.`);
    throw err;
  }
  return userView(db, id);
}

/** Disabling keeps the user (their notes and history stay attributed) and ends their sessions. */
export async function disableUser(ctx: AppContext, actor: Principal, id: string): Promise<UserView> {
  const db = ctx.store.db;
  const target = await getUserRow(db, id);
  assertMayManage(actor, target, undefined);
  if (actor.userId === id) throw new HttpError(409, 'cannot_disable_self', 'You cannot disable your own account; ask another admin.');
  await assertNotLastOwner(db, target);
  if (!target.disabledAt) {
    await db.transaction(async (tx) => {
      await tx.update(users).set({ disabledAt: ctx.clock.now(), availability: 'away' }).where(eq(users.id, id));
      await voidSessions(tx as unknown as Db, id);
      await audit(ctx, { actorId: actor.userId, action: 'user.disabled', subject: id, details: { by: actor.kind } }, tx as unknown as Db);
    });
  }
  return userView(db, id);
}
