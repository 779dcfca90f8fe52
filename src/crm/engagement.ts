/**
 * Engagement roll-ups on contacts: the latest inbound message, the latest template delivered and
 * read, and the latest reply to a template. Segment filters on them ("last_inbound within 30d",
 * "engagement.read within 14d") then read one column of `contacts` instead of joining a million
 * messages, which is what keeps segment counts fast at scale (BENCHMARKS.md, "CRM reads").
 *
 * The values are derived, never set by hand: each is recomputed for the contacts a change touched,
 * from conversations and messages, with the same definitions the segment evaluator uses
 * (core/segments/evaluate.ts):
 * - last inbound: the latest conversations.last_inbound_at of the contact;
 * - delivered: the latest coalesce(delivered_at, read_at) of an outbound template (a read message was
 *   delivered even when Meta sent no separate "delivered");
 * - read: the latest read_at of an outbound template;
 * - replied: the latest last_inbound_at of a conversation whose first template went out before it
 *   (if the latest inbound precedes every template, no inbound follows one).
 * Recomputing rather than taking greatest() keeps them exact when a value moves back (a "delivered"
 * that arrives after "read" with an earlier time) and after merges. The processor calls these in the
 * transaction that changes the facts; each is a few index probes per contact
 * (conversations_contact_idx, messages_template_conversation_idx).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';

/** Which contacts to recompute: by id, by the conversations that changed, or all of them (backfill, repair). */
export type EngagementScope = { contactIds: readonly string[] } | { conversationIds: readonly string[] } | 'all';

const uuids = (ids: readonly string[]): SQL => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

function scopeSql(scope: EngagementScope): SQL | null {
  if (scope === 'all') return sql`true`;
  if ('contactIds' in scope) return scope.contactIds.length ? sql`k.id in (${uuids([...new Set(scope.contactIds)])})` : null;
  return scope.conversationIds.length
    ? sql`k.id in (select cv.contact_id from conversations cv where cv.id in (${uuids([...new Set(scope.conversationIds)])}))`
    : null;
}

const TEMPLATE = sql`m.direction = 'out' and m.type = 'template'`;

// Written as joins and one lateral min() per conversation (an index probe of
// messages_template_conversation_idx), not as EXISTS subqueries: the planner may turn those into a hash
// of every template when statistics are missing (a fresh import), which took minutes over 100k contacts.

/** Latest inbound and latest reply to a template: after inbound messages, merges. */
export async function refreshInboundEngagement(db: Db, scope: EngagementScope): Promise<void> {
  const which = scopeSql(scope);
  if (!which) return;
  await db.execute(sql`
    update contacts c set last_inbound_at = e.inbound, last_replied_at = e.replied
    from (
      select k.id, max(cv.last_inbound_at) as inbound,
        max(cv.last_inbound_at) filter (where cv.last_inbound_at > f.first_template) as replied
      from contacts k
      left join conversations cv on cv.contact_id = k.id
      left join lateral (select min(m.at) as first_template from messages m where m.conversation_id = cv.id and ${TEMPLATE}) f on true
      where ${which}
      group by k.id
    ) e
    where c.id = e.id and (c.last_inbound_at, c.last_replied_at) is distinct from (e.inbound, e.replied)`);
}

/** Latest template delivered and read: after statuses of templates, merges. */
export async function refreshTemplateEngagement(db: Db, scope: EngagementScope): Promise<void> {
  const which = scopeSql(scope);
  if (!which) return;
  await db.execute(sql`
    update contacts c set last_template_delivered_at = e.delivered, last_template_read_at = e.read
    from (
      select k.id, max(coalesce(m.delivered_at, m.read_at)) as delivered, max(m.read_at) as read
      from contacts k
      left join conversations cv on cv.contact_id = k.id
      left join messages m on m.conversation_id = cv.id and ${TEMPLATE}
      where ${which}
      group by k.id
    ) e
    where c.id = e.id and (c.last_template_delivered_at, c.last_template_read_at) is distinct from (e.delivered, e.read)`);
}

/** Every roll-up of the contacts in scope. */
export async function refreshEngagement(db: Db, scope: EngagementScope): Promise<void> {
  await refreshInboundEngagement(db, scope);
  await refreshTemplateEngagement(db, scope);
}
