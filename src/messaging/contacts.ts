import { eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { countryOfBsuid, countryOfPhone, waIdToE164 } from '../core/phone.ts';
import { marketOfRecipient } from '../core/market.ts';
import { contacts } from './schema.ts';
import { mergeContacts } from '../crm/merge.ts';
import { phoneVariants } from '../core/phone-variants.ts';

export type ContactRow = typeof contacts.$inferSelect;

/** Every identifier Meta may give for a user (spec §9); any of them may be missing. */
export interface Identity {
  waId?: string | null;
  bsuid?: string | null;
  parentBsuid?: string | null;
  username?: string | null;
  profileName?: string | null;
}

function clean(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t : null;
}

function derived(waId: string | null, bsuid: string | null) {
  let e164: string | null = null;
  let country: string | null = null;
  try {
    if (waId) {
      e164 = waIdToE164(waId);
      country = countryOfPhone(waId) ?? null;
    } else if (bsuid) {
      country = countryOfBsuid(bsuid) ?? null;
    }
  } catch {
    // A wa_id libphonenumber cannot place still identifies the contact; country stays unknown.
  }
  let market: string | null;
  try {
    market = marketOfRecipient({ phone: waId, bsuid });
  } catch {
    market = null;
  }
  return { e164, country, market };
}

/** The row for a contact first seen with this identity (country and market derived from it). */
export function newContactValues(identity: Identity, now: Date): typeof contacts.$inferInsert {
  const waId = clean(identity.waId);
  const bsuid = clean(identity.bsuid);
  return {
    waId,
    bsuid,
    parentBsuid: clean(identity.parentBsuid),
    username: clean(identity.username),
    profileName: clean(identity.profileName),
    ...derived(waId, bsuid),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Find or create the contact for an identity: BSUID first, then phone (spec §9). Identifiers we did
 * not know are added to the record; a contact is never keyed by an empty phone.
 */
export async function resolveContact(db: Db, identity: Identity, now: Date): Promise<ContactRow> {
  const waId = clean(identity.waId);
  const bsuid = clean(identity.bsuid);
  if (!waId && !bsuid) throw new Error('An inbound identity needs a wa_id or a BSUID; this one has neither.');
  for (let attempt = 0; ; attempt++) {
    const found = await db
      .select()
      .from(contacts)
      .where(or(bsuid ? eq(contacts.bsuid, bsuid) : sql`false`, waId ? inArray(contacts.waId, phoneVariants(waId)) : sql`false`));
    // Prefer the BSUID match when both exist as separate records (merging is the CRM's job).
    const existing = found.find((c) => bsuid && c.bsuid === bsuid) ?? found[0];
    if (existing) {
      // The same person known twice: by username/BSUID, and by phone (e.g. imported). Meta now tells
      // us both belong together, so the phone record is merged into the BSUID one (spec §9).
      const variants = waId ? phoneVariants(waId) : [];
      const phoneTwin = found.find((c) => c.id !== existing.id && c.waId !== null && variants.includes(c.waId) && c.bsuid === null);
      if (phoneTwin && bsuid && existing.bsuid === bsuid && existing.waId === null) {
        await mergeContacts(db, existing.id, phoneTwin.id, now);
        continue; // read again: the survivor now carries the phone
      }
      const set: Partial<typeof contacts.$inferInsert> = {};
      if (waId && !existing.waId && !found.some((c) => c.id !== existing.id && c.waId === waId)) {
        Object.assign(set, { waId }, derived(waId, existing.bsuid ?? bsuid));
      }
      // Known under another form of the same number (52 1… vs 52…): adopt the form Meta uses.
      if (waId && existing.waId && existing.waId !== waId && variants.includes(existing.waId) && !found.some((c) => c.id !== existing.id && c.waId === waId)) {
        Object.assign(set, { waId }, derived(waId, existing.bsuid ?? bsuid));
      }
      if (bsuid && !existing.bsuid) set.bsuid = bsuid;
      const parent = clean(identity.parentBsuid);
      if (parent && parent !== existing.parentBsuid) set.parentBsuid = parent;
      const username = clean(identity.username);
      if (username && username !== existing.username) set.username = username;
      const name = clean(identity.profileName);
      if (name && name !== existing.profileName) set.profileName = name;
      if (Object.keys(set).length === 0) return existing;
      set.updatedAt = now;
      const [updated] = await db.update(contacts).set(set).where(eq(contacts.id, existing.id)).returning();
      return updated!;
    }
    const inserted = await db
      .insert(contacts)
      .values(newContactValues(identity, now))
      .onConflictDoNothing()
      .returning();
    if (inserted[0]) return inserted[0];
    // Another process inserted the same identity between our select and insert: read it again.
    if (attempt > 3) throw new Error(`Could not resolve contact for ${waId ?? bsuid}`);
  }
}
