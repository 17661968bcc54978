// GET /oauth/authorize and the person's answer on the consent page. The request is checked
// in an order that decides where an error may go: until the client and its redirect URI
// are known to be valid, an error is shown on okoro's own page (sending it to an
// unverified URI would make okoro an open redirector); after that it goes back to the
// client as RFC 6749 says, with `state` and `iss`. Approving makes the grant — a service
// token marked as this client's, with the scopes, limits and approvals the person chose —
// and a code that is good once, for a minute, for this client, URI and PKCE challenge.
import "server-only";
import { stripControlCharacters } from "@/lib/audit/redact";
import { appendAuditInTx } from "@/lib/audit/append";
import { insertGrantToken, insertOAuthCode, markOAuthClientAuthorized } from "@/db/queries/oauth";
import {
  describeGrants,
  validateNewServiceToken,
  MAX_TTL_CAP,
  type NewServiceToken,
} from "@/lib/tokens/service-tokens";
import { isOkoroError, OkoroError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { resolveClient, type OAuthClientInfo } from "@/lib/oauth/clients";
import { auditOAuth, mcpResource, refuse, type OAuthContext } from "@/lib/oauth/context";
import { redirectHost } from "@/lib/oauth/redirect-uri";
import { CHALLENGE_PATTERN, hashSecret, newAuthorizationCode } from "@/lib/oauth/secrets";
import { isProviderId } from "@/lib/providers/catalog";
import { AGENT_NAME_PATTERN } from "@/lib/tokens/agent-name";
import { generateServiceToken, hashServiceToken } from "@/lib/tokens/service-token";

export const CODE_TTL_SECONDS = 60;

/** The query parameters of an authorization request, as strings (or absent). */
export type AuthorizeParams = Partial<
  Record<
    | "response_type"
    | "client_id"
    | "redirect_uri"
    | "state"
    | "code_challenge"
    | "code_challenge_method"
    | "resource"
    | "scope",
    string
  >
>;

export type AuthorizeCheck =
  | {
      kind: "consent";
      client: OAuthClientInfo;
      params: AuthorizeParams & { client_id: string; redirect_uri: string; code_challenge: string };
      redirectHost: string;
    }
  /** an error for the client, sent back to its verified redirect URI */
  | { kind: "redirect"; location: string }
  /** an error okoro shows itself: there is no verified place to send it */
  | { kind: "error"; title: string; description: string };

/** The redirect back to the client: its URI with our parameters added, `state` echoed. */
export function clientRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** Picks one string per parameter; a repeated parameter is a malformed request. */
export function authorizeParams(search: Record<string, string | string[] | undefined>): AuthorizeParams | null {
  const out: AuthorizeParams = {};
  for (const key of [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "scope",
  ] as const) {
    const value = search[key];
    if (Array.isArray(value)) return null;
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

export async function checkAuthorizeRequest(
  ctx: OAuthContext,
  params: AuthorizeParams | null,
  options: { userId?: string | null } = {},
): Promise<AuthorizeCheck> {
  const page = (title: string, description: string): AuthorizeCheck => ({ kind: "error", title, description });
  if (!params)
    return page(
      "This sign-in link is malformed",
      "A parameter appears more than once. Start again from the app you were connecting.",
    );
  const { client_id: clientId, redirect_uri: redirectUri } = params;
  if (!clientId)
    return page(
      "This sign-in link is incomplete",
      "It does not say which app is asking (client_id). Start again from the app you were connecting.",
    );

  let client: OAuthClientInfo;
  try {
    client = await resolveClient(ctx, clientId, options);
  } catch (e) {
    if (!isOkoroError(e)) throw e;
    return page("okoro does not know this app", `${e.description} Start again from the app you were connecting.`);
  }
  // exact string match: no prefix, no normalisation, nothing that lets a URI the client
  // never registered ride on one it did
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    try {
      await refuse(ctx, "invalid_request", "redirect_uri does not match", {
        cause: `authorize: redirect_uri not registered for ${clientId}`,
        userId: options.userId,
      });
    } catch {
      // refused: shown below
    }
    return page(
      "This app's return address is not one it registered",
      "okoro will not send you to an address the app did not register. Start again from the app you were connecting.",
    );
  }

  const back = (error: string, description: string): AuthorizeCheck => ({
    kind: "redirect",
    location: clientRedirect(redirectUri, {
      error,
      error_description: description,
      state: params.state,
      iss: ctx.env.url,
    }),
  });
  const refusedBack = async (error: "invalid_request", code: string, description: string) => {
    try {
      await refuse(ctx, error, description, { cause: `authorize: ${description}`, userId: options.userId });
    } catch {
      // audited; the client learns it from the redirect
    }
    return back(code, description);
  };
  if (params.response_type !== "code")
    return refusedBack("invalid_request", "unsupported_response_type", "response_type must be code.");
  if (!params.code_challenge || !CHALLENGE_PATTERN.test(params.code_challenge))
    return refusedBack("invalid_request", "invalid_request", "PKCE is required: send an S256 code_challenge.");
  if (params.code_challenge_method !== "S256")
    return refusedBack("invalid_request", "invalid_request", "code_challenge_method must be S256.");
  if (params.resource !== undefined && params.resource !== mcpResource(ctx.env.url)) {
    return refusedBack("invalid_request", "invalid_target", `resource must be ${mcpResource(ctx.env.url)}.`);
  }
  if (params.state !== undefined && params.state.length > 2000)
    return refusedBack("invalid_request", "invalid_request", "state is too long.");
  return {
    kind: "consent",
    client,
    params: { ...params, client_id: clientId, redirect_uri: redirectUri, code_challenge: params.code_challenge },
    redirectHost: redirectHost(redirectUri),
  };
}

/** What the person chose on the consent page: the same fields as a new service token's. */
export type ConsentChoice = Omit<NewServiceToken, "userId" | "name" | "ip" | "userAgent">;

/** An agent name from whatever a client calls itself (the service-token name rules). */
export function agentNameFor(clientName: string): string {
  const cleaned = stripControlCharacters(clientName)
    .replace(/[^A-Za-z0-9 ._-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 64)
    .trim();
  return AGENT_NAME_PATTERN.test(cleaned) ? cleaned : "mcp-client";
}

/**
 * The person approved: checks the request again (it came back through a form), makes the
 * grant and its code in one transaction with `oauth.authorized`, and returns where to
 * send the browser.
 */
export async function approveAuthorization(
  ctx: OAuthContext,
  options: { userId: string; params: AuthorizeParams | null; choice: ConsentChoice },
): Promise<string> {
  const check = await checkAuthorizeRequest(ctx, options.params, { userId: options.userId });
  if (check.kind !== "consent")
    throw new OkoroError(
      "invalid_request",
      check.kind === "error" ? check.description : "This authorization request is not valid any more.",
    );
  const name = agentNameFor(check.client.name);
  const input: NewServiceToken = {
    ...options.choice,
    userId: options.userId,
    name,
    maxTtl: options.choice.maxTtl ?? MAX_TTL_CAP,
  };
  validateNewServiceToken(input, isProviderId);

  const code = newAuthorizationCode();
  // the grant is a service token no one ever holds: the MCP client gets OAuth tokens for it
  const unused = generateServiceToken();
  await ctx.db.transaction(async (tx) => {
    const row = await insertGrantToken(tx, {
      id: newId("tok"),
      userId: options.userId,
      name,
      tokenHash: hashServiceToken(unused),
      hint: `OAuth: ${check.redirectHost}`.slice(0, 64),
      grants: input.grants,
      maxTtl: input.maxTtl,
      expiresAt: input.expiresAt ?? null,
      rateLimit: input.rateLimit ?? null,
      quota: input.quota ?? null,
      quotaPeriod: input.quota ? (input.quotaPeriod ?? null) : null,
      approvalScopes: input.approvalScopes ?? [],
      oauthClientId: check.client.clientId,
      oauthRedirectHost: check.redirectHost,
    });
    await insertOAuthCode(tx, {
      codeHash: hashSecret(code),
      serviceTokenId: row.id,
      clientId: check.client.clientId,
      redirectUri: check.params.redirect_uri,
      codeChallenge: check.params.code_challenge,
      ttlSeconds: CODE_TTL_SECONDS,
    });
    if (check.client.kind === "registered") await markOAuthClientAuthorized(tx, check.client.clientId);
    await appendAuditInTx(tx, {
      event: "oauth.authorized",
      userId: options.userId,
      agent: row.name,
      serviceTokenId: row.id,
      outcome: "allowed",
      reason: `${describeGrants(row.grants)} for ${check.client.clientId} → ${check.redirectHost}`,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
  });
  return clientRedirect(check.params.redirect_uri, { code, state: check.params.state, iss: ctx.env.url });
}

/** The person said no: audited, and the client is told access_denied. */
export async function denyAuthorization(
  ctx: OAuthContext,
  options: { userId: string; params: AuthorizeParams | null },
): Promise<string> {
  const check = await checkAuthorizeRequest(ctx, options.params, { userId: options.userId });
  if (check.kind === "redirect") return check.location;
  if (check.kind === "error") throw new OkoroError("invalid_request", check.description);
  await auditOAuth(ctx, {
    event: "oauth.denied",
    userId: options.userId,
    agent: agentNameFor(check.client.name),
    outcome: "denied",
    error: "access_denied",
    status: 403,
    reason: `the person declined ${check.client.clientId} → ${check.redirectHost}`,
  });
  return clientRedirect(check.params.redirect_uri, {
    error: "access_denied",
    error_description: "The person declined.",
    state: check.params.state,
    iss: ctx.env.url,
  });
}
