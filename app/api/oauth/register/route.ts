// POST /api/oauth/register — dynamic client registration (RFC 7591) for MCP clients.
import { readBoundedJson } from "@/lib/http/bounded-body";
import { registerClient } from "@/lib/oauth/clients";
import { oauthContext, oauthError, oauthJson, preflight } from "@/lib/oauth/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    const ctx = await oauthContext(request.headers);
    return oauthJson(await registerClient(ctx, await readBoundedJson(request)), 201);
  } catch (e) {
    return oauthError(e, "oauth registration");
  }
}

export { preflight as OPTIONS };
