import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { likeLiteral } from '../store/like.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { auditLog, users } from './schema.ts';

export interface AuditEntry {
  /** The user who acted; null for the API token, the system or an anonymous sign-in attempt. */
  actorId: string | null;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown> | null;
}

/** Append an entry. Never put secrets (passwords, tokens, cookies) in details. */
export async function audit(ctx: AppContext, entry: AuditEntry, db: Db = ctx.store.db): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    subject: entry.subject ?? null,
    details: entry.details ?? null,
    at: ctx.clock.now(),
  });
}

export interface AuditQuery {
  action?: string | undefined;
  actorId?: string | undefined;
  subject?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const at = new Date(value[0]);
      if (!Number.isNaN(at.getTime()) && /^[0-9a-f-]{36}$/.test(value[1])) return { at, id: value[1] };
    }
  } catch {
    // fall through: a bad cursor is reported by the caller
  }
  return null;
}

/** Newest first, by cursor. `action` matches a prefix ("user." = every user change). */
export async function listAudit(db: Db, q: AuditQuery) {
  const limit = q.limit ?? 50;
  const where: SQL[] = [];
  if (q.action) where.push(sql`${auditLog.action} like ${likeLiteral(q.action) + '%'}`);
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.subject) where.push(eq(auditLog.subject, q.subject));
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    if (!c) return null;
    where.push(or(lt(auditLog.at, c.at), and(eq(auditLog.at, c.at), lt(auditLog.id, c.id)))!);
  }
  const rows = await db
    .select({ id: auditLog.id, at: auditLog.at, actorId: auditLog.actorId, actorName: users.name, action: auditLog.action, subject: auditLog.subject, details: auditLog.details })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null,
  };
}
