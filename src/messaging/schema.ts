import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { FOLD_FROM, FOLD_TO } from '../core/segments/predicate.ts';
// A cycle (crm/schema.ts references contacts too), safe because drizzle resolves references lazily.
import { organizations } from '../crm/schema.ts';
import { DISPLAY_NAME_SORT_KEY } from '../crm/contact-sort.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A business phone number on the Cloud API, with its credentials (encrypted at rest). */
export const phoneNumbers = pgTable('phone_numbers', {
  id: uuid('id').primaryKey().defaultRandom(),
  phoneNumberId: text('phone_number_id').notNull().unique(),
  wabaId: text('waba_id').notNull(),
  displayPhoneNumber: text('display_phone_number').notNull(),
  verifiedName: text('verified_name'),
  /** AES-256-GCM ciphertext (see src/store/secrets.ts). */
  accessTokenEnc: text('access_token_enc').notNull(),
  appSecretEnc: text('app_secret_enc').notNull(),
  verifyToken: text('verify_token').notNull(),
  /** Messages per second this number may send (Meta: 80 default, 1,000 after upgrade, 20 coexistence). */
  throughputMps: integer('throughput_mps').notNull().default(80),
  qualityRating: text('quality_rating'),
  messagingLimitTier: text('messaging_limit_tier'),
  /** New conversations on this number go to this team (inbox routing). */
  teamId: uuid('team_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * A person we talk to. Identity is any of wa_id/phone, BSUID, parent BSUID, username: a contact may
 * have no phone at all (spec §9), so each identifier is unique where present and none is required.
 */
export const contacts = pgTable(
  'contacts',
  {
    // Physical order (migration 0009): fixed-width columns, then what segment filters test, then the identity
    // and profile texts reached through their indexes. PostgreSQL reads a row up to the last column a query
    // needs, so filtered columns go first; a new column is appended, so move it here only with a rebuild.
    id: uuid('id').primaryKey().defaultRandom(),
    /** Set on the record that was merged into another (kept for history; hidden from lists). */
    mergedInto: uuid('merged_into'),
    /** Deleting an organization unlinks its contacts (migration 0010). */
    organizationId: uuid('organization_id').references((): AnyPgColumn => organizations.id, { onDelete: 'set null' }),
    /** The user who owns the relationship (users arrive with the web app). */
    ownerId: uuid('owner_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /**
     * Engagement roll-ups for segment filters, kept by the message processor (src/crm/engagement.ts):
     * latest inbound message, latest template delivered / read, latest reply to a template. Derived
     * from conversations and messages; refreshEngagement() recomputes them.
     */
    lastInboundAt: ts('last_inbound_at'),
    lastTemplateDeliveredAt: ts('last_template_delivered_at'),
    lastTemplateReadAt: ts('last_template_read_at'),
    lastRepliedAt: ts('last_replied_at'),
    /** unknown (wrote in, not yet classified) | lead | customer | supplier */
    kind: text('kind').notNull().default('unknown'),
    country: text('country'),
    market: text('market'),
    /**
     * Current consent per category (opted_in | opted_out | null = unknown), copied from `consents` by
     * statement triggers (migration 0007) so segment filters and audiences test a column, not a join.
     */
    consentMarketing: text('consent_marketing'),
    consentUtility: text('consent_utility'),
    consentAuthentication: text('consent_authentication'),
    email: text('email'),
    /** Custom field values by key (definitions in custom_fields). */
    fields: jsonb('fields').notNull().default({}),
    waId: text('wa_id'),
    e164: text('e164'),
    bsuid: text('bsuid'),
    parentBsuid: text('parent_bsuid'),
    username: text('username'),
    /** The name the business uses (profile_name is what the person set on WhatsApp). */
    name: text('name'),
    profileName: text('profile_name'),
    preferredLanguage: text('preferred_language'),
    timeZone: text('time_zone'),
  },
  (t) => [
    uniqueIndex('contacts_wa_id_key').on(t.waId),
    uniqueIndex('contacts_bsuid_key').on(t.bsuid),
    index('contacts_e164_idx').on(t.e164),
    index('contacts_email_idx').on(sql`lower(${t.email})`),
    index('contacts_organization_idx').on(t.organizationId),
    // text_pattern_ops: prefix search (LIKE 'ana%') uses the index whatever the collation.
    // The folded display name (src/crm/name-match.ts): contact and inbox search, segment name filters.
    index('contacts_name_folded_idx').on(sql`translate(lower(coalesce(${t.name}, ${t.profileName})), ${sql.raw(`'${FOLD_FROM}'`)}, ${sql.raw(`'${FOLD_TO}'`)}) text_pattern_ops`),
    index('contacts_wa_id_prefix_idx').on(sql`${t.waId} text_pattern_ops`),
    index('contacts_username_prefix_idx').on(sql`lower(${t.username}) text_pattern_ops`),
    // The contacts list is newest first (and a broad name prefix is answered by walking it until a page fills).
    index('contacts_created_idx').on(t.createdAt, t.id),
    // The contacts list sorted by name (src/crm/contact-sort.ts): the display name, folded, byte order.
    index('contacts_display_name_sort_idx').on(sql.raw(DISPLAY_NAME_SORT_KEY), t.id),
    // Custom-field equality in segments (`fields @> {"plan": "Gold"}`, see src/crm/segment-sql.ts).
    index('contacts_fields_idx').using('gin', sql`${t.fields} jsonb_path_ops`),
    // Engagement filters ("engagement.read within 14d") are usually selective: a bitmap scan of these beats
    // scanning every contact. last_inbound_at has none: it changes on every inbound message (an index would
    // make each of those updates touch every index of contacts) and its filters are usually broad.
    index('contacts_last_template_delivered_idx').on(t.lastTemplateDeliveredAt).where(sql`last_template_delivered_at is not null`),
    index('contacts_last_template_read_idx').on(t.lastTemplateReadAt).where(sql`last_template_read_at is not null`),
    index('contacts_last_replied_idx').on(t.lastRepliedAt).where(sql`last_replied_at is not null`),
  ],
);

/** One thread per (business number, contact), carrying the customer-service and free-entry-point windows. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phoneNumberId: uuid('phone_number_id').notNull().references(() => phoneNumbers.id),
    contactId: uuid('contact_id').notNull().references(() => contacts.id),
    /** open | pending | resolved */
    state: text('state').notNull().default('open'),
    lastInboundAt: ts('last_inbound_at'),
    windowExpiresAt: ts('window_expires_at'),
    /** Set when the customer came from a click-to-WhatsApp ad: our reply within the CSW opens a 72 h FEP. */
    referral: jsonb('referral'),
    referralAt: ts('referral_at'),
    fepExpiresAt: ts('fep_expires_at'),
    lastMessageAt: ts('last_message_at'),
    unreadCount: integer('unread_count').notNull().default(0),
    /** Inbox routing: the team it belongs to and the agent working it (users/teams arrive with accounts). */
    teamId: uuid('team_id'),
    assigneeId: uuid('assignee_id'),
    important: boolean('important').notNull().default(false),
    /** When the customer's latest message arrived without a reply after it (for "waiting" views). */
    lastInboundUnansweredAt: ts('last_inbound_unanswered_at'),
    resolvedAt: ts('resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_number_contact_key').on(t.phoneNumberId, t.contactId),
    index('conversations_last_message_idx').on(t.lastMessageAt),
    index('conversations_state_last_idx').on(t.state, t.lastMessageAt),
    index('conversations_assignee_idx').on(t.assigneeId, t.state, t.lastMessageAt),
    index('conversations_team_idx').on(t.teamId, t.state, t.lastMessageAt),
    // Threads of a contact (inbox number search, contact page, batch lookups by contact).
    index('conversations_contact_idx').on(t.contactId),
    // Segment filters on conversation state read the contacts of a state from this index alone.
    index('conversations_state_contact_idx').on(t.state, t.contactId),
  ],
);

/** Every message in and out. Our id is the outbound natural key (sent as biz_opaque_callback_data); wamid is Meta's. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    wamid: text('wamid'),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id),
    /** in | out */
    direction: text('direction').notNull(),
    type: text('type').notNull(),
    /** Inbound: Meta's message object as received. Outbound: the Cloud API send body. */
    content: jsonb('content').notNull(),
    contextWamid: text('context_wamid'),
    /** Outbound: queued | accepted | sent | delivered | read | played | failed. Inbound: received | read. */
    status: text('status').notNull(),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    readAt: ts('read_at'),
    playedAt: ts('played_at'),
    failedAt: ts('failed_at'),
    /** Meta's errors for a failed message (code, title, message, details), or ours for a refused one. */
    errors: jsonb('errors'),
    /** Pricing facts from statuses: { pricing_model, billable, type, category }. */
    pricing: jsonb('pricing'),
    /** When the message happened (Meta's timestamp for inbound; queue time for outbound). */
    at: ts('at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_wamid_key').on(t.wamid),
    index('messages_conversation_at_idx').on(t.conversationId, t.at),
    // Templates of a conversation: the engagement roll-ups (delivered/read, "a template before this reply").
    index('messages_template_conversation_idx').on(t.conversationId, t.at).where(sql`direction = 'out' and type = 'template'`),
  ],
);

