// Routing of new conversations to their number's team and, unless the team assigns manually, to an
// agent (core/assignment.ts decides). Triggered by 'conversation.updated' (the processor emits it for
// every inbound message, after commit) and by a periodic sweep, so a crash between the commit and
// the event never leaves a conversation unrouted for longer than one sweep interval.
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { chooseAssignee, type AssignmentDecision, type Member } from '../core/assignment.ts';
import { inboxBus } from './bus.ts';
import { uuidList } from './access.ts';

export interface RoutingResult {
  conversationId: string;
  teamId: string;
  assigneeId: string | null;
  decision: AssignmentDecision;
  was: { teamId: string | null; assigneeId: string | null };
}

/**
 * Pick an assignee for `teamId` and move the round-robin pointer. Locks the team row so two processes
 * routing at once take turns (and the pointer advances once per conversation).
 */
export async function pickTeamAssignee(tx: Db, teamId: string): Promise<AssignmentDecision> {
  const teamRows = (await tx.execute(sql`select assignment, last_assigned_user_id from teams where id = ${teamId}::uuid for update`)) as unknown as {
    rows: { assignment: string; last_assigned_user_id: string | null }[];
  };
  const team = teamRows.rows[0];
  if (!team) return { userId: null, reason: 'unknown_mode' };
  if (team.assignment === 'manual') return { userId: null, reason: 'manual' };
  const memberRows = (await tx.execute(sql`
    select u.id, u.availability, u.disabled_at is not null as disabled,
      (select count(*)::int from conversations oc where oc.assignee_id = u.id and oc.state in ('open', 'pending')) as open_count
    from team_members tm join users u on u.id = tm.user_id
    where tm.team_id = ${teamId}::uuid`)) as unknown as { rows: { id: string; availability: string; disabled: boolean; open_count: number }[] };
  const members: Member[] = memberRows.rows.map((r) => ({ userId: r.id, online: r.availability === 'online', disabled: r.disabled, openCount: Number(r.open_count) }));
  const decision = chooseAssignee({ mode: team.assignment, members, lastAssignedUserId: team.last_assigned_user_id });
  if (decision.userId) await tx.execute(sql`update teams set last_assigned_user_id = ${decision.userId}::uuid where id = ${teamId}::uuid`);
  return decision;
}

/**
 * Route one conversation if it is new and unrouted: it has heard from the customer, has no team, and
 * its number has one. Idempotent (the row is locked and re-checked); returns null when nothing was done.
 * Call inside a transaction; emit the events after commit (see routeConversations).
 */
export async function routeNewConversation(tx: Db, conversationId: string, now: Date): Promise<RoutingResult | null> {
  void now; // routing itself is timeless today; kept for rules such as business hours
  const rows = (await tx.execute(sql`
    select c.id, c.team_id, c.assignee_id, c.state, c.last_inbound_at, n.team_id as number_team_id
    from conversations c join phone_numbers n on n.id = c.phone_number_id
    where c.id = ${conversationId}::uuid for update of c`)) as unknown as {
    rows: { id: string; team_id: string | null; assignee_id: string | null; state: string; last_inbound_at: Date | null; number_team_id: string | null }[];
  };
  const c = rows.rows[0];
  if (!c || c.team_id !== null || c.number_team_id === null || c.last_inbound_at === null || c.state === 'resolved') return null;
  const teamId = c.number_team_id;
  // Someone already took it (e.g. replied before routing ran): keep them, only set the team.
  const decision: AssignmentDecision = c.assignee_id ? { userId: null, reason: 'manual' } : await pickTeamAssignee(tx, teamId);
  const assigneeId = c.assignee_id ?? decision.userId;
  await tx.execute(sql`update conversations set team_id = ${teamId}::uuid, assignee_id = ${assigneeId}::uuid where id = ${conversationId}::uuid`);
  return { conversationId, teamId, assigneeId, decision, was: { teamId: null, assigneeId: c.assignee_id } };
}

/** Conversations among `ids` (or anywhere, for the sweep) that routing would act on. */
async function candidates(db: Db, ids: string[] | null, limit: number): Promise<string[]> {
  const rows = (await db.execute(sql`
    select c.id from conversations c join phone_numbers n on n.id = c.phone_number_id
    where c.team_id is null and n.team_id is not null and c.last_inbound_at is not null and c.state <> 'resolved'
      ${ids ? sql`and c.id in (${uuidList(ids)})` : sql``}
    limit ${limit}`)) as unknown as { rows: { id: string }[] };
  return rows.rows.map((r) => r.id);
}

/** Route the given conversations (each in its own short transaction) and announce the changes. */
export async function routeConversations(ctx: AppContext, ids: string[] | null, limit = 500): Promise<RoutingResult[]> {
  const todo = await candidates(ctx.store.db, ids, limit);
  const done: RoutingResult[] = [];
  for (const id of todo) {
    try {
      const r = await ctx.store.db.transaction((tx) => routeNewConversation(tx, id, ctx.clock.now()));
      if (r) done.push(r);
    } catch (err) {
      ctx.logger.warn({ err, conversationId: id }, 'routing a new conversation failed; the sweep retries');
    }
  }
  for (const r of done) {
    inboxBus(ctx).emit('conversation.access', { conversationId: r.conversationId, was: r.was });
    ctx.events.emit('conversation.updated', { conversationId: r.conversationId });
  }
  return done;
}

export interface Router {
  start(): void;
  stop(): Promise<void>;
  /** One sweep now (tests, and the timer). */
  sweep(): Promise<RoutingResult[]>;
  /** Resolves when queued work is done (tests). */
  idle(): Promise<void>;
}

/** Run routing in a worker process: on 'conversation.updated', plus a sweep every `sweepMs`. */
export function createRouter(ctx: AppContext, options: { sweepMs?: number } = {}): Router {
  const sweepMs = options.sweepMs ?? 30_000;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let chain: Promise<unknown> = Promise.resolve();
  let off: (() => void) | null = null;
  let stopped = true;

  const enqueue = (work: () => Promise<unknown>): Promise<unknown> => {
    // One pass at a time per process: keeps PGlite's single connection free of overlapping transactions.
    chain = chain.then(work).catch((err: unknown) => ctx.logger.warn({ err }, 'routing pass failed'));
    return chain;
  };

  const flush = () => {
    scheduled = false;
    const ids = [...pending];
    pending.clear();
    if (ids.length === 0 || stopped) return;
    void enqueue(() => routeConversations(ctx, ids));
  };

  const router: Router = {
    start() {
      if (!stopped) return;
      stopped = false;
      off = ctx.events.on('conversation.updated', ({ conversationId }) => {
        pending.add(conversationId);
        if (!scheduled) {
          scheduled = true;
          // Coalesce a processor batch's events into one candidate query.
          setImmediate(flush);
        }
      });
      const tick = () => {
        void router.sweep().finally(() => {
          if (!stopped) timer = setTimeout(tick, sweepMs);
        });
      };
      tick(); // a sweep at start catches what a crash left behind
    },
    async stop() {
      stopped = true;
      off?.();
      off = null;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
    },
    async sweep() {
      let out: RoutingResult[] = [];
      await enqueue(async () => {
        out = await routeConversations(ctx, null);
      });
      return out;
    },
    async idle() {
      await new Promise((r) => setImmediate(r));
      await chain;
    },
  };
  return router;
}
