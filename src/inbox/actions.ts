// Inbox actions on one conversation. Each checks access on the locked row, changes it in one
// transaction, and announces the change after commit (SSE, automation).
import { and, desc, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { canAssignTo } from '../core/assignment.ts';
import { conversations, messages, phoneNumbers } from '../messaging/schema.ts';
import { teamMembers, teams, users } from '../accounts/schema.ts';
import { cloudApiFor, type CloudApiClient } from '../whatsapp/client.ts';
import { conversationLabels, conversationNotes, labels } from './schema.ts';
import { loadAccessible, type ConversationCore } from './access.ts';
import { inboxBus } from './bus.ts';
import { pickTeamAssignee } from './routing.ts';
import type { Principal } from './principal.ts';
import type { ConversationState } from './queries.ts';

type NoteRow = typeof conversationNotes.$inferSelect;

export function noteView(n: NoteRow, authorName: string | null = null) {
  return {
    id: n.id,
    conversationId: n.conversationId,
    kind: n.kind,
    body: n.body,
    details: n.details,
    author: n.authorId ? { id: n.authorId, name: authorName } : null,
    at: n.createdAt.toISOString(),
  };
}

interface Change {
  before: ConversationCore;
  notes: NoteRow[];
}

/** Run `fn` on the locked, accessible conversation; announce after commit. */
async function act<T>(ctx: AppContext, p: Principal, id: string, fn: (tx: Db, c: ConversationCore, change: Change) => Promise<T>): Promise<T> {
  const change: Change = { before: null as unknown as ConversationCore, notes: [] };
  const result = await ctx.store.db.transaction(async (tx) => {
    const c = await loadAccessible(tx, p, id, { forUpdate: true });
    change.before = c;
    return fn(tx, c, change);
  });
  const bus = inboxBus(ctx);
  bus.emit('conversation.access', { conversationId: id, was: { teamId: change.before.teamId, assigneeId: change.before.assigneeId } });
  for (const n of change.notes) bus.emit('note.created', { noteId: n.id, conversationId: id, kind: n.kind, authorId: n.authorId });
  ctx.events.emit('conversation.updated', { conversationId: id });
  return result;
}

async function addNote(tx: Db, ctx: AppContext, change: Change, values: { conversationId: string; authorId: string | null; body: string; kind: string; details?: unknown }): Promise<NoteRow> {
  const [n] = await tx
    .insert(conversationNotes)
    .values({ ...values, details: values.details ?? null, createdAt: ctx.clock.now() })
    .returning();
  change.notes.push(n!);
  return n!;
}

async function userName(tx: Db, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [u] = await tx.select({ name: users.name }).from(users).where(eq(users.id, id));
  return u?.name ?? null;
}

export async function assignConversation(ctx: AppContext, p: Principal, id: string, userId: string | null) {
  return act(ctx, p, id, async (tx, c, change) => {
    let name: string | null = null;
    if (userId !== null) {
      const [u] = await tx.select().from(users).where(eq(users.id, userId));
      if (!u) throw new HttpError(422, 'user_not_found', `There is no user ${userId} to assign this conversation to.`, { field: 'userId' });
      if (u.disabledAt) throw new HttpError(422, 'user_disabled', `${u.name} is disabled and cannot be given conversations.`, { field: 'userId' });
      name = u.name;
      const member = c.teamId
        ? (await tx.select().from(teamMembers).where(and(eq(teamMembers.teamId, c.teamId), eq(teamMembers.userId, userId)))).length > 0
        : false;
      if (!canAssignTo(p, { userId, memberOfConversationTeam: member })) {
        throw new HttpError(403, 'assignment_forbidden', 'Agents can take a conversation themselves or hand it to someone in its team; ask a supervisor to assign it elsewhere.', { userId });
      }
    }
    if (c.assigneeId === userId) return { id, assigneeId: userId, changed: false };
    await tx.update(conversations).set({ assigneeId: userId }).where(eq(conversations.id, id));
    await addNote(tx, ctx, change, {
      conversationId: id,
      authorId: p.userId,
      kind: 'assignment',
      body: userId ? `Assigned to ${name}` : 'Unassigned',
      details: { from: c.assigneeId, to: userId },
    });
    return { id, assigneeId: userId, changed: true };
  });
}

export async function transferConversation(ctx: AppContext, p: Principal, id: string, teamId: string, note: string | undefined) {
  return act(ctx, p, id, async (tx, c, change) => {
    const [team] = await tx.select().from(teams).where(eq(teams.id, teamId));
    if (!team) throw new HttpError(404, 'team_not_found', `There is no team ${teamId}.`, { field: 'teamId' });
    // A transfer hands the conversation to the new team's queue, routed by its rule like a new one.
    await tx.update(conversations).set({ teamId, assigneeId: null }).where(eq(conversations.id, id));
    const decision = await pickTeamAssignee(tx, teamId);
    if (decision.userId) await tx.update(conversations).set({ assigneeId: decision.userId }).where(eq(conversations.id, id));
    const fromName = c.teamId ? (await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, c.teamId)))[0]?.name ?? null : null;
    const n = await addNote(tx, ctx, change, {
      conversationId: id,
      authorId: p.userId,
      kind: 'transfer',
      body: note?.trim() || `Transferred to ${team.name}`,
      details: { fromTeamId: c.teamId, fromTeamName: fromName, toTeamId: teamId, toTeamName: team.name, assigneeId: decision.userId, previousAssigneeId: c.assigneeId },
    });
    return { id, teamId, assigneeId: decision.userId, note: noteView(n, await userName(tx, p.userId)) };
  });
}

