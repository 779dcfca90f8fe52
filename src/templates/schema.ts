import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The template library per WABA: one row per (WABA, name, language), as Meta keys them. */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    wabaId: text('waba_id').notNull(),
    /** Meta's template id (message_template_id), once submitted. */
    metaId: text('meta_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    /** MARKETING | UTILITY | AUTHENTICATION */
    category: text('category').notNull(),
    /** positional | named */
    parameterFormat: text('parameter_format').notNull().default('positional'),
    components: jsonb('components').notNull(),
    /** DRAFT (ours, not submitted) | PENDING | APPROVED | REJECTED | PAUSED | DISABLED | IN_APPEAL | … */
    status: text('status').notNull().default('DRAFT'),
    /** GREEN | YELLOW | RED | UNKNOWN */
    quality: text('quality'),
    rejectionReason: text('rejection_reason'),
    pausedUntil: ts('paused_until'),
    /** Every status change, newest last: { status, reason?, at, source: 'webhook'|'sync'|'api' }. */
    history: jsonb('history').notNull().default([]),
    /** How each variable is filled when sending (see templates/mapping). */
    mapping: jsonb('mapping'),
    editsCount: integer('edits_count').notNull().default(0),
    lastEditedAt: ts('last_edited_at'),
    syncedAt: ts('synced_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('templates_waba_name_language_key').on(t.wabaId, t.name, t.language), index('templates_meta_id_idx').on(t.metaId)],
);
