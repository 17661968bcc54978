// GET /api/connect/{provider} — start connecting a provider with its own sign-in
// (SPEC §5). Signed-in users only; the answer is a redirect to the provider's
// authorization page, or back to the connections page with ?error=<code>&provider=<id>.
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { startOAuth } from "@/lib/connect/flow";
import { connectRedirect } from "@/lib/connect/redirect";
import { errorResponse, OkoroError } from "@/lib/errors";
import { isProviderId } from "@/lib/providers/catalog";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ provider: string }> }): Promise<Response> {
  try {
    const { provider } = await params;
    if (!isProviderId(provider)) throw new OkoroError("unknown_provider", "There is no such provider.");
    const user = await currentUser();
    // after signing in, the person lands back here and the flow starts
    if (!user) return connectRedirect(`/sign-in?next=${encodeURIComponent(`/api/connect/${provider}`)}`);
    return connectRedirect(await startOAuth({ db: await getDb(), userId: user.id, provider }));
  } catch (e) {
    return errorResponse(e, { context: "connect start" });
  }
}
