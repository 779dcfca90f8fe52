import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { contacts } from '../messaging/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Companies our contacts belong to (customers' businesses, suppliers). */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    domain: text('domain'),
    /** customer | supplier | partner | other */
    kind: text('kind').notNull().default('customer'),
    fields: jsonb('fields').notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('organizations_name_idx').on(sql`lower(${t.name})`)],
);

/** Workspace-defined fields for contacts or organizations. Values live in the record's `fields` jsonb by key. */
export const customFields = pgTable(
  'custom_fields',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** contact | organization */
    entity: text('entity').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    /** text | number | date | boolean | choice | multi_choice | phone | email | url */
    type: text('type').notNull(),
    options: jsonb('options'),
    required: boolean('required').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('custom_fields_entity_key').on(t.entity, t.key)],
);

export const tags = pgTable('tags', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  color: text('color'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const contactTags = pgTable(
  'contact_tags',
  {
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id').notNull().references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // tag → contacts from the index alone (segment filters on tags).
  (t) => [primaryKey({ columns: [t.contactId, t.tagId] }), index('contact_tags_tag_contact_idx').on(t.tagId, t.contactId)],
);

/** Current consent per contact and category; the history with evidence is in consent_events. */
export const consents = pgTable(
  'consents',
  {
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    /** marketing | utility | authentication */
    category: text('category').notNull(),
    /** opted_in | opted_out (the vocabulary of core/preflight) */
    state: text('state').notNull(),
    at: ts('at').notNull(),
  },
  // (category, state) → contacts from the index alone (segment filters and audience exclusions on consent).
  (t) => [primaryKey({ columns: [t.contactId, t.category] }), index('consents_category_state_contact_idx').on(t.category, t.state, t.contactId)],
);

export const consentEvents = pgTable(
  'consent_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    state: text('state').notNull(),
    /** form | import | chat_keyword | agent | api */
    source: text('source').notNull(),
    /** The text the person agreed to, or the message that revoked it. */
    evidence: text('evidence'),
    /** Who recorded it (user id, "system", "import:<job>"). */
    recordedBy: text('recorded_by'),
    /** The inbound message that carried a keyword, when that was the source. */
    messageId: uuid('message_id'),
    at: ts('at').notNull(),
  },
  (t) => [index('consent_events_contact_idx').on(t.contactId, t.at)],
);

/** Numbers and ids that must never be messaged, whatever their consent. */
export const suppressions = pgTable('suppressions', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** wa_id digits or a BSUID */
  identifier: text('identifier').notNull().unique(),
  reason: text('reason'),
  createdBy: text('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const segments = pgTable('segments', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** The filter in Charla's segment language (src/core/segments). */
  filter: text('filter').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** CSV imports: options, progress and the per-row report (rejected rows). */
export const importJobs = pgTable('import_jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** pending | running | done | failed */
  state: text('state').notNull().default('pending'),
  dryRun: boolean('dry_run').notNull().default(false),
  fileName: text('file_name'),
  options: jsonb('options').notNull(),
  totalRows: integer('total_rows').notNull().default(0),
  processedRows: integer('processed_rows').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  error: text('error'),
  createdAt: ts('created_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
});

export const importRowReports = pgTable(
  'import_row_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id').notNull().references(() => importJobs.id, { onDelete: 'cascade' }),
    rowNumber: integer('row_number').notNull(),
    /** rejected | created | updated | skipped (dry runs report every row) */
    outcome: text('outcome').notNull(),
    column: text('column'),
    value: text('value'),
    reason: text('reason'),
  },
  (t) => [index('import_row_reports_job_idx').on(t.jobId, t.rowNumber)],
);
