// RFC 5849 (OAuth 1.0a) HMAC-SHA1 request signing, hand-written on node:crypto, plus the
// small helpers the three-legged flow needs (temporary credentials with oauth_callback,
// token exchange with oauth_verifier, parsing the form-encoded token responses). Trello
// is the only OAuth 1 provider today; nothing here knows about it.
import { createHmac, randomBytes } from "node:crypto";
import { OkoroError } from "@/lib/errors";

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const utf8 = new TextEncoder();

/**
 * RFC 5849 §3.6 percent-encoding: every byte of the UTF-8 form except the unreserved set
 * `A-Za-z0-9-._~` becomes %XX with upper-case hex. Unlike encodeURIComponent, `!*'()` are
 * encoded (a classic source of signature mismatches). Lone surrogates encode as U+FFFD.
 */
export function percentEncode(value: string): string {
  try {
    // fast path: encodeURIComponent leaves exactly A-Za-z0-9 -_.!~*'() alone, in upper-case hex
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    // a lone surrogate: fall through to the byte-wise encoder
  }
  let out = "";
  for (const byte of utf8.encode(value)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * §3.4.1.2 base string URI: scheme and host lower-cased, the default port dropped, the
 * path as sent (still percent-encoded), no query and no fragment. WHATWG URL already does
 * the lower-casing and default-port removal for http(s).
 */
export function baseStringUri(url: string | URL): string {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`OAuth 1 signs http(s) URLs only, not ${u.protocol}`);
  return `${u.protocol}//${u.host}${u.pathname || "/"}`;
}

/**
 * §3.4.1.3.2 parameter normalization: every name and value percent-encoded, pairs sorted
 * by encoded name then encoded value (byte order — the encoded strings are ASCII), repeated
 * names kept, joined as `name=value` with `&`.
 */
export function normalizeParameters(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** §3.4.1.3.1: the query's pairs, decoded as application/x-www-form-urlencoded (`+` is a space). */
export function queryParameters(url: string | URL): [string, string][] {
  const u = typeof url === "string" ? new URL(url) : url;
  return [...new URLSearchParams(u.search)];
}

/** §3.4.1: METHOD & enc(base string URI) & enc(normalized parameters). */
export function signatureBaseString(
  method: string,
  url: string | URL,
  params: ReadonlyArray<readonly [string, string]>,
): string {
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(url))}&${percentEncode(normalizeParameters(params))}`;
}

/** §3.4.2 HMAC-SHA1 with key enc(consumer secret) & enc(token secret), base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ""): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac("sha1", key).update(baseString, "utf8").digest("base64");
}

export type OAuth1SignInput = {
  method: string;
  /** the exact URL the request goes to, query included */
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  /** temporary-credentials request only (§2.1); "oob" when there is no callback */
  callback?: string;
  /** token request only (§2.3) */
  verifier?: string;
  /** decoded pairs of an application/x-www-form-urlencoded body (§3.4.1.3.1); other bodies are not signed */
  bodyParams?: ReadonlyArray<readonly [string, string]>;
  nonce?: string;
  /** seconds since the epoch */
  timestamp?: number | string;
  /** put oauth_version="1.0" in (OPTIONAL per §3.1; most servers, Trello included, accept both). Default true. */
  includeVersion?: boolean;
  /** realm for the header; never signed (§3.4.1.3.1) */
  realm?: string;
};

export type OAuth1Signed = {
  /** the full Authorization header value */
  header: string;
  signature: string;
  baseString: string;
  /** the oauth_* protocol parameters, signature included */
  oauthParams: [string, string][];
};

/** Signs a request; the pieces are returned for tests and debugging. */
export function oauth1Sign(input: OAuth1SignInput): OAuth1Signed {
  const oauthParams: [string, string][] = [
    ["oauth_consumer_key", input.consumerKey],
    ["oauth_nonce", input.nonce ?? randomBytes(16).toString("hex")],
    ["oauth_signature_method", "HMAC-SHA1"],
    ["oauth_timestamp", String(input.timestamp ?? Math.floor(Date.now() / 1000))],
  ];
  if (input.token !== undefined) oauthParams.push(["oauth_token", input.token]);
  if (input.callback !== undefined) oauthParams.push(["oauth_callback", input.callback]);
  if (input.verifier !== undefined) oauthParams.push(["oauth_verifier", input.verifier]);
  if (input.includeVersion ?? true) oauthParams.push(["oauth_version", "1.0"]);
  oauthParams.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const url = typeof input.url === "string" ? new URL(input.url) : input.url;
  // oauth_* pairs an agent smuggled into the query or body would be signed twice and
  // confuse the server; they are refused rather than silently merged.
  const carried = [...queryParameters(url), ...(input.bodyParams ?? [])];
  if (carried.some(([name]) => name.startsWith("oauth_"))) {
    throw new OkoroError(
      "invalid_request",
      "OAuth 1 protocol parameters (oauth_*) may not appear in the query or body; okoro adds them.",
    );
  }
  const baseString = signatureBaseString(input.method, url, [...carried, ...oauthParams]);
  const signature = hmacSha1Signature(baseString, input.consumerSecret, input.tokenSecret ?? "");
  const all: [string, string][] = [...oauthParams, ["oauth_signature", signature]];
  const parts = all.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`);
  if (input.realm !== undefined) parts.unshift(`realm="${input.realm.replace(/["\\]/g, "")}"`);
  return { header: `OAuth ${parts.join(", ")}`, signature, baseString, oauthParams: all };
}

