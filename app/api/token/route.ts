// POST /api/token — exchange a service token for an operation token (SPEC §3.1).
import { after } from "next/server";
import { getDb } from "@/db/client";
import { createApprovalGate } from "@/lib/approvals/gate";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { errorResponse } from "@/lib/errors";
import { handleExchange } from "@/lib/exchange";
import { clientIp } from "@/lib/http/client-ip";

export const dynamic = "force-dynamic";

// after(): the approval webhook runs once the 202 is sent, and survives it on serverless hosts
const approvals = createApprovalGate({ defer: (task) => after(task) });

export async function POST(request: Request): Promise<Response> {
  try {
    const db = await getDb();
    return await handleExchange(request, { db, url: getEnv().url, ip: clientIp(request.headers), userAgent: request.headers.get("user-agent"), failures: getFailureLimiter() }, approvals);
  } catch (e) {
    return errorResponse(e, { context: "token exchange" });
  }
}
