// GET /api/connect/{provider}/callback — where the provider sends the person back
// (docs/scopes-and-providers.md#providers). The state (or OAuth 1 request token) must have been started by the
// signed-in user; the answer is always a redirect to okoro's own connections page with
// ?connected=<id> or ?error=<code>&provider=<id>. The query holds a code: it is passed to
// the flow and nowhere else (not into a redirect, not into a log).
import { getDb } from "@/lib/serve/database";
import { currentUser } from "@/lib/auth/session";
import { finishOAuth } from "@/lib/connect/flow";
import { CONNECTIONS_PATH } from "@/lib/connect/messages";
import { connectRedirect } from "@/lib/connect/redirect";
import { OkoroError } from "@/lib/errors";
import { withErrorResponse } from "@/lib/http/route";
import { isProviderId } from "@/lib/providers/catalog";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse(
  "connect callback",
  async (request: Request, { params }: { params: Promise<{ provider: string }> }): Promise<Response> => {
    const { provider } = await params;
    if (!isProviderId(provider)) throw new OkoroError("unknown_provider", "There is no such provider.");
    const user = await currentUser();
    // a flow is bound to the account that started it; signing in now cannot finish it
    if (!user) return connectRedirect(`/sign-in?next=${encodeURIComponent(CONNECTIONS_PATH)}`);
    const query = new URL(request.url).searchParams;
    return connectRedirect(await finishOAuth({ db: await getDb(), userId: user.id, provider, query }));
  },
);
