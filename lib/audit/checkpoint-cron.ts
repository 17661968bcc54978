// The cron way in for audit checkpoints: serverless hosts have no process that lives
// between requests, so Vercel Cron calls GET /api/cron/checkpoint every minute, with
// `Authorization: Bearer $CRON_SECRET`. A checkpoint is made when one is due (the request
// path may have made one already); the answer says which.
import "server-only";
import { timingSafeEqual } from "node:crypto";
import type { Database } from "@/db/client";
import { CHECKPOINT_INTERVAL_MS, makeCheckpoint } from "@/lib/audit/checkpoint";
import type { Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";

/** Whether the request carries the cron secret (compared in constant time; no secret set: never). */
export function cronAuthorized(headers: Headers, cronSecret: string | undefined): boolean {
  if (!cronSecret) return false;
  const given = Buffer.from(headers.get("authorization") ?? "", "utf8");
  const expected = Buffer.from(`Bearer ${cronSecret}`, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function runCheckpointCron(
  request: Request,
  deps: { db: Database; env: Pick<Env, "cronSecret" | "masterKeys">; now?: Date },
): Promise<{ made: boolean; id?: string; at?: string; chains?: number }> {
  if (!cronAuthorized(request.headers, deps.env.cronSecret))
    throw new OkoroError("invalid_token", "This endpoint is for the scheduler.");
  // a little under the interval, so a cron firing every minute is never "not yet due"
  const made = await makeCheckpoint(deps.db, deps.env.masterKeys, {
    now: deps.now,
    intervalMs: CHECKPOINT_INTERVAL_MS - 5_000,
  });
  return made
    ? { made: true, id: made.id, at: made.at.toISOString(), chains: Object.keys(made.heads).length }
    : { made: false };
}
