// GET /api/cron/checkpoint — Vercel Cron (vercel.json) signs a checkpoint of the audit
// chain heads when one is due. Authorized with CRON_SECRET, as Vercel sends it.
import { getDb } from "@/lib/serve/database";
import { runCheckpointCron } from "@/lib/audit/checkpoint-cron";
import { getEnv } from "@/lib/env";
import { withErrorResponse } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = withErrorResponse("audit checkpoint cron", async (request: Request): Promise<Response> => {
  const result = await runCheckpointCron(request, { db: await getDb(), env: getEnv() });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
