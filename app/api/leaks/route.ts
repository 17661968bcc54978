// POST /api/leaks — report a leaked service token (SPEC §3.3). Always the same 202.
import { getDb } from "@/lib/serve/database";
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handleLeakReport } from "@/lib/leaks";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    return await handleLeakReport(request, { db: await getDb(), ip: clientIp(request.headers), userAgent: request.headers.get("user-agent") });
  } catch (e) {
    return errorResponse(e, { context: "leak report" });
  }
}
