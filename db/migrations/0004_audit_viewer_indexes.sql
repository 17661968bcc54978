-- Indexes for the dashboard's audit viewer (db/queries/audit.ts), measured on a 100 000-event
-- log: the event filter, flagged-only (partial: ~2 % of rows), and the status and duration sorts
-- (partial: only rows that have a value; the viewer reads rows without one as a separate segment).
CREATE INDEX "audit_events_user_event_idx" ON "audit_events" USING btree ("user_id","event","seq");--> statement-breakpoint
CREATE INDEX "audit_events_user_flagged_idx" ON "audit_events" USING btree ("user_id","seq") WHERE jsonb_array_length("audit_events"."flags") > 0;--> statement-breakpoint
CREATE INDEX "audit_events_user_status_idx" ON "audit_events" USING btree ("user_id","status","seq") WHERE "audit_events"."status" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_events_user_duration_idx" ON "audit_events" USING btree ("user_id","duration_ms","seq") WHERE "audit_events"."duration_ms" IS NOT NULL;