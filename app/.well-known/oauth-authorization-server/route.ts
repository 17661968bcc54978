// GET /.well-known/oauth-authorization-server — RFC 8414 metadata: where an MCP client
// registers, sends the person, and trades codes for tokens.
import { getEnv } from "@/lib/env";
import { oauthJson, preflight } from "@/lib/oauth/http";
import { authorizationServerMetadata } from "@/lib/oauth/metadata";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return oauthJson(authorizationServerMetadata(getEnv().url), 200, "public, max-age=3600");
}

export { preflight as OPTIONS };
