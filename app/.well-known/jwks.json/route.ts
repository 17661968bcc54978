// GET /.well-known/jwks.json — the public keys that verify operation tokens (docs/tokens.md#operation-tokens).
import { getDb } from "@/lib/serve/database";
import { withErrorResponse } from "@/lib/http/route";
import { publishedKeys } from "@/lib/tokens/signing-keys";

export const dynamic = "force-dynamic";

export const GET = withErrorResponse("jwks", async (): Promise<Response> => {
  const jwks = await publishedKeys(await getDb());
  // short: a rotation must be visible well within a token's lifetime
  return Response.json(jwks, { headers: { "cache-control": "public, max-age=60" } });
});
