// POST /api/leaks — report a leaked service token (SPEC §3.3). Always the same 202.
import { getDb } from "@/db/client";
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { LEAK_ACCEPTED, reportLeak } from "@/lib/leaks";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    const body = (await request.json().catch(() => ({}))) as { token?: unknown };
    await reportLeak({ db: await getDb(), token: body?.token, ip: clientIp(request.headers), userAgent: request.headers.get("user-agent") });
    return Response.json(LEAK_ACCEPTED, { status: 202, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, { context: "leak report" });
  }
}
