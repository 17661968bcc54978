// POST /api/token — exchange a service token for an operation token (docs/agent-api.md#exchange).
import { afterResponse } from "@/lib/http/after-response";
import { getDb } from "@/lib/serve/database";
import { createApprovalGate } from "@/lib/approvals/gate";
import { checkpointScheduler, pendingCheckpoints } from "@/lib/audit/checkpoint";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { errorResponse } from "@/lib/errors";
import { handleExchange } from "@/lib/exchange";
import { clientIp } from "@/lib/http/client-ip";
import { sweepIfDue } from "@/lib/sweep";

export const dynamic = "force-dynamic";

// after(): the approval webhook runs once the 202 is sent, and survives it on serverless hosts
const approvals = createApprovalGate({ defer: (task) => afterResponse(task) });

export async function POST(request: Request): Promise<Response> {
  // hosts without a long-running process have no sweep timer: sweep here, once the answer
  // is sent, at most every few minutes per instance
  afterResponse(() => sweepIfDue());
  try {
    const db = await getDb();
    // the exchange's audit events can make a checkpoint due; it finishes after the response
    checkpointScheduler(db, getEnv().masterKeys);
    const response = await handleExchange(
      request,
      {
        db,
        url: getEnv().url,
        ip: clientIp(request.headers),
        userAgent: request.headers.get("user-agent"),
        failures: getFailureLimiter(),
      },
      approvals,
    );
    const checkpoint = pendingCheckpoints();
    if (checkpoint) afterResponse(checkpoint);
    return response;
  } catch (e) {
    return errorResponse(e, { context: "token exchange" });
  }
}