export async function setConversationState(ctx: AppContext, p: Principal, id: string, state: ConversationState) {
  return act(ctx, p, id, async (tx, c) => {
    if (c.state === state) return { id, state, changed: false };
    await tx
      .update(conversations)
      .set({ state, resolvedAt: state === 'resolved' ? ctx.clock.now() : null })
      .where(eq(conversations.id, id));
    return { id, state, changed: true };
  });
}

export async function setImportant(ctx: AppContext, p: Principal, id: string, important: boolean) {
  return act(ctx, p, id, async (tx) => {
    await tx.update(conversations).set({ important }).where(eq(conversations.id, id));
    return { id, important };
  });
}

export async function addLabel(ctx: AppContext, p: Principal, id: string, labelId: string) {
  return act(ctx, p, id, async (tx) => {
    const [label] = await tx.select().from(labels).where(eq(labels.id, labelId));
    if (!label) throw new HttpError(404, 'label_not_found', `There is no label ${labelId}. Create it with POST /api/v1/labels.`, { field: 'labelId' });
    await tx.insert(conversationLabels).values({ conversationId: id, labelId }).onConflictDoNothing();
    return { id, label: { id: label.id, name: label.name, color: label.color } };
  });
}

export async function removeLabel(ctx: AppContext, p: Principal, id: string, labelId: string) {
  return act(ctx, p, id, async (tx) => {
    const gone = await tx
      .delete(conversationLabels)
      .where(and(eq(conversationLabels.conversationId, id), eq(conversationLabels.labelId, labelId)))
      .returning();
    return { id, labelId, removed: gone.length > 0 };
  });
}

/** An internal note: stored and shown to the team, never sent to WhatsApp. */
export async function addInternalNote(ctx: AppContext, p: Principal, id: string, body: string) {
  return act(ctx, p, id, async (tx, _c, change) => {
    const n = await addNote(tx, ctx, change, { conversationId: id, authorId: p.userId, kind: 'note', body });
    return noteView(n, await userName(tx, p.userId));
  });
}

/**
 * Mark the conversation read: unread back to zero, inbound messages read, and (best effort) the
 * latest inbound message marked read on WhatsApp so the customer sees blue ticks.
 */
export async function markConversationRead(ctx: AppContext, p: Principal, id: string, client?: CloudApiClient) {
  const now = ctx.clock.now();
  const last = await act(ctx, p, id, async (tx, c) => {
    await tx.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, id));
    const [m] = await tx
      .select({ id: messages.id, wamid: messages.wamid, status: messages.status })
      .from(messages)
      .where(and(eq(messages.conversationId, id), eq(messages.direction, 'in'), sql`${messages.type} <> 'system'`))
      .orderBy(desc(messages.at))
      .limit(1);
    if (m) {
      await tx
        .update(messages)
        .set({ status: 'read', readAt: now })
        .where(and(eq(messages.conversationId, id), eq(messages.direction, 'in'), sql`${messages.status} <> 'read'`));
    }
    return m ? { ...m, phoneNumberId: c.phoneNumberId } : null;
  });
  let whatsapp: 'sent' | 'failed' | 'skipped' = 'skipped';
  let whatsappError: string | null = null;
  if (last?.wamid && last.status !== 'read') {
    const [number] = await ctx.store.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, last.phoneNumberId));
    try {
      if (number) {
        await (client ?? cloudApiFor(ctx)).markRead(number, last.wamid);
        whatsapp = 'sent';
      }
    } catch (err) {
      // Best effort: the inbox is read either way; the customer just does not see blue ticks.
      whatsapp = 'failed';
      whatsappError = (err as Error).message;
      ctx.logger.info({ err, conversationId: id }, 'marking the last message read on WhatsApp failed');
    }
  }
  return { id, unreadCount: 0, lastInboundMessageId: last?.id ?? null, whatsapp, whatsappError };
}
