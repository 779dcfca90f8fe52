-- Contacts point at organizations through a real foreign key: deleting an organization unlinks its contacts,
-- and no import, merge or concurrent edit can leave a contact pointing at one that is gone. Links that already
-- point nowhere (possible before this) are cleared first, or the constraint could not be added.
UPDATE "contacts" SET "organization_id" = NULL WHERE "organization_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "organizations" o WHERE o."id" = "contacts"."organization_id");--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE set null ON UPDATE no action;
