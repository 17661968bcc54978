CREATE TABLE "held_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"service_token_id" text NOT NULL,
	"provider" text NOT NULL,
	"connection_id" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"query" text NOT NULL,
	"digest" text NOT NULL,
	"request" jsonb NOT NULL,
	"body_bytes" integer NOT NULL,
	"state" text DEFAULT 'held' NOT NULL,
	"outcome" text,
	"response_status" integer,
	"response" jsonb,
	"claimed_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"keep_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "kind" text DEFAULT 'exchange' NOT NULL;--> statement-breakpoint
ALTER TABLE "service_tokens" ADD COLUMN "hold_scopes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "held_requests" ADD CONSTRAINT "held_requests_id_approvals_id_fk" FOREIGN KEY ("id") REFERENCES "public"."approvals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_requests" ADD CONSTRAINT "held_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_requests" ADD CONSTRAINT "held_requests_service_token_id_service_tokens_id_fk" FOREIGN KEY ("service_token_id") REFERENCES "public"."service_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "held_requests_token_digest_idx" ON "held_requests" USING btree ("service_token_id","digest");--> statement-breakpoint
CREATE INDEX "held_requests_state_idx" ON "held_requests" USING btree ("state");