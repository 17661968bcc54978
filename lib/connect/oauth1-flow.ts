// The OAuth 1.0a three-legged flow (RFC 5849 §2; Trello): start obtains a request token
// signed with the consumer secret and carrying oauth_callback, keeps the request-token
// secret sealed in a state row keyed by the request token's hash and bound to the user,
// and answers the authorization URL; finish takes oauth_token + oauth_verifier from the
// callback, signs the access-token request with the request-token secret and stores
// {token, token_secret}.
import "server-only";
import { setConnection } from "@/lib/connect/connections";
import { fetchAccountName } from "@/lib/connect/account-name";
import { ConnectFailure, type FlowContext } from "@/lib/connect/context";
import { providerRequest, ProviderUnreachable, type ProviderResponse } from "@/lib/connect/provider-http";
import { consumeOAuthState, saveOAuthState } from "@/lib/connect/states";
import {
  oauth1AccessTokenHeader,
  oauth1AuthorizationHeader,
  oauth1AuthorizeUrl,
  oauth1RequestTokenHeader,
  parseOAuth1TokenResponse,
  type OAuth1TokenResponse,
} from "@/lib/providers/oauth1";
import type { OAuth1Connect, OAuth1Credential } from "@/lib/providers/types";

async function tokenStep(
  step: string,
  url: string,
  authorization: string,
  timeoutMs: number,
): Promise<OAuth1TokenResponse> {
  let response: ProviderResponse;
  try {
    response = await providerRequest(url, { method: "POST", headers: { Authorization: authorization } }, timeoutMs);
  } catch (e) {
    if (e instanceof ProviderUnreachable) throw new ConnectFailure("provider_unreachable", `${step}: ${e.message}`);
    throw e;
  }
  if (response.status >= 500 || response.status === 429)
    throw new ConnectFailure("provider_unreachable", `${step}: HTTP ${response.status}`);
  if (response.status !== 200) throw new ConnectFailure("provider_refused", `${step}: HTTP ${response.status}`);
  try {
    return parseOAuth1TokenResponse(response.text);
  } catch {
    throw new ConnectFailure("provider_refused", `${step}: no token in the response`);
  }
}

export async function startOAuth1(ctx: FlowContext, connect: OAuth1Connect): Promise<string> {
  const authorization = oauth1RequestTokenHeader({
    url: connect.requestTokenUrl,
    consumerKey: ctx.app.clientId,
    consumerSecret: ctx.app.clientSecret,
    callback: ctx.redirectUri,
  });
  const request = await tokenStep("request token", connect.requestTokenUrl, authorization, ctx.env.upstreamTimeoutMs);
  // 1.0a: a server that did not take our callback could send the person somewhere else
  if (!request.callbackConfirmed)
    throw new ConnectFailure("provider_refused", "request token: oauth_callback not confirmed");
  await saveOAuthState({
    db: ctx.db,
    value: request.token,
    userId: ctx.userId,
    provider: ctx.spec.id,
    secret: request.tokenSecret,
    masterKeys: ctx.env.masterKeys,
  });
  return oauth1AuthorizeUrl(connect.authorizeUrl, request.token, connect.authorizeParams);
}

export async function finishOAuth1(ctx: FlowContext, connect: OAuth1Connect, query: URLSearchParams): Promise<void> {
  const { db, env, spec, app } = ctx;
  const requestToken = query.get("oauth_token");
  const verifier = query.get("oauth_verifier");
  const consumed = requestToken
    ? await consumeOAuthState({
        db,
        value: requestToken,
        userId: ctx.userId,
        provider: spec.id,
        masterKeys: env.masterKeys,
      })
    : null;

  // Refusing consent comes back without a verifier (some servers add denied=…)
  if (requestToken && (!verifier || query.has("denied"))) throw new ConnectFailure("cancelled");
  if (!consumed) throw new ConnectFailure("invalid_state");
  if (consumed.expired) throw new ConnectFailure("expired_state");

  const access = await tokenStep(
    "access token",
    connect.accessTokenUrl,
    oauth1AccessTokenHeader({
      url: connect.accessTokenUrl,
      consumerKey: app.clientId,
      consumerSecret: app.clientSecret,
      token: requestToken!,
      tokenSecret: consumed.secret ?? "",
      verifier: verifier!,
    }),
    env.upstreamTimeoutMs,
  );
  const parsed = spec.credential.safeParse({ token: access.token, token_secret: access.tokenSecret });
  if (!parsed.success) throw new ConnectFailure("provider_refused", "access token: not a usable credential");
  const credential = parsed.data as OAuth1Credential;

  const accountName = connect.userinfoUrl
    ? await fetchAccountName(
        connect.userinfoUrl,
        {
          ...spec.defaultHeaders,
          Authorization: oauth1AuthorizationHeader({
            method: "GET",
            url: connect.userinfoUrl,
            consumerKey: app.clientId,
            consumerSecret: app.clientSecret,
            token: credential.token,
            tokenSecret: credential.token_secret,
          }),
        },
        env.upstreamTimeoutMs,
      )
    : null;

  await setConnection({
    db,
    userId: ctx.userId,
    provider: spec.id,
    method: "oauth1",
    credential,
    accountName,
    masterKeys: env.masterKeys,
  });
}
