// POST /api/oauth/token — authorization codes and refresh tokens become /mcp access tokens.
import { readBoundedText } from "@/lib/http/bounded-body";
import { oauthContext, oauthError, oauthJson, preflight } from "@/lib/oauth/http";
import { tokenForm, tokenRequest } from "@/lib/oauth/token";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    const ctx = await oauthContext(request.headers);
    return oauthJson(await tokenRequest(ctx, tokenForm(await readBoundedText(request))));
  } catch (e) {
    return oauthError(e, "oauth token");
  }
}

export { preflight as OPTIONS };
