DROP INDEX "contacts_name_prefix_idx";--> statement-breakpoint
DROP INDEX "messages_template_delivered_idx";--> statement-breakpoint
DROP INDEX "messages_template_read_idx";--> statement-breakpoint
DROP INDEX "consents_category_state_idx";--> statement-breakpoint
DROP INDEX "contact_tags_tag_idx";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "last_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "last_template_delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "last_template_read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "last_replied_at" timestamp with time zone;--> statement-breakpoint
-- Backfill the engagement roll-ups before their indexes exist (the same statements as src/crm/engagement.ts).
UPDATE "contacts" c SET "last_inbound_at" = e.inbound, "last_replied_at" = e.replied
FROM (
  SELECT k.id, max(cv.last_inbound_at) AS inbound, max(cv.last_inbound_at) FILTER (WHERE cv.last_inbound_at > f.first_template) AS replied
  FROM contacts k
  JOIN conversations cv ON cv.contact_id = k.id
  LEFT JOIN LATERAL (SELECT min(m.at) AS first_template FROM messages m WHERE m.conversation_id = cv.id AND m.direction = 'out' AND m.type = 'template') f ON true
  GROUP BY k.id
) e
WHERE c.id = e.id;--> statement-breakpoint
UPDATE "contacts" c SET "last_template_delivered_at" = e.delivered, "last_template_read_at" = e.read
FROM (
  SELECT cv.contact_id AS id, max(coalesce(m.delivered_at, m.read_at)) AS delivered, max(m.read_at) AS read
  FROM conversations cv JOIN messages m ON m.conversation_id = cv.id AND m.direction = 'out' AND m.type = 'template'
  GROUP BY cv.contact_id
) e
WHERE c.id = e.id;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_marketing" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_utility" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_authentication" text;--> statement-breakpoint
CREATE INDEX "contacts_name_folded_idx" ON "contacts" USING btree (translate(lower(coalesce("name", "profile_name")), 'áàâäãåéèêëíìîïóòôöõúùûüñçý', 'aaaaaaeeeeiiiiooooouuuuncy') text_pattern_ops);--> statement-breakpoint
CREATE INDEX "contacts_username_prefix_idx" ON "contacts" USING btree (lower("username") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "contacts_last_template_delivered_idx" ON "contacts" USING btree ("last_template_delivered_at") WHERE last_template_delivered_at is not null;--> statement-breakpoint
CREATE INDEX "contacts_last_template_read_idx" ON "contacts" USING btree ("last_template_read_at") WHERE last_template_read_at is not null;--> statement-breakpoint
CREATE INDEX "contacts_last_replied_idx" ON "contacts" USING btree ("last_replied_at") WHERE last_replied_at is not null;--> statement-breakpoint
CREATE INDEX "conversations_state_contact_idx" ON "conversations" USING btree ("state","contact_id");--> statement-breakpoint
CREATE INDEX "messages_template_conversation_idx" ON "messages" USING btree ("conversation_id","at") WHERE direction = 'out' and type = 'template';--> statement-breakpoint
CREATE INDEX "consents_category_state_contact_idx" ON "consents" USING btree ("category","state","contact_id");--> statement-breakpoint
CREATE INDEX "contact_tags_tag_contact_idx" ON "contact_tags" USING btree ("tag_id","contact_id");--> statement-breakpoint
-- Consent per category on contacts, kept by statement triggers on consents (every writer: recordConsent,
-- imports, merges, cascades), each a single set-based UPDATE of the contacts a statement touched.
CREATE FUNCTION "contacts_consent_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT contact_id) INTO ids FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT contact_id) INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT contact_id) INTO ids FROM (SELECT contact_id FROM new_rows UNION SELECT contact_id FROM old_rows) r;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE contacts c SET consent_marketing = s.marketing, consent_utility = s.utility, consent_authentication = s.authentication
  FROM (
    SELECT i.id,
      max(k.state) FILTER (WHERE k.category = 'marketing') AS marketing,
      max(k.state) FILTER (WHERE k.category = 'utility') AS utility,
      max(k.state) FILTER (WHERE k.category = 'authentication') AS authentication
    FROM unnest(ids) AS i(id) LEFT JOIN consents k ON k.contact_id = i.id
    GROUP BY i.id
  ) s
  WHERE c.id = s.id
    AND (c.consent_marketing, c.consent_utility, c.consent_authentication) IS DISTINCT FROM (s.marketing, s.utility, s.authentication);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "consents_rollup_insert" AFTER INSERT ON "consents" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_consent_rollup"();--> statement-breakpoint
CREATE TRIGGER "consents_rollup_update" AFTER UPDATE ON "consents" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_consent_rollup"();--> statement-breakpoint
CREATE TRIGGER "consents_rollup_delete" AFTER DELETE ON "consents" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_consent_rollup"();--> statement-breakpoint
UPDATE "contacts" c SET "consent_marketing" = s.marketing, "consent_utility" = s.utility, "consent_authentication" = s.authentication
FROM (
  SELECT contact_id AS id,
    max(state) FILTER (WHERE category = 'marketing') AS marketing,
    max(state) FILTER (WHERE category = 'utility') AS utility,
    max(state) FILTER (WHERE category = 'authentication') AS authentication
  FROM consents GROUP BY contact_id
) s
WHERE c.id = s.id;
