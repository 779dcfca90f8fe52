import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A bulk send of one approved template from one business number to an audience. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** draft | scheduled | running | paused | completed | cancelled | failed */
    state: text('state').notNull().default('draft'),
    phoneNumberId: uuid('phone_number_id').notNull(),
    templateId: uuid('template_id').notNull(),
    /** Variable mapping (templates/mapping format), may reference uploaded list columns. */
    mapping: jsonb('mapping'),
    /** { include: [{ segment | tag | contactIds | listId }], exclude: [...] } */
    audience: jsonb('audience').notNull(),
    /** { kind: 'now' } | { kind: 'at', at, timeZone } | { kind: 'local_time', time: 'HH:MM', date? } */
    schedule: jsonb('schedule').notNull(),
    /** { from: 'HH:MM', to: 'HH:MM' } in each recipient's (or the business's) time zone. */
    quietHours: jsonb('quiet_hours'),
    endAt: ts('end_at'),
    /** The business's time zone (IANA), for schedules and recipients without one. */
    timeZone: text('time_zone').notNull().default('Europe/Madrid'),
    /** The estimate shown at launch (frozen): cost per market × category, totals, duration, tier split. */
    estimate: jsonb('estimate'),
    /** Exclusion counts by reason at launch. */
    exclusions: jsonb('exclusions'),
    rateCardId: uuid('rate_card_id'),
    createdBy: uuid('created_by'),
    launchedAt: ts('launched_at'),
    completedAt: ts('completed_at'),
    cancelledAt: ts('cancelled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('campaigns_state_idx').on(t.state)],
);

/** One row per audience member, created at launch; the per-recipient receipt. */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull(),
    /** pending | queued | sent | delivered | read | replied | failed | skipped | excluded */
    state: text('state').notNull().default('pending'),
    /** Why skipped/excluded (no_consent, suppressed, opted_out_during_campaign, invalid_number, duplicate, quiet_hours_end, cancelled…). */
    reason: text('reason'),
    messageId: uuid('message_id'),
    /** Earliest send time (schedule, per-recipient local time, quiet hours, tier budget). */
    dueAt: ts('due_at'),
    /** Values from an uploaded list row, for send-time variables. */
    values: jsonb('values'),
    market: text('market'),
    errorCode: integer('error_code'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('campaign_recipients_campaign_contact_key').on(t.campaignId, t.contactId),
    // The feeder's chunk in (due_at, id) order straight from the index (recipients launched together share a due_at).
    index('campaign_recipients_due_idx').on(t.campaignId, t.dueAt, t.id).where(sql`state = 'pending'`),
    index('campaign_recipients_message_idx').on(t.messageId),
  ],
);

/** Uploaded recipient lists (CSV) for an audience: rows keyed by contact once matched. */
export const campaignLists = pgTable('campaign_lists', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  columns: jsonb('columns').notNull(),
  /** [{ contactId, values }] after matching phones to contacts (created as needed). */
  rows: jsonb('rows').notNull(),
  rejected: jsonb('rejected').notNull().default([]),
  createdAt: ts('created_at').notNull().defaultNow(),
});
