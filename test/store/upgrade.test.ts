// An installation with data from before migration 0007 upgrades in place: the engagement and consent roll-ups
// are derived from the history it already has, and the consent triggers work from then on; the contacts rebuild
// of 0009 keeps every row, key, index and foreign key. Run on both engines with the real migration files: first
// those up to 0006, then up to 0008, then every one (as `charla migrate` would).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { createPostgresDatabase } from '../helpers/store.ts';
import { openPglite, openPostgres, type Store } from '../../src/store/connection.ts';
import { migrateStore, migrationsFolder } from '../../src/store/migrate.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { getTableConfig } from 'drizzle-orm/pg-core';

/** The migrations folder as it was when migration `lastIdx` was the newest. */
function foldersUpTo(lastIdx: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'charla-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const T = (h: number) => `2026-11-0${h < 24 ? 1 : 2}T${String(h % 24).padStart(2, '0')}:00:00Z`;

for (const engine of ['pglite', 'postgres'] as const) {
  const url = engine === 'postgres' ? inject('postgresUrl') : null;
  (engine === 'postgres' && !url ? describe.skip : describe)(`upgrade across migrations 0007, 0009 and 0010 [${engine}]`, () => {
    let store: Store;
    let drop = async () => {};
    const old = foldersUpTo(6);
    const before0009 = foldersUpTo(8);
    const upTo0009 = foldersUpTo(9);
    const migrateWith = (folder: string) =>
      engine === 'pglite' ? migratePglite(drizzlePglite(store.pglite!), { migrationsFolder: folder }) : migratePg(drizzlePg(store.pool!), { migrationsFolder: folder });

    beforeAll(async () => {
      if (engine === 'pglite') {
        store = await openPglite(undefined);
      } else {
        const database = await createPostgresDatabase(url!);
        store = openPostgres(database.url, 2);
        drop = database.drop;
      }
      await migrateWith(old);
    });
    afterAll(async () => {
      await store.close();
      await drop();
      for (const dir of [old, before0009, upTo0009]) rmSync(dir, { recursive: true, force: true });
    });

    /** Everything on or into contacts that the 0009 rebuild recreates: indexes, constraints, foreign keys into it. */
    const contactsShape = async () => ({
      indexes: (await store.rows<{ indexdef: string }>(sql`select indexdef from pg_indexes where tablename = 'contacts' order by indexname`)).map((r) => r.indexdef),
      constraints: (await store.rows<{ d: string }>(sql`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) d
        from pg_constraint where conrelid = 'contacts'::regclass or confrelid = 'contacts'::regclass order by 1`)).map((r) => r.d),
      columns: await store.rows<Record<string, unknown>>(sql`select column_name, data_type, is_nullable, column_default
        from information_schema.columns where table_name = 'contacts' order by column_name`),
    });

    it('derives the roll-ups from the existing history, and the consent triggers keep them after', async () => {
      const x = (q: ReturnType<typeof sql>) => store.db.execute(q);
      // History as an 0006 database holds it: two contacts, a template read and answered, consents.
      await x(sql`insert into phone_numbers (id, phone_number_id, waba_id, display_phone_number, access_token_enc, app_secret_enc, verify_token)
        values ('00000000-0000-4000-8000-000000000001', 'PN1', 'W', '34910000001', 'x', 'x', 'v')`);
      await x(sql`insert into contacts (id, wa_id) values ('00000000-0000-4000-8000-0000000000a1', '34600000001'), ('00000000-0000-4000-8000-0000000000a2', '34600000002')`);
      await x(sql`insert into conversations (id, phone_number_id, contact_id, last_inbound_at) values
        ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1', ${T(12)}::timestamptz),
        ('00000000-0000-4000-8000-0000000000c2', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a2', ${T(9)}::timestamptz)`);
      await x(sql`insert into messages (conversation_id, direction, type, content, status, at, delivered_at, read_at) values
        ('00000000-0000-4000-8000-0000000000c1', 'out', 'template', '{}', 'read', ${T(10)}::timestamptz, ${T(10)}::timestamptz, ${T(11)}::timestamptz),
        ('00000000-0000-4000-8000-0000000000c1', 'in', 'text', '{}', 'received', ${T(12)}::timestamptz, null, null),
        ('00000000-0000-4000-8000-0000000000c2', 'in', 'text', '{}', 'received', ${T(9)}::timestamptz, null, null),
        ('00000000-0000-4000-8000-0000000000c2', 'out', 'template', '{}', 'delivered', ${T(13)}::timestamptz, ${T(13)}::timestamptz, null)`);
      await x(sql`insert into consents (contact_id, category, state, at) values
        ('00000000-0000-4000-8000-0000000000a1', 'marketing', 'opted_in', now()), ('00000000-0000-4000-8000-0000000000a2', 'utility', 'opted_out', now())`);

      await migrateWith(before0009);
      const shapeBefore = await contactsShape();
      const contactsBefore = await store.rows(sql`select * from contacts order by id`);
      expect(shapeBefore.indexes.length).toBeGreaterThan(10);

      await migrateWith(upTo0009);

      // 0009 changed the order of the columns and nothing else; the order is the one schema.ts declares.
      expect(await contactsShape()).toEqual(shapeBefore);
      expect(await store.rows(sql`select * from contacts order by id`)).toEqual(contactsBefore);
      const order = (await store.rows<{ column_name: string }>(sql`select column_name from information_schema.columns where table_name = 'contacts' order by ordinal_position`)).map((r) => r.column_name);
      expect(order).toEqual(getTableConfig(contacts).columns.map((c) => c.name));
      expect(order.slice(0, 2)).toEqual(['id', 'merged_into']);
      // The foreign keys into contacts hold again: no conversation for a contact that does not exist.
      await expect(x(sql`insert into conversations (phone_number_id, contact_id) values ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000ff')`)).rejects.toThrow();

      const rows = async () => store.rows<Record<string, string | null>>(sql`select wa_id,
        to_char(last_inbound_at at time zone 'UTC', 'DD HH24') as inbound, to_char(last_template_delivered_at at time zone 'UTC', 'DD HH24') as delivered,
        to_char(last_template_read_at at time zone 'UTC', 'DD HH24') as read, to_char(last_replied_at at time zone 'UTC', 'DD HH24') as replied,
        consent_marketing, consent_utility, consent_authentication from contacts order by wa_id`);
      expect(await rows()).toEqual([
        { wa_id: '34600000001', inbound: '01 12', delivered: '01 10', read: '01 11', replied: '01 12', consent_marketing: 'opted_in', consent_utility: null, consent_authentication: null },
        // Wrote before the template, so no reply to it.
        { wa_id: '34600000002', inbound: '01 09', delivered: '01 13', read: null, replied: null, consent_marketing: null, consent_utility: 'opted_out', consent_authentication: null },
      ]);
      // From now on the triggers keep consent on the contact.
      await x(sql`update consents set state = 'opted_out' where contact_id = '00000000-0000-4000-8000-0000000000a1'`);
      await x(sql`insert into consents (contact_id, category, state, at) values ('00000000-0000-4000-8000-0000000000a2', 'authentication', 'opted_in', now())`);
      const after = await rows();
      expect(after.map((r) => [r.consent_marketing, r.consent_utility, r.consent_authentication])).toEqual([['opted_out', null, null], [null, 'opted_out', 'opted_in']]);

      // 0010: contacts → organizations becomes a foreign key. Before it a link could point nowhere; it is cleared.
      await x(sql`insert into organizations (id, name) values ('00000000-0000-4000-8000-0000000000b1', 'Hotel Sol')`);
      await x(sql`update contacts set organization_id = '00000000-0000-4000-8000-0000000000b1' where wa_id = '34600000001'`);
      await x(sql`update contacts set organization_id = '00000000-0000-4000-8000-0000000000bf' where wa_id = '34600000002'`);
      await migrateStore(store);
      const orgs = async () => (await store.rows<{ o: string | null }>(sql`select organization_id::text o from contacts order by wa_id`)).map((r) => r.o);
      expect(await orgs()).toEqual(['00000000-0000-4000-8000-0000000000b1', null]);
      await expect(x(sql`update contacts set organization_id = '00000000-0000-4000-8000-0000000000bf' where wa_id = '34600000002'`)).rejects.toThrow();
      // Deleting an organization unlinks its contacts; they stay.
      await x(sql`delete from organizations where id = '00000000-0000-4000-8000-0000000000b1'`);
      expect(await orgs()).toEqual([null, null]);
    });
  });
}
