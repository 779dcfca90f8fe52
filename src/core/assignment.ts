// Inbox routing and access rules (pure). The store reads the facts; these decide.

export type AssignmentMode = 'manual' | 'round_robin' | 'least_busy';
export type Role = 'owner' | 'admin' | 'supervisor' | 'agent';

export interface Member {
  userId: string;
  /** users.availability === 'online' */
  online: boolean;
  disabled: boolean;
  /** Open and pending conversations assigned to this user (for least busy). */
  openCount: number;
}

export interface AssignmentInput {
  mode: AssignmentMode | string;
  members: readonly Member[];
  /** The team's round-robin pointer. */
  lastAssignedUserId: string | null;
}

export type AssignmentDecision =
  | { userId: string; reason: 'round_robin' | 'least_busy' }
  | { userId: null; reason: 'manual' | 'nobody_available' | 'unknown_mode' };

/**
 * Members in a fixed cyclic order (by id) starting right after `last`. Ordering by id, not by the
 * current candidates, keeps the rotation fair when people go offline and come back.
 */
function rotation(members: readonly Member[], last: string | null): Member[] {
  const sorted = [...members].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  if (last === null) return sorted;
  // First member whose id sorts after the pointer (works even if `last` left the team).
  const start = sorted.findIndex((m) => m.userId > last);
  return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
}

/** Who gets a new conversation of a team: nobody (manual, or no online enabled agent) or one member. */
export function chooseAssignee(input: AssignmentInput): AssignmentDecision {
  if (input.mode === 'manual') return { userId: null, reason: 'manual' };
  if (input.mode !== 'round_robin' && input.mode !== 'least_busy') return { userId: null, reason: 'unknown_mode' };
  const order = rotation(input.members, input.lastAssignedUserId).filter((m) => m.online && !m.disabled);
  if (order.length === 0) return { userId: null, reason: 'nobody_available' };
  if (input.mode === 'round_robin') return { userId: order[0]!.userId, reason: 'round_robin' };
  // Least busy; ties go to whoever comes next in the rotation, so equal loads still spread.
  let best = order[0]!;
  for (const m of order) if (m.openCount < best.openCount) best = m;
  return { userId: best.userId, reason: 'least_busy' };
}

/** Who is asking: a signed-in user or a bearer API token. */
export interface PrincipalFacts {
  kind: 'user' | 'token';
  userId: string | null;
  role: Role;
  teamIds: readonly string[];
}

/** Tokens and supervisors/admins/owners see every conversation; agents only those of theirs. */
export function seesEverything(p: PrincipalFacts): boolean {
  return p.kind === 'token' || p.role !== 'agent';
}

/**
 * An agent sees a conversation assigned to them, or belonging to one of their teams (whoever works
 * it, or nobody yet). Conversations without a team and not assigned to them are not theirs.
 */
export function canAccessConversation(p: PrincipalFacts, c: { teamId: string | null; assigneeId: string | null }): boolean {
  if (seesEverything(p)) return true;
  if (p.userId !== null && c.assigneeId === p.userId) return true;
  return c.teamId !== null && p.teamIds.includes(c.teamId);
}

/**
 * Whom an agent may assign a conversation to: themselves, nobody, or a member of the conversation's
 * team (handing over inside the team). Everyone else may assign to any enabled user.
 */
export function canAssignTo(p: PrincipalFacts, target: { userId: string | null; memberOfConversationTeam: boolean }): boolean {
  if (seesEverything(p)) return true;
  if (target.userId === null || target.userId === p.userId) return true;
  return target.memberOfConversationTeam;
}
