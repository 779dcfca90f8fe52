import { expect, inject, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createPostgresDatabase, describeEachEngine } from '../helpers/store.ts';
import { migrateStore, migrationState } from '../../src/store/migrate.ts';
import { openPostgres } from '../../src/store/connection.ts';
import { settings } from '../../src/store/schema.ts';

describeEachEngine('store foundation', (ctx) => {
  it('has every shipped migration applied', async () => {
    const state = await migrationState(ctx.store);
    expect(state.current).toBe(true);
    expect(state.applied).toBe(state.expected);
  });

  it('re-running migrations is a no-op', async () => {
    await migrateStore(ctx.store);
    expect((await migrationState(ctx.store)).current).toBe(true);
  });

  it('reads and writes through the shared schema with parameterised values', async () => {
    const hostile = "x'); drop table settings; --";
    await ctx.store.db.insert(settings).values({ key: hostile, value: { n: 1, s: 'ñandú' } });
    const [row] = await ctx.store.db.select().from(settings).where(eq(settings.key, hostile));
    expect(row?.value).toEqual({ n: 1, s: 'ñandú' });
    const rows = await ctx.store.rows<{ n: number }>(sql`select count(*)::int as n from settings where key = ${hostile}`);
    expect(rows[0]?.n).toBe(1);
  });

  it('migrations from several processes at once do not race (advisory lock)', async () => {
    if (ctx.engine !== 'postgres') return; // PGlite has one process per data directory by construction
    const database = await createPostgresDatabase(inject('postgresUrl')!);
    const stores = [1, 2, 3].map(() => openPostgres(database.url, 2));
    try {
      // Without the lock, the second and third would fail on "relation already exists".
      await Promise.all(stores.map((s) => migrateStore(s)));
      expect(await migrationState(stores[0]!)).toMatchObject({ current: true });
      const rows = await stores[0]!.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(rows[0]?.n).toBe((await migrationState(stores[0]!)).expected);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await database.drop();
    }
  });
});
