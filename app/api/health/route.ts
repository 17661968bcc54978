// GET /api/health (docs/agent-api.md#other-endpoints): 200 when the database answers, 503 when it does not.
import { databaseHealthy } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const ok = await databaseHealthy();
  const body = ok
    ? { ok: true, db: "ok" }
    : { ok: false, db: "unavailable", error: "unavailable", error_description: "The database is not answering." };
  return Response.json(body, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
