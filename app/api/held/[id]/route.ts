// GET /api/held/{id} — the agent polls its held request (docs/agent-api.md#held-requests).
import { getDb } from "@/lib/serve/database";
import { handleHeldPoll } from "@/lib/held/poll";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { withErrorResponse } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-ip";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse(
  "held poll",
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const { id } = await params;
    const db = await getDb();
    return await handleHeldPoll(
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
