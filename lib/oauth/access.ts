// OAuth access tokens at /mcp, and at /api/held/{id} to poll a request held during a tool
// call (docs/agent-api.md#held-requests): the presented token's hash
// finds its grant (a service token) in one query, and the caller goes on exactly as with
// that service token. The grant is read live on every request, so revoking it on the
// dashboard ends the client's access with the very next call.
import "server-only";
import { findAccessTokenGrant } from "@/db/queries/oauth";
import { tokenState } from "@/lib/tokens/service-tokens";
import { refuseAuthentication, type AuthenticatedToken, type ExchangeContext } from "@/lib/exchange";
import { hashSecret, isAccessTokenShaped } from "@/lib/oauth/secrets";

export async function authenticateAccessToken(
  ctx: ExchangeContext,
  presented: string,
  provider?: string,
): Promise<AuthenticatedToken> {
  if (!isAccessTokenShaped(presented))
    return refuseAuthentication(ctx, "malformed access token", null, undefined, { wellFormed: false });
  const found = await findAccessTokenGrant(ctx.db, { tokenHash: hashSecret(presented), provider });
  if (found?.kind !== "access") return refuseAuthentication(ctx, "unknown access token", null);
  if (found.expired) return refuseAuthentication(ctx, "access token expired", found.token.userId, found.token);
  const state = tokenState(found.token);
  if (state !== "active") return refuseAuthentication(ctx, `OAuth grant ${state}`, found.token.userId, found.token);
  if (found.userStatus !== "active") return refuseAuthentication(ctx, "user disabled", found.token.userId, found.token);
  return { ...found.token, connectionStatus: found.connectionStatus };
}
