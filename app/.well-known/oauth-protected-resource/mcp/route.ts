// GET /.well-known/oauth-protected-resource/mcp — RFC 9728 metadata for /mcp: what an MCP
// client reads after a 401 to learn which authorization server issues /mcp's tokens.
import { getEnv } from "@/lib/env";
import { protectedResourceMetadata } from "@/lib/mcp/metadata";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json(protectedResourceMetadata(getEnv().url), {
    headers: { "cache-control": "public, max-age=3600" },
  });
}
