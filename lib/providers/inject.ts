// The headers that carry a connection's credential upstream (docs/agent-api.md#proxy step 7), chosen by
// the provider's `auth` kind: a bearer token, a key in a header of its own, or an RFC 5849
// signature. Also the provider's default headers. The credential goes only to the
// provider's own origin: the URL is checked against the entry's base URL first.
import { getEnv } from "@/lib/env";
import { oauth1Sign, percentEncode } from "@/lib/providers/oauth1";
import { bodyText, isFormContentType } from "@/lib/providers/normalize";
import type { Credential, InjectedCredential, ProviderSpec } from "@/lib/providers/types";

export type OAuthConsumer = { key: string; secret: string };

export type AuthRequest = {
  method: string;
  /** the exact upstream URL, query included (it is signed for OAuth 1) */
  url: string | URL;
  /** decoded pairs of a form body; derived from contentType + body when not given */
  bodyParams?: ReadonlyArray<readonly [string, string]>;
  contentType?: string;
  body?: Uint8Array;
  /** OAuth 1 consumer (Trello: OKORO_TRELLO_KEY / _SECRET), see oauthConsumer() */
  consumer?: OAuthConsumer;
};

const HEADER_SAFE = /^[\x21-\x7e]+$/;

function credentialValue(credential: Credential, key: string): string | undefined {
  const value = (credential as Record<string, unknown>)[key];
  if (value === undefined || value === "") return undefined;
  // stored credentials are validated on the way in; this keeps a bad row from ever
  // splitting a header
  if (typeof value !== "string" || !HEADER_SAFE.test(value))
    throw new Error(`the stored credential's ${key} is not a usable header value`);
  return value;
}

/** access_token (OAuth 2 and pasted tokens) or api_key, whichever the connection holds. */
function bearerSecret(provider: ProviderSpec, credential: Credential): string {
  const secret = credentialValue(credential, "access_token") ?? credentialValue(credential, "api_key");
  if (!secret) throw new Error(`the ${provider.id} credential has neither access_token nor api_key`);
  return secret;
}

/** The form pairs an OAuth 1 signature covers (RFC 5849 §3.4.1.3.1): only form-encoded bodies. */
export function formBodyParams(
  contentType: string | undefined,
  body: Uint8Array | undefined,
): [string, string][] | undefined {
  if (!isFormContentType(contentType)) return undefined;
  if (body === undefined) throw new Error("a form body must be read before it can be signed");
  return [...new URLSearchParams(bodyText(body))];
}

/**
 * Trello (the one OAuth 1 provider).
 * - Connected through okoro's OAuth 1 flow ({token, token_secret}, no api_key): the request
 *   is signed HMAC-SHA1 with the configured consumer key/secret.
 * - Pasted with the Power-Up key the token was issued to ({token, api_key}, secret
 *   optional): okoro cannot sign for someone else's key, so it sends Trello's documented
 *   key-and-token form `OAuth oauth_consumer_key="…", oauth_token="…"`, which Trello accepts
 *   without a signature. When that api_key is okoro's own consumer key and a token secret is
 *   known, the request is signed instead.
 */
function oauth1Header(provider: ProviderSpec, credential: Credential, request: AuthRequest): InjectedCredential {
  const token = credentialValue(credential, "token");
  if (!token) throw new Error(`the ${provider.id} credential has no token`);
  const tokenSecret = credentialValue(credential, "token_secret");
  const apiKey = credentialValue(credential, "api_key");
  const consumer = request.consumer;
  const canSign =
    consumer !== undefined && tokenSecret !== undefined && (apiKey === undefined || apiKey === consumer.key);
  if (canSign) {
    const bodyParams = request.bodyParams ?? formBodyParams(request.contentType, request.body);
    const signed = oauth1Sign({
      method: request.method,
      url: request.url,
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      token,
      tokenSecret,
      bodyParams,
    });
    return { headers: { authorization: signed.header }, secrets: [token, signed.signature] };
  }
  const key = apiKey ?? consumer?.key;
  if (!key)
    throw new Error(
      `${provider.id} needs its OAuth consumer key and secret configured (OKORO_TRELLO_KEY / OKORO_TRELLO_SECRET), or a pasted api_key`,
    );
  return {
    headers: {
      authorization: `OAuth oauth_consumer_key="${percentEncode(key)}", oauth_token="${percentEncode(token)}"`,
    },
    secrets: [token],
  };
}

function assertProviderOrigin(provider: ProviderSpec, url: string | URL): void {
  const target = typeof url === "string" ? new URL(url) : url;
  if (target.origin !== new URL(provider.baseUrl).origin) {
    throw new Error(
      `refusing to send the ${provider.id} credential to ${target.origin}: it belongs to ${new URL(provider.baseUrl).origin}`,
    );
  }
}

/**
 * The credential headers for one upstream request (lower-case names; set them over
 * whatever the agent sent) and which values in them are secret. Pass the resolved entry
 * (resolvedProvider / applyProviderOverrides) so the origin check sees an overridden base
 * URL. Throws on a credential that does not fit the provider — the proxy answers 500 and
 * forwards nothing.
 */
export function upstreamAuth(provider: ProviderSpec, credential: Credential, request: AuthRequest): InjectedCredential {
  assertProviderOrigin(provider, request.url);
  switch (provider.auth.kind) {
    case "bearer": {
      const secret = bearerSecret(provider, credential);
      return { headers: { authorization: `Bearer ${secret}` }, secrets: [secret] };
    }
    case "header": {
      const secret = bearerSecret(provider, credential);
      return { headers: { [provider.auth.header.toLowerCase()]: secret }, secrets: [secret] };
    }
    case "oauth1":
      return oauth1Header(provider, credential, request);
  }
}

/** upstreamAuth's headers alone. */
export function upstreamAuthHeaders(
  provider: ProviderSpec,
  credential: Credential,
  request: AuthRequest,
): Record<string, string> {
  return upstreamAuth(provider, credential, request).headers;
}

/** Header names the credential travels in, so the proxy can drop any the agent sent itself. */
export function credentialHeaderNames(provider: ProviderSpec): string[] {
  return provider.auth.kind === "header" ? [provider.auth.header.toLowerCase(), "authorization"] : ["authorization"];
}

/** The OAuth 1 consumer configured for a provider (OKORO_TRELLO_KEY / _SECRET), if any. */
export function oauthConsumer(providerId: string): OAuthConsumer | undefined {
  const app = getEnv().oauthApp(providerId);
  return app ? { key: app.clientId, secret: app.clientSecret } : undefined;
}

/** The provider's default headers with lower-case names (Notion-Version, anthropic-version…). */
export function defaultHeaders(provider: ProviderSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(provider.defaultHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

/** Adds each default header the agent did not send itself (the agent may pin another API version). */
export function applyDefaultHeaders(provider: ProviderSpec, headers: Headers | Record<string, string>): void {
  for (const [name, value] of Object.entries(defaultHeaders(provider))) {
    if (headers instanceof Headers) {
      if (!headers.has(name)) headers.set(name, value);
    } else if (!Object.keys(headers).some((existing) => existing.toLowerCase() === name)) {
      headers[name] = value;
    }
  }
}