/** Raw webhook bodies, appended before Meta gets its 200; the processor applies them in order. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    body: text('body').notNull(),
    processedAt: ts('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
  },
  (t) => [index('webhook_events_pending_idx').on(t.id).where(sql`processed_at is null`)],
);

/** Statuses whose message we do not know yet: kept and applied when it appears. */
export const pendingStatuses = pgTable(
  'pending_statuses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    wamid: text('wamid'),
    /** Our message id from biz_opaque_callback_data, when present. */
    ourId: uuid('our_id'),
    status: jsonb('status').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('pending_statuses_wamid_idx').on(t.wamid), index('pending_statuses_our_id_idx').on(t.ourId)],
);

/** The outbox: one row per outbound message (same id), paced by the dispatcher's lanes. */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: uuid('id').primaryKey().references(() => messages.id),
    phoneNumberId: uuid('phone_number_id').notNull().references(() => phoneNumbers.id),
    /** Pair-rate key: the recipient's wa_id or BSUID. */
    recipientKey: text('recipient_key').notNull(),
    /** The Cloud API body, without biz_opaque_callback_data (added per attempt). */
    body: jsonb('body').notNull(),
    /** queued | sending | accepted | failed */
    state: text('state').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: ts('not_before').notNull().defaultNow(),
    /** Fencing: the lane epoch under which the current attempt was claimed. */
    epoch: bigint('epoch', { mode: 'number' }),
    lastError: jsonb('last_error'),
    priority: integer('priority').notNull().default(0),
    /** Set for campaign sends: the dispatcher re-checks consent and the campaign's state before sending. */
    campaignId: uuid('campaign_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('outbound_due_idx').on(t.phoneNumberId, t.priority, t.notBefore).where(sql`state = 'queued'`), index('outbound_sending_idx').on(t.phoneNumberId).where(sql`state = 'sending'`)],
);

