import { asc, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { Db } from '../store/connection.ts';
import { audit } from './audit.ts';
import type { Principal } from './principal.ts';
import { teamMembers, teams, users } from './schema.ts';
import { isUniqueViolation } from '../store/errors.ts';

export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_busy'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export interface TeamView {
  id: string;
  name: string;
  assignment: AssignmentMode;
  memberIds: string[];
  createdAt: string;
}

type TeamRow = typeof teams.$inferSelect;

async function membersOf(db: Db, teamIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (teamIds.length === 0) return out;
  const rows = await db.select().from(teamMembers).where(inArray(teamMembers.teamId, teamIds)).orderBy(asc(teamMembers.userId));
  for (const r of rows) out.set(r.teamId, [...(out.get(r.teamId) ?? []), r.userId]);
  return out;
}

const viewOf = (t: TeamRow, memberIds: string[]): TeamView => ({
  id: t.id,
  name: t.name,
  assignment: t.assignment as AssignmentMode,
  memberIds,
  createdAt: t.createdAt.toISOString(),
});

const taken = (name: string) => new HttpError(409, 'team_name_taken', `There is already a team called "${name}".`);

export async function listTeams(db: Db): Promise<TeamView[]> {
  const rows = await db.select().from(teams).orderBy(asc(teams.name));
  const members = await membersOf(db, rows.map((r) => r.id));
  return rows.map((r) => viewOf(r, members.get(r.id) ?? []));
}

export async function getTeam(db: Db, id: string): Promise<TeamView> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  if (!row) throw new HttpError(404, 'team_not_found', `No team ${id}.`);
  return viewOf(row, (await membersOf(db, [id])).get(id) ?? []);
}

export async function createTeam(ctx: AppContext, actor: Principal, input: { name: string; assignment?: AssignmentMode | undefined; memberIds?: string[] | undefined }): Promise<TeamView> {
  const name = input.name.trim();
  try {
    const id = await ctx.store.db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const [row] = await t.insert(teams).values({ name, assignment: input.assignment ?? 'manual', createdAt: ctx.clock.now() }).returning();
      if (input.memberIds) await setMembers(t, row!.id, input.memberIds);
      await audit(ctx, { actorId: actor.userId, action: 'team.created', subject: row!.id, details: { name, assignment: row!.assignment, by: actor.kind } }, t);
      return row!.id;
    });
    return getTeam(ctx.store.db, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(name);
    throw err;
  }
}

export async function updateTeam(ctx: AppContext, actor: Principal, id: string, patch: { name?: string | undefined; assignment?: AssignmentMode | undefined }): Promise<TeamView> {
  const db = ctx.store.db;
  await getTeam(db, id);
  const changes: Partial<typeof teams.$inferInsert> = {};
  if (patch.name !== undefined) changes.name = patch.name.trim();
  if (patch.assignment !== undefined) changes.assignment = patch.assignment;
  if (Object.keys(changes).length) {
    try {
      await db.update(teams).set(changes).where(eq(teams.id, id));
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(changes.name ?? '');
      throw err;
    }
    await audit(ctx, { actorId: actor.userId, action: 'team.updated', subject: id, details: { ...changes, by: actor.kind } });
  }
  return getTeam(db, id);
}

/** Conversations keep their team id as plain data; the inbox treats a vanished team as "no team". */
export async function deleteTeam(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  const [row] = await ctx.store.db.delete(teams).where(eq(teams.id, id)).returning();
  if (!row) throw new HttpError(404, 'team_not_found', `No team ${id}.`);
  await audit(ctx, { actorId: actor.userId, action: 'team.deleted', subject: id, details: { name: row.name, by: actor.kind } });
}

async function setMembers(db: Db, teamId: string, userIds: string[]): Promise<void> {
  const wanted = [...new Set(userIds)];
  if (wanted.length) {
    const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, wanted));
    const missing = wanted.filter((u) => !found.some((f) => f.id === u));
    if (missing.length) throw new HttpError(400, 'user_not_found', `No user ${missing.join(', ')}.`, { userIds: missing });
  }
  await db.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (wanted.length) await db.insert(teamMembers).values(wanted.map((userId) => ({ teamId, userId })));
}

export async function setTeamMembers(ctx: AppContext, actor: Principal, teamId: string, userIds: string[]): Promise<TeamView> {
  await getTeam(ctx.store.db, teamId);
  await ctx.store.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await setMembers(t, teamId, userIds);
    await audit(ctx, { actorId: actor.userId, action: 'team.members', subject: teamId, details: { userIds: [...new Set(userIds)], by: actor.kind } }, t);
  });
  return getTeam(ctx.store.db, teamId);
}
