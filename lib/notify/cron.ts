// The ways deliveries that are due get sent without a request to carry them
// (docs/dashboard.md#notifications): under `npm start` and `next dev` a timer, which never
// keeps the process alive; on serverless hosts Vercel Cron calls GET
// /api/cron/notifications every minute with `Authorization: Bearer $CRON_SECRET`.
import "server-only";
import type { Database } from "@/db/client";
import { cronAuthorized } from "@/lib/audit/checkpoint-cron";
import type { Env } from "@/lib/env";
import { getEnv } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { deliverDue } from "@/lib/notify/deliver";
import { getDb } from "@/lib/serve/database";
import { getSlot, setSlot } from "@/lib/serve/slots";

export async function runNotificationsCron(
  request: Request,
  deps: { db: Database; env: Env },
): Promise<{ delivered: number; failed: number }> {
  if (!cronAuthorized(request.headers, deps.env.cronSecret))
    throw new OkoroError("invalid_token", "This endpoint is for the scheduler.");
  return deliverDue(deps.db, { env: deps.env, limit: 200 });
}

export function startNotificationTimer(everyMs = 15_000): void {
  // OKORO_BENCH counts each request's database round trips exactly: no timer then
  if (getSlot("notificationTimer") || getEnv().bench) return;
  setSlot("notificationTimer", true);
  let running = false;
  setInterval(() => {
    if (running) return;
    running = true;
    getDb()
      .then((db) => deliverDue(db, { env: getEnv() }))
      .catch(() => {
        // the database is down: the next tick tries again
      })
      .finally(() => {
        running = false;
      });
  }, everyMs).unref();
}