/** One lease per sender number: whoever holds it (with the current epoch) paces that number. */
export const lanes = pgTable('lanes', {
  phoneNumberId: uuid('phone_number_id').primaryKey().references(() => phoneNumbers.id),
  owner: text('owner'),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  leaseUntil: ts('lease_until'),
});

/** Inbound media to fetch from the Cloud API and keep (retried separately from message creation). */
export const mediaFiles = pgTable(
  'media_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id').notNull().references(() => messages.id),
    metaMediaId: text('meta_media_id').notNull(),
    phoneNumberId: uuid('phone_number_id').notNull().references(() => phoneNumbers.id),
    mimeType: text('mime_type'),
    sha256: text('sha256'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    path: text('path'),
    /** pending | stored | failed */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: ts('not_before').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('media_files_meta_media_key').on(t.metaMediaId), index('media_files_due_idx').on(t.notBefore).where(sql`state = 'pending'`)],
);

/** Template status, quality and account events as Meta reported them (the templates capability reads these). */
export const accountEvents = pgTable('account_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  wabaId: text('waba_id'),
  field: text('field').notNull(),
  value: jsonb('value').notNull(),
  at: ts('at').notNull().defaultNow(),
  /** Dedupe key so a redelivered webhook records once. */
  dedupeKey: text('dedupe_key').notNull().unique(),
});
