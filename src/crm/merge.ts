import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { contacts, conversations, messages } from '../messaging/schema.ts';
import { consentEvents, consents, contactTags } from './schema.ts';
import { refreshEngagement } from './engagement.ts';

const IDENTITY = ['waId', 'e164', 'bsuid', 'parentBsuid', 'username'] as const;
const PROFILE = ['profileName', 'name', 'email', 'organizationId', 'ownerId', 'preferredLanguage', 'timeZone', 'country', 'market'] as const;

/**
 * Merge `goneId` into `keepId`, keeping every message, consent record and tag. Conversations on the
 * same business number are joined into one thread. The merged record stays as a tombstone
 * (merged_into) so links to it can be followed. Run inside a transaction.
 */
export async function mergeContacts(db: Db, keepId: string, goneId: string, now: Date): Promise<void> {
  if (keepId === goneId) throw new Error('A contact cannot be merged into itself.');
  const [keep] = await db.select().from(contacts).where(eq(contacts.id, keepId));
  const [gone] = await db.select().from(contacts).where(eq(contacts.id, goneId));
  if (!keep || !gone) throw new Error('Both contacts must exist to merge them.');
  if (keep.mergedInto || gone.mergedInto) throw new Error('One of these contacts was already merged; merge into the surviving record.');

  // Threads: move whole conversations, or fold messages into the existing thread on the same number.
  const keepConvs = await db.select().from(conversations).where(eq(conversations.contactId, keepId));
  const goneConvs = await db.select().from(conversations).where(eq(conversations.contactId, goneId));
  for (const g of goneConvs) {
    const k = keepConvs.find((c) => c.phoneNumberId === g.phoneNumberId);
    if (!k) {
      await db.update(conversations).set({ contactId: keepId }).where(eq(conversations.id, g.id));
      continue;
    }
    await db.update(messages).set({ conversationId: k.id }).where(eq(messages.conversationId, g.id));
    await db.execute(sql`
      update conversations as k set
        last_inbound_at = greatest(k.last_inbound_at, g.last_inbound_at),
        window_expires_at = greatest(k.window_expires_at, g.window_expires_at),
        fep_expires_at = greatest(k.fep_expires_at, g.fep_expires_at),
        referral = coalesce(k.referral, g.referral),
        referral_at = greatest(k.referral_at, g.referral_at),
        last_message_at = greatest(k.last_message_at, g.last_message_at),
        unread_count = k.unread_count + g.unread_count
      from conversations g where k.id = ${k.id} and g.id = ${g.id}`);
    await db.delete(conversations).where(eq(conversations.id, g.id));
  }

  await db.execute(sql`insert into contact_tags (contact_id, tag_id, created_at) select ${keepId}, tag_id, created_at from contact_tags where contact_id = ${goneId} on conflict do nothing`);
  await db.delete(contactTags).where(eq(contactTags.contactId, goneId));
  // Consent: the latest decision of either record wins, per category; the history moves whole.
  await db.execute(sql`
    insert into consents (contact_id, category, state, at) select ${keepId}, category, state, at from consents where contact_id = ${goneId}
    on conflict (contact_id, category) do update set state = excluded.state, at = excluded.at where consents.at < excluded.at`);
  await db.delete(consents).where(eq(consents.contactId, goneId));
  await db.update(consentEvents).set({ contactId: keepId }).where(eq(consentEvents.contactId, goneId));

  // Identifiers are unique: free them on the merged record before the survivor takes them.
  const fill: Partial<typeof contacts.$inferInsert> = {};
  for (const k of [...IDENTITY, ...PROFILE]) if (keep[k] === null && gone[k] !== null) (fill as Record<string, unknown>)[k] = gone[k];
  await db
    .update(contacts)
    .set({ waId: null, bsuid: null, mergedInto: keepId, updatedAt: now })
    .where(and(eq(contacts.id, goneId)));
  const kind = keep.kind === 'unknown' && gone.kind !== 'unknown' ? gone.kind : keep.kind;
  await db
    .update(contacts)
    .set({ ...fill, kind, fields: { ...(gone.fields as object), ...(keep.fields as object) }, updatedAt: now })
    .where(eq(contacts.id, keepId));
  // Links to the merged record (earlier merges into it) now point at the survivor.
  await db.update(contacts).set({ mergedInto: keepId }).where(eq(contacts.mergedInto, goneId));
  // The survivor now holds both histories; the tombstone holds none.
  await refreshEngagement(db, { contactIds: [keepId, goneId] });
}
