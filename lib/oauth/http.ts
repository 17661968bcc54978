// The HTTP face of okoro's OAuth server, shared by its route handlers: the request's
// context (database, configuration, client address, failure limiter) and the answers.
// The endpoints an MCP client calls are public and carry no cookies, so any origin may
// call them (a browser-based client registers and redeems codes itself); no answer is cached.
import "server-only";
import { getDb } from "@/lib/serve/database";
import { getEnv } from "@/lib/env";
import { errorResponse } from "@/lib/errors";
import { getFailureLimiter } from "@/lib/failure-limits";
import { clientIp } from "@/lib/http/client-ip";
import type { OAuthContext } from "@/lib/oauth/context";

export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
};

export async function oauthContext(headers: Headers): Promise<OAuthContext> {
  return {
    db: await getDb(),
    env: getEnv(),
    ip: clientIp(headers),
    userAgent: headers.get("user-agent"),
    failures: getFailureLimiter(),
  };
}

export function oauthJson(body: unknown, status = 200, cache = "no-store"): Response {
  return Response.json(body, { status, headers: { ...CORS_HEADERS, "cache-control": cache, pragma: "no-cache" } });
}

export function oauthError(e: unknown, context: string): Response {
  const response = errorResponse(e, { context });
  for (const [k, v] of Object.entries(CORS_HEADERS)) response.headers.set(k, v);
  response.headers.set("cache-control", "no-store");
  return response;
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: { ...CORS_HEADERS, "access-control-max-age": "86400" } });
}
