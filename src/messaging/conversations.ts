import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { conversations } from './schema.ts';

export type ConversationRow = typeof conversations.$inferSelect;

const DAY = 24 * 3600_000;

/** The thread for (business number, contact), created on first use. */
export async function getOrCreateConversation(db: Db, phoneNumberId: string, contactId: string, now: Date): Promise<ConversationRow> {
  const [existing] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.phoneNumberId, phoneNumberId), eq(conversations.contactId, contactId)));
  if (existing) return existing;
  const [created] = await db
    .insert(conversations)
    .values({ phoneNumberId, contactId, createdAt: now })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  const [raced] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.phoneNumberId, phoneNumberId), eq(conversations.contactId, contactId)));
  return raced!;
}

/**
 * A customer message at `at` opens or extends the 24 h window. Done in SQL with greatest() so that
 * redelivered or out-of-order webhooks never move the window backwards.
 */
export async function recordInbound(
  db: Db,
  conversationId: string,
  at: Date,
  options: { referral?: unknown; countsAsUnread: boolean },
): Promise<void> {
  const expires = new Date(at.getTime() + DAY);
  await db
    .update(conversations)
    .set({
      lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${at.toISOString()}::timestamptz)`,
      windowExpiresAt: sql`greatest(${conversations.windowExpiresAt}, ${expires.toISOString()}::timestamptz)`,
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${at.toISOString()}::timestamptz)`,
      unreadCount: options.countsAsUnread ? sql`${conversations.unreadCount} + 1` : conversations.unreadCount,
      // A new customer message reopens a resolved conversation.
      state: sql`case when ${conversations.state} = 'resolved' then 'open' else ${conversations.state} end`,
      ...(options.referral
        ? { referral: options.referral, referralAt: sql`greatest(${conversations.referralAt}, ${at.toISOString()}::timestamptz)` }
        : {}),
    })
    .where(eq(conversations.id, conversationId));
}
