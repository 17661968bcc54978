// GET /api/audit/chain — whether the signed-in user's audit chain verifies (docs/audit.md#audit-log):
// `{ ok, verifiedThrough, firstBadSeq?, problem?, checkedAt, tookMs }`. Verifying reads and
// hashes the whole chain (seconds on a long log), so the viewer asks for it here, off the
// page's critical path; results are reused for a minute unless ?fresh=1.
import { chainStatus } from "@/lib/audit/dashboard";
import { currentUser } from "@/lib/auth/session";
import { OkoroError } from "@/lib/errors";
import { withErrorResponse } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse("audit chain status", async (request: Request): Promise<Response> => {
  const user = await currentUser();
  if (!user) throw new OkoroError("invalid_token", "Sign in to see your audit chain.");
  const fresh = new URL(request.url).searchParams.get("fresh") === "1";
  const status = await chainStatus(user.id, { force: fresh });
  const { chain: _chain, ...body } = status;
  return Response.json(body, { headers: { "cache-control": "no-store" } });
});
