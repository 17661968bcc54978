// The OAuth 2 protocol pieces (RFC 6749, RFC 7636) the connect flow and the refresher
// share: PKCE S256, the authorization URL, token-endpoint requests with either client
// authentication, and reading token responses — including the quirks of the catalog's
// providers: GitHub answers errors with 200, Slack with 200 and `ok: false` and a
// `token_type` of "bot", Notion wants a JSON request body.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { providerRequest } from "@/lib/connect/provider-http";
import type { OAuth2Connect, OAuth2Credential } from "@/lib/providers/types";

export type OAuthApp = { clientId: string; clientSecret: string };

/** A verifier of 256 random bits (43 base64url characters, RFC 7636 §4.1) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** The provider's authorization URL. The protocol parameters are set last, so no entry's extras can replace them. */
export function oauth2AuthorizeUrl(
  connect: OAuth2Connect,
  params: { clientId: string; redirectUri: string; state: string; codeChallenge?: string },
): string {
  const url = new URL(connect.authorizeUrl);
  for (const [name, value] of Object.entries(connect.authorizeParams ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("redirect_uri", params.redirectUri);
  if (connect.scopes.length > 0) url.searchParams.set("scope", connect.scopes.join(connect.scopeSeparator ?? " "));
  url.searchParams.set("state", params.state);
  if (params.codeChallenge) {
    url.searchParams.set("code_challenge", params.codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

/**
 * Why a token request failed. `refused`: the provider answered and said no (invalid_grant,
 * a bad code or verifier, revoked access) — retrying will not help. `unavailable`: it is
 * down or overloaded (5xx, 429). `invalid_response`: it answered something that is not a
 * token response. Unreachable providers throw ProviderUnreachable instead.
 */
export class OAuth2Error extends Error {
  constructor(
    readonly kind: "refused" | "unavailable" | "invalid_response",
    /** the provider's `error` code, when it gave one */
    readonly code: string | undefined,
    /** the provider's `error_description`, cleaned for display */
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(`token endpoint: ${kind}${code ? ` (${code})` : ""}, HTTP ${status}`);
    this.name = "OAuth2Error";
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined and base64-encoded. */
export function basicClientAuth(app: OAuthApp): string {
  const enc = (v: string) => new URLSearchParams({ v }).toString().slice(2);
  return `Basic ${Buffer.from(`${enc(app.clientId)}:${enc(app.clientSecret)}`, "utf8").toString("base64")}`;
}

/** Provider text for people: no control characters, bounded. */
export function displayText(value: unknown, max = 200): string | undefined {
  if (typeof value !== "string") return undefined;
  const clean = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!clean) return undefined;
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function parseBody(contentType: string, text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  // GitHub answers form-encoded unless asked for JSON; accept it anyway
  if (/application\/x-www-form-urlencoded|text\/plain/i.test(contentType) && trimmed.includes("=")) {
    return Object.fromEntries(new URLSearchParams(trimmed));
  }
  return undefined;
}

/**
 * POSTs a grant to the token endpoint and returns the successful response body (it has a
 * string `access_token`). Throws OAuth2Error or ProviderUnreachable.
 */
export async function tokenRequest(
  connect: OAuth2Connect,
  app: OAuthApp,
  grant: Record<string, string>,
  options: { timeoutMs: number },
): Promise<Record<string, unknown>> {
  const params: Record<string, string> = { ...grant };
  const headers: Record<string, string> = { Accept: "application/json" };
  if (connect.clientAuth === "basic") {
    headers.Authorization = basicClientAuth(app);
  } else {
    params.client_id = app.clientId;
    params.client_secret = app.clientSecret;
  }
  const json = connect.tokenRequestFormat === "json";
  headers["Content-Type"] = json ? "application/json" : "application/x-www-form-urlencoded";
  Object.assign(headers, connect.tokenHeaders);
  const body = json ? JSON.stringify(params) : new URLSearchParams(params).toString();

  const response = await providerRequest(connect.tokenUrl, { method: "POST", headers, body }, options.timeoutMs);
  const parsed = parseBody(response.contentType, response.text);
  const code = typeof parsed?.error === "string" ? parsed.error : undefined;
  const description = displayText(parsed?.error_description);
  if (response.status >= 500 || response.status === 429)
    throw new OAuth2Error("unavailable", code, description, response.status);
  if (response.status >= 400)
    throw new OAuth2Error(parsed ? "refused" : "invalid_response", code, description, response.status);
  if (response.status >= 300 || !parsed) throw new OAuth2Error("invalid_response", code, description, response.status);
  // GitHub (200 + error) and Slack (200 + ok:false + error) say no with a success status
  if (code || parsed.ok === false) throw new OAuth2Error("refused", code ?? "error", description, response.status);
  if (typeof parsed.access_token !== "string" || parsed.access_token === "")
    throw new OAuth2Error("invalid_response", undefined, undefined, response.status);
  return parsed;
}

/**
 * The credential okoro stores from a token response. On refresh, what the provider leaves
 * out is kept from `previous`: most providers do not send the refresh token again, and
 * some omit an unchanged scope.
 */
export function credentialFromTokenResponse(
  response: Record<string, unknown>,
  options: { now?: number; previous?: OAuth2Credential } = {},
): OAuth2Credential {
  const now = options.now ?? Date.now();
  const previous = options.previous;
  const credential: OAuth2Credential = { access_token: String(response.access_token) };
  const refreshToken =
    typeof response.refresh_token === "string" && response.refresh_token
      ? response.refresh_token
      : previous?.refresh_token;
  if (refreshToken) credential.refresh_token = refreshToken;
  const expiresIn = typeof response.expires_in === "string" ? Number(response.expires_in) : response.expires_in;
  if (typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0) {
    credential.expires_at = Math.floor(now / 1000) + Math.floor(expiresIn);
  }
  if (typeof response.token_type === "string" && response.token_type) credential.token_type = response.token_type;
  const scope = typeof response.scope === "string" ? response.scope : previous?.scope;
  if (scope) credential.scope = scope;
  return credential;
}
