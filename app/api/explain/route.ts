// POST /api/explain — what a request would need, without sending it (docs/agent-api.md#explain).
import { getDb } from "@/lib/serve/database";
import { getEnv } from "@/lib/env";
import { errorResponse } from "@/lib/errors";
import { handleExplain } from "@/lib/explain";
import { getFailureLimiter } from "@/lib/failure-limits";
import { clientIp } from "@/lib/http/client-ip";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    const db = await getDb();
    const verifier = getOperationTokenVerifier(db, { issuer: getEnv().url });
    return await handleExplain(request, {
      db,
      ip: clientIp(request.headers),
      verify: (token) => verifier.verify(token),
      failures: getFailureLimiter(),
    });
  } catch (e) {
    return errorResponse(e, { context: "explain" });
  }
}
