DROP INDEX "campaign_recipients_due_idx";--> statement-breakpoint
CREATE INDEX "contacts_created_idx" ON "contacts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "contacts_fields_idx" ON "contacts" USING gin ("fields" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "campaign_recipients_due_idx" ON "campaign_recipients" USING btree ("campaign_id","due_at","id") WHERE state = 'pending';