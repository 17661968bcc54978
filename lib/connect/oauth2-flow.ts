// The OAuth 2 authorization-code flow (GitHub, Gmail, Google Drive, Notion, Slack):
// start stores a single-use state (and a PKCE verifier where the entry says so) and
// answers the authorization URL; finish consumes the state, exchanges the code and
// stores the connection with its refresh token, expiry, granted scopes and account name.
import "server-only";
import { setConnection } from "@/lib/connect/connections";
import { accountNameFromTokenResponse, fetchAccountName } from "@/lib/connect/account-name";
import { ConnectFailure, type FlowContext } from "@/lib/connect/context";
import {
  credentialFromTokenResponse,
  OAuth2Error,
  oauth2AuthorizeUrl,
  pkcePair,
  tokenRequest,
} from "@/lib/connect/oauth2";
import { ProviderUnreachable } from "@/lib/connect/provider-http";
import { consumeOAuthState, newStateValue, saveOAuthState } from "@/lib/connect/states";
import type { OAuth2Connect, OAuth2Credential } from "@/lib/providers/types";

export async function startOAuth2(ctx: FlowContext, connect: OAuth2Connect): Promise<string> {
  const state = newStateValue();
  const pkce = connect.pkce ? pkcePair() : undefined;
  await saveOAuthState({
    db: ctx.db,
    value: state,
    userId: ctx.userId,
    provider: ctx.spec.id,
    secret: pkce?.verifier,
    masterKeys: ctx.env.masterKeys,
  });
  return oauth2AuthorizeUrl(connect, {
    clientId: ctx.app.clientId,
    redirectUri: ctx.redirectUri,
    state,
    codeChallenge: pkce?.challenge,
  });
}

/** Turns a token-endpoint failure into what the person is told. */
export function tokenFailure(e: unknown): ConnectFailure {
  if (e instanceof ProviderUnreachable) return new ConnectFailure("provider_unreachable", e.message);
  if (e instanceof OAuth2Error) {
    const detail = `token endpoint ${e.kind}${e.code ? ` (${e.code})` : ""}, HTTP ${e.status}`;
    return new ConnectFailure(e.kind === "unavailable" ? "provider_unreachable" : "provider_refused", detail);
  }
  throw e;
}

export async function finishOAuth2(ctx: FlowContext, connect: OAuth2Connect, query: URLSearchParams): Promise<void> {
  const { db, env, spec } = ctx;
  const state = query.get("state");
  // consumed first, whatever else the callback says: a state is good for one answer
  const consumed = state
    ? await consumeOAuthState({ db, value: state, userId: ctx.userId, provider: spec.id, masterKeys: env.masterKeys })
    : null;

  const error = query.get("error");
  // anyone can call the callback: what it says goes to the log only as a tame token
  if (error)
    throw new ConnectFailure(
      error === "access_denied" ? "cancelled" : "provider_refused",
      `authorization answered error=${error.slice(0, 64).replace(/[^\w.-]/g, "?")}`,
    );
  if (!consumed) throw new ConnectFailure("invalid_state");
  if (consumed.expired) throw new ConnectFailure("expired_state");
  const code = query.get("code");
  if (!code) throw new ConnectFailure("provider_refused", "callback without a code");
  if (connect.pkce && !consumed.secret) throw new ConnectFailure("failed", "the state has no PKCE verifier");

  const grant: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: ctx.redirectUri };
  if (consumed.secret) grant.code_verifier = consumed.secret;
  let response: Record<string, unknown>;
  try {
    response = await tokenRequest(connect, ctx.app, grant, { timeoutMs: env.upstreamTimeoutMs });
  } catch (e) {
    throw tokenFailure(e);
  }

  const parsed = spec.credential.safeParse(credentialFromTokenResponse(response));
  if (!parsed.success)
    throw new ConnectFailure("provider_refused", "the token response does not hold a usable credential");
  const credential = parsed.data as OAuth2Credential;

  const accountName =
    accountNameFromTokenResponse(response) ??
    (connect.userinfoUrl
      ? await fetchAccountName(
          connect.userinfoUrl,
          { ...spec.defaultHeaders, Authorization: `Bearer ${credential.access_token}` },
          env.upstreamTimeoutMs,
        )
      : null);
  // RFC 6749 §5.1: a response without `scope` granted exactly what was asked
  const grantedScopes =
    credential.scope ?? (connect.scopes.length > 0 ? connect.scopes.join(connect.scopeSeparator ?? " ") : null);

  await setConnection({
    db,
    userId: ctx.userId,
    provider: spec.id,
    method: "oauth2",
    credential,
    accountName,
    grantedScopes,
    masterKeys: env.masterKeys,
  });
}
