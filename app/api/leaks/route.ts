// POST /api/leaks — report a leaked service token (docs/agent-api.md#other-endpoints). Always the same 202.
import { getDb } from "@/lib/serve/database";
import { withErrorResponse } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-ip";
import { handleLeakReport } from "@/lib/leaks";

export const dynamic = "force-dynamic";

export const POST = withErrorResponse("leak report", async (request: Request): Promise<Response> => {
  return await handleLeakReport(request, {
    db: await getDb(),
    ip: clientIp(request.headers),
    userAgent: request.headers.get("user-agent"),
  });
});
