import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from '../messaging/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Internal notes on a conversation (never sent to the customer). Transfers write one too. */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    /** note | transfer | assignment | system */
    kind: text('kind').notNull().default('note'),
    details: jsonb('details'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_conv_idx').on(t.conversationId, t.createdAt)],
);

/** Canned responses, typed with a `/shortcut` in the composer. */
export const quickReplies = pgTable('quick_replies', {
  id: uuid('id').primaryKey().defaultRandom(),
  shortcut: text('shortcut').notNull().unique(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  /** es | en | null (any) */
  language: text('language'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const labels = pgTable('labels', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  color: text('color'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const conversationLabels = pgTable(
  'conversation_labels',
  {
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    labelId: uuid('label_id').notNull().references(() => labels.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.labelId] }), index('conversation_labels_label_idx').on(t.labelId)],
);
