// POST /api/oauth/token: codes and refresh tokens become access tokens for /mcp.
// A code is redeemed once, within its minute, by the client it was issued to, with the
// redirect URI it was issued for and the verifier of its PKCE challenge; a code presented
// again ends the grant it made (RFC 6749 §4.1.2: it may have been stolen). Refresh tokens
// rotate: each is used once and replaced, and one presented after its rotation — a copy
// someone else holds — ends the whole grant. Every refusal is audited as `oauth.denied`.
import "server-only";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import {
  findOAuthCode,
  findOAuthToken,
  findServiceTokenById,
  insertOAuthTokens,
  redeemOAuthCode,
  revokeGrant,
  useRefreshToken,
} from "@/db/queries/oauth";
import { describeGrants, tokenState } from "@/lib/tokens/service-tokens";
import type { ServiceToken } from "@/db/schema";
import { appendAuditInTx } from "@/lib/audit/append";
import { OkoroError } from "@/lib/errors";
import { refuse, type OAuthContext } from "@/lib/oauth/context";
import {
  hashSecret,
  isCodeShaped,
  isRefreshTokenShaped,
  newAccessToken,
  newRefreshToken,
  s256,
  verifierMatches,
} from "@/lib/oauth/secrets";

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

const codeGrant = z.object({
  grant_type: z.literal("authorization_code"),
  code: z.string().max(200),
  redirect_uri: z.string().max(2000),
  client_id: z.string().max(2000),
  code_verifier: z.string().max(200).optional(),
});
const refreshGrant = z.object({
  grant_type: z.literal("refresh_token"),
  refresh_token: z.string().max(200),
  client_id: z.string().max(2000),
});

export type TokenResponse = {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
};

async function issueTokens(tx: Queryable, grant: ServiceToken, clientId: string): Promise<TokenResponse> {
  const access = newAccessToken();
  const refresh = newRefreshToken();
  await insertOAuthTokens(tx, [
    {
      tokenHash: hashSecret(access),
      kind: "access",
      serviceTokenId: grant.id,
      clientId,
      ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    },
    {
      tokenHash: hashSecret(refresh),
      kind: "refresh",
      serviceTokenId: grant.id,
      clientId,
      ttlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    },
  ]);
  return {
    access_token: access,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refresh,
    scope: describeGrants(grant.grants),
  };
}

/** Ends a grant whose code or refresh token turned up twice, on its owner's chain. */
async function endGrant(ctx: OAuthContext, serviceTokenId: string, cause: string): Promise<never> {
  const grant = await ctx.db.transaction(async (tx) => revokeGrant(tx, serviceTokenId));
  const known = grant ?? (await findServiceTokenById(ctx.db, serviceTokenId));
  return refuse(ctx, "invalid_grant", "This grant is no longer valid.", {
    cause: grant ? `${cause}; the grant is revoked` : cause,
    userId: known?.userId ?? null,
    serviceTokenId,
    agent: known?.name ?? null,
  });
}

export async function tokenRequest(ctx: OAuthContext, form: Record<string, string>): Promise<TokenResponse> {
  if (form.grant_type === "authorization_code") return redeemCode(ctx, form);
  if (form.grant_type === "refresh_token") return refreshTokens(ctx, form);
  return refuse(ctx, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.", {
    cause: "token: unsupported grant type",
  });
}

