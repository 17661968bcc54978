// POST /api/connect/{provider} — start connecting a provider with its own sign-in
// (docs/scopes-and-providers.md#providers): the Connect button on the connections page is a form that posts here.
// Starting is a POST from okoro's own origin because it creates a pending state and sends
// the browser to the provider: another site must not be able to start (and so replace or
// pile up) a person's flows with a link or an <img>. Signed-in users only; the answer is a
// redirect to the provider's authorization page, or back to the connections page with
// ?error=<code>&provider=<id>. A GET never starts anything.
import { getDb } from "@/lib/serve/database";
import { originAllowed } from "@/lib/auth/request-checks";
import { currentUser } from "@/lib/auth/session";
import { isEmailVerified } from "@/lib/auth/verification";
import { startOAuth } from "@/lib/connect/flow";
import { connectRedirect } from "@/lib/connect/redirect";
import { getEnv } from "@/lib/env";
import { errorResponse, OkoroError } from "@/lib/errors";
import { withErrorResponse } from "@/lib/http/route";
import { isProviderId } from "@/lib/providers/catalog";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ provider: string }> };

export const POST = withErrorResponse(
  "connect start",
  async (request: Request, { params }: Params): Promise<Response> => {
    const { provider } = await params;
    if (!isProviderId(provider)) throw new OkoroError("unknown_provider", "There is no such provider.");
    const env = getEnv();
    if (!originAllowed(request.headers, env))
      throw new OkoroError("forbidden", `Connecting starts from the connections page at ${env.origin}.`);
    const user = await currentUser();
    // 303: the browser follows with a GET, whichever way the provider's page is reached
    if (!user) return connectRedirect(`/sign-in?next=${encodeURIComponent("/dashboard/connections")}`, 303);
    if (!isEmailVerified(user))
      return connectRedirect(
        `/dashboard/connections?${new URLSearchParams({ error: "email_unverified", provider })}`,
        303,
      );
    return connectRedirect(await startOAuth({ db: await getDb(), userId: user.id, provider }), 303);
  },
);

export function GET(): Response {
  return errorResponse(
    new OkoroError(
      "method_not_allowed",
      "Connecting starts from the Connect button on the connections page (/dashboard/connections).",
      {
        headers: { Allow: "POST" },
      },
    ),
  );
}