/** The Authorization header value `OAuth oauth_consumer_key="…", …, oauth_signature="…"`. */
export function oauth1AuthorizationHeader(input: OAuth1SignInput): string {
  return oauth1Sign(input).header;
}

// ---- the three-legged flow (§2) ------------------------------------------------------

/** §2.1 temporary credentials request: signed with the consumer secret only, carries oauth_callback. */
export function oauth1RequestTokenHeader(input: {
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  /** absolute callback URL, or "oob" */
  callback: string;
  method?: string;
  nonce?: string;
  timestamp?: number | string;
}): string {
  return oauth1AuthorizationHeader({ method: input.method ?? "POST", ...input });
}

/** §2.3 token request: the temporary token and secret plus the verifier from the callback. */
export function oauth1AccessTokenHeader(input: {
  url: string | URL;
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
  verifier: string;
  method?: string;
  nonce?: string;
  timestamp?: number | string;
}): string {
  return oauth1AuthorizationHeader({ method: input.method ?? "POST", ...input });
}

export type OAuth1TokenResponse = {
  token: string;
  tokenSecret: string;
  callbackConfirmed: boolean;
  extra: Record<string, string>;
};

/** Parses the form-encoded body of §2.1 / §2.3 responses; throws when a credential is missing. */
export function parseOAuth1TokenResponse(body: string): OAuth1TokenResponse {
  const params = new URLSearchParams(body.trim());
  const token = params.get("oauth_token");
  const tokenSecret = params.get("oauth_token_secret");
  if (!token || tokenSecret === null)
    throw new Error("The OAuth 1 token response has no oauth_token / oauth_token_secret");
  const extra: Record<string, string> = {};
  for (const [name, value] of params) if (!name.startsWith("oauth_")) extra[name] = value;
  return { token, tokenSecret, callbackConfirmed: params.get("oauth_callback_confirmed") === "true", extra };
}

/** §2.2 the callback's query: the temporary token it answers for and the verifier. */
export function parseOAuth1Callback(query: URLSearchParams): { token: string; verifier: string } | undefined {
  const token = query.get("oauth_token");
  const verifier = query.get("oauth_verifier");
  return token && verifier ? { token, verifier } : undefined;
}

/** The user-authorization URL of §2.2: the provider's authorize endpoint plus oauth_token (and extras). */
export function oauth1AuthorizeUrl(authorizeUrl: string, token: string, extra: Record<string, string> = {}): string {
  const url = new URL(authorizeUrl);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  url.searchParams.set("oauth_token", token);
  return url.toString();
}