async function redeemCode(ctx: OAuthContext, form: Record<string, string>): Promise<TokenResponse> {
  const parsed = codeGrant.safeParse(form);
  if (!parsed.success)
    return refuse(ctx, "invalid_request", "code, redirect_uri, client_id and code_verifier are required.", {
      cause: "token: malformed code request",
    });
  const { code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier } = parsed.data;
  if (!isCodeShaped(code))
    return refuse(ctx, "invalid_grant", "The code is not valid.", { cause: "token: malformed code" });
  const codeHash = hashSecret(code);
  const verifierOk = verifier !== undefined && /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);

  const redeemed = verifierOk
    ? await ctx.db.transaction(async (tx) => {
        const row = await redeemOAuthCode(tx, { codeHash, clientId, redirectUri, challenge: s256(verifier) });
        if (!row) return null;
        const grant = await findServiceTokenById(tx, row.serviceTokenId);
        if (!grant || tokenState(grant) !== "active") return { grant, tokens: null };
        return { grant, tokens: await issueTokens(tx, grant, clientId) };
      })
    : null;
  if (redeemed?.tokens) return redeemed.tokens;

  // say why, for the audit log; the client hears invalid_grant whatever the cause
  const stored = await findOAuthCode(ctx.db, codeHash);
  const owner = stored ? await findServiceTokenById(ctx.db, stored.serviceTokenId) : undefined;
  const who = { userId: owner?.userId ?? null, serviceTokenId: owner?.id ?? null, agent: owner?.name ?? null };
  if (!stored) return refuse(ctx, "invalid_grant", "The code is not valid.", { cause: "token: unknown code" });
  if (stored.usedAt) return endGrant(ctx, stored.serviceTokenId, "token: code replayed");
  if (stored.expired)
    return refuse(ctx, "invalid_grant", "The code has expired.", { cause: "token: code expired", ...who });
  if (stored.clientId !== clientId)
    return refuse(ctx, "invalid_grant", "The code was issued to another client.", {
      cause: `token: code presented by another client (${clientId})`,
      ...who,
    });
  if (stored.redirectUri !== redirectUri)
    return refuse(ctx, "invalid_grant", "redirect_uri does not match the authorization request.", {
      cause: "token: redirect_uri mismatch",
      ...who,
    });
  if (!verifierOk || !verifierMatches(verifier, stored.codeChallenge)) {
    return refuse(ctx, "invalid_grant", "code_verifier does not match the code challenge.", {
      cause: verifier ? "token: wrong code_verifier" : "token: missing code_verifier",
      ...who,
    });
  }
  return refuse(ctx, "invalid_grant", "This grant is no longer valid.", {
    cause: "token: grant revoked or expired",
    ...who,
  });
}

async function refreshTokens(ctx: OAuthContext, form: Record<string, string>): Promise<TokenResponse> {
  const parsed = refreshGrant.safeParse(form);
  if (!parsed.success)
    return refuse(ctx, "invalid_request", "refresh_token and client_id are required.", {
      cause: "token: malformed refresh request",
    });
  const { refresh_token: refreshToken, client_id: clientId } = parsed.data;
  if (!isRefreshTokenShaped(refreshToken))
    return refuse(ctx, "invalid_grant", "The refresh token is not valid.", { cause: "token: malformed refresh token" });
  const tokenHash = hashSecret(refreshToken);

  const rotated = await ctx.db.transaction(async (tx) => {
    const used = await useRefreshToken(tx, { tokenHash, clientId });
    if (!used) return null;
    const grant = await findServiceTokenById(tx, used.serviceTokenId);
    if (!grant || tokenState(grant) !== "active") return { grant, tokens: null };
    const tokens = await issueTokens(tx, grant, clientId);
    await appendAuditInTx(tx, {
      event: "oauth.refreshed",
      userId: grant.userId,
      agent: grant.name,
      serviceTokenId: grant.id,
      outcome: "allowed",
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    return { grant, tokens };
  });
  if (rotated?.tokens) return rotated.tokens;
  if (rotated?.grant) {
    const g = rotated.grant;
    return refuse(ctx, "invalid_grant", "This grant is no longer valid.", {
      cause: `token: refresh for a ${tokenState(g)} grant`,
      userId: g.userId,
      serviceTokenId: g.id,
      agent: g.name,
    });
  }

  const stored = await findOAuthToken(ctx.db, tokenHash);
  if (stored?.kind !== "refresh")
    return refuse(ctx, "invalid_grant", "The refresh token is not valid.", { cause: "token: unknown refresh token" });
  if (stored.usedAt) return endGrant(ctx, stored.serviceTokenId, "token: refresh token replayed after rotation");
  const owner = await findServiceTokenById(ctx.db, stored.serviceTokenId);
  const who = { userId: owner?.userId ?? null, serviceTokenId: stored.serviceTokenId, agent: owner?.name ?? null };
  if (stored.clientId !== clientId)
    return refuse(ctx, "invalid_grant", "The refresh token was issued to another client.", {
      cause: `token: refresh token presented by another client (${clientId})`,
      ...who,
    });
  return refuse(ctx, "invalid_grant", "The refresh token has expired.", {
    cause: "token: refresh token expired",
    ...who,
  });
}

/** The url-encoded body as fields; RFC 6749 forbids repeating one, so that is refused. */
export function tokenForm(text: string): Record<string, string> {
  const params = new URLSearchParams(text);
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in out) throw new OkoroError("invalid_request", `${key} appears more than once.`);
    out[key] = value;
  }
  return out;
}
