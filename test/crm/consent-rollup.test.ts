// Current consent per category is copied onto contacts (consent_marketing, …) by statement triggers on
// consents, so segment filters and audiences test a column. Every way consents change keeps it equal to
// the consents table: recordConsent (upsert), a bulk insert as the importer does, a merge, a delete.
import { readFileSync } from 'node:fs';
import { beforeEach, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { consents } from '../../src/crm/schema.ts';
import { recordConsent } from '../../src/crm/consent.ts';
import { mergeContacts } from '../../src/crm/merge.ts';
import { countMatching } from '../../src/crm/segments.ts';

const at = (day: number) => new Date(Date.UTC(2026, 10, day, 10));
// Migration 0007's backfill of the consent columns, as it runs on a database that already has consents.
const BACKFILL = readFileSync(new URL('../../drizzle/0007_engagement.sql', import.meta.url), 'utf8')
  .split('--> statement-breakpoint')
  .map((x) => x.trim())
  .filter((x) => x.startsWith('UPDATE "contacts" c SET "consent_marketing"'));

describeEachEngine('consent on contacts', (engine) => {
  const db = () => engine.store.db;
  let ids: string[] = [];

  beforeEach(async () => {
    await db().execute(sql`truncate consent_events, consents, contacts cascade`);
    ids = (await db().insert(contacts).values([1, 2, 3, 4].map((i) => ({ waId: `3461000000${i}`, name: `C${i}` }))).returning({ id: contacts.id })).map((r) => r.id);
  });

  const columns = async () =>
    Object.fromEntries((await db().select().from(contacts)).map((c) => [c.waId ?? c.id, [c.consentMarketing, c.consentUtility, c.consentAuthentication]]));
  /** What the consents table says, in the same shape. */
  const truth = async () => {
    const rows = await db().select().from(consents);
    const of = (id: string, cat: string) => rows.find((r) => r.contactId === id && r.category === cat)?.state ?? null;
    return Object.fromEntries((await db().select().from(contacts)).map((c) => [c.waId ?? c.id, [of(c.id, 'marketing'), of(c.id, 'utility'), of(c.id, 'authentication')]]));
  };

  it('follows recordConsent, latest decision first, and the segment filter reads it', async () => {
    await recordConsent(db(), { contactId: ids[0]!, category: 'marketing', state: 'opted_in', source: 'form', at: at(2) });
    await recordConsent(db(), { contactId: ids[0]!, category: 'utility', state: 'opted_in', source: 'form', at: at(2) });
    await recordConsent(db(), { contactId: ids[1]!, category: 'marketing', state: 'opted_out', source: 'chat_keyword', at: at(3) });
    // An older opt-in (say, from a file) does not override the newer opt-out.
    await recordConsent(db(), { contactId: ids[1]!, category: 'marketing', state: 'opted_in', source: 'import', at: at(1) });
    const cols = await columns();
    expect(cols['34610000001']).toEqual(['opted_in', 'opted_in', null]);
    expect(cols['34610000002']).toEqual(['opted_out', null, null]);
    expect(cols).toEqual(await truth());
    const now = at(5);
    expect(await countMatching(db(), 'consent.marketing = opted_in', now)).toBe(1);
    expect(await countMatching(db(), 'consent.marketing = unknown', now)).toBe(2);
    expect(await countMatching(db(), 'consent.marketing != opted_out', now)).toBe(3);
  });

  it('follows bulk inserts and upserts, merges and deletes', async () => {
    // As the importer writes them: many rows in one statement, then an upsert of some of them.
    await db().insert(consents).values(ids.map((id, i) => ({ contactId: id, category: 'marketing', state: i % 2 ? 'opted_out' : 'opted_in', at: at(2) })));
    await db().execute(sql`insert into consents (contact_id, category, state, at)
      select id, 'authentication', 'opted_in', ${at(4).toISOString()}::timestamptz from contacts where wa_id in ('34610000001', '34610000004')
      union all select id, 'marketing', 'opted_out', ${at(4).toISOString()}::timestamptz from contacts where wa_id = '34610000003'
      on conflict (contact_id, category) do update set state = excluded.state, at = excluded.at where consents.at <= excluded.at`);
    expect(await columns()).toEqual(await truth());
    expect((await columns())['34610000003']).toEqual(['opted_out', null, null]);

    // A merge moves consents to the survivor (latest wins) and deletes the merged record's.
    await db().transaction((tx) => mergeContacts(tx, ids[0]!, ids[3]!, at(5)));
    const merged = await columns();
    expect(merged).toEqual(await truth());
    const gone = (await db().select().from(contacts).where(eq(contacts.id, ids[3]!)))[0]!;
    expect([gone.consentMarketing, gone.consentUtility, gone.consentAuthentication]).toEqual([null, null, null]);

    await db().delete(consents).where(eq(consents.contactId, ids[1]!));
    expect(await columns()).toEqual(await truth());
    expect((await columns())['34610000002']).toEqual([null, null, null]);

    // The migration's backfill derives the same columns from consents alone.
    const before = await columns();
    await db().update(contacts).set({ consentMarketing: null, consentUtility: null, consentAuthentication: null });
    expect(BACKFILL).toHaveLength(1);
    await db().execute(sql.raw(BACKFILL[0]!));
    expect(await columns()).toEqual(before);
  });
});
