import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The one schema both engines share. Each capability adds its tables here (or in a module re-exported
 * from here) and generates a migration with `npm run db:generate`.
 */

/** Installation-wide settings (key → JSON value), e.g. the installation id. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export * from '../messaging/schema.ts';
export * from '../crm/schema.ts';
export * from '../accounts/schema.ts';
export * from '../inbox/schema.ts';
export * from '../templates/schema.ts';
export * from '../campaigns/schema.ts';
export * from '../pricing/schema.ts';
