// GET /api/token/approvals/{id} — the agent polls its approval request (docs/agent-api.md#exchange).
import { getDb } from "@/lib/serve/database";
import { handleApprovalPoll } from "@/lib/approvals/poll";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { withErrorResponse } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-ip";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse(
  "approval poll",
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await params;
    const db = await getDb();
    return await handleApprovalPoll(
      request,
      {
        db,
        url: getEnv().url,
        ip: clientIp(request.headers),
        userAgent: request.headers.get("user-agent"),
        failures: getFailureLimiter(),
      },
      id,
    );
  },
);
