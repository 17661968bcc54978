ALTER TABLE "audit_events" ADD COLUMN "via" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "tool" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "count" integer;