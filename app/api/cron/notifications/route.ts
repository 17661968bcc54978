// GET /api/cron/notifications — Vercel Cron (vercel.json) sends the notifications that are
// due (retries included). Authorized with CRON_SECRET, as Vercel sends it.
import { getDb } from "@/lib/serve/database";
import { getEnv } from "@/lib/env";
import { withErrorResponse } from "@/lib/http/route";
import { runNotificationsCron } from "@/lib/notify/cron";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = withErrorResponse("notifications cron", async (request: Request): Promise<Response> => {
  const result = await runNotificationsCron(request, { db: await getDb(), env: getEnv() });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
