// Which headers cross the proxy, each way (docs/agent-api.md#proxy steps 7 and 9). Allowlists, not
// blocklists: a header nobody thought about does not reach the provider (where it might
// carry the agent's own credentials) nor come back (where it might set a cookie).

const REQUEST_HEADERS = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "content-encoding",
  "content-language",
  "content-length",
  "content-md5",
  "content-type",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "if-unmodified-since",
  "idempotency-key",
  "last-event-id",
  "prefer",
  "range",
  "user-agent",
  "x-request-id",
]);

/** Provider header families agents legitimately set (API versions, betas, uploads). */
const REQUEST_HEADER_PREFIXES = [
  "anthropic-",
  "openai-",
  "stripe-",
  "notion-",
  "x-github-",
  "x-goog-upload-",
  "x-upload-",
];

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const RESPONSE_HEADERS = new Set([
  "accept-ranges",
  "age",
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-range",
  "content-type",
  "date",
  "etag",
  "expires",
  "last-modified",
  "link",
  "location",
  "request-id",
  "retry-after",
  "vary",
  "x-request-id",
]);

const RESPONSE_HEADER_PREFIXES = [
  "x-ratelimit-",
  "ratelimit-",
  "x-github-",
  "openai-",
  "anthropic-",
  "x-oauth-",
  "x-accepted-",
  "stripe-",
];

/**
 * Added to every answer on /p/, the provider's and okoro's own: a proxied body is the
 * provider's content served from okoro's origin, so a browser must neither sniff it into
 * something executable nor run it with that origin's rights (a sandboxed CSP gives it an
 * opaque origin: no scripts, no cookies, no forms).
 */
export const PROXIED_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "sandbox",
};

/** What the proxy reads request headers through: a web Headers, or the Node server's view of IncomingMessage.headers. */
export type HeaderReader = {
  get(name: string): string | null;
  forEach(fn: (value: string, name: string) => void): void;
};

function connectionListed(headers: HeaderReader): Set<string> {
  const listed = new Set<string>();
  for (const name of (headers.get("connection") ?? "").split(",")) {
    const n = name.trim().toLowerCase();
    if (n) listed.add(n);
  }
  return listed;
}

function allowed(name: string, exact: Set<string>, prefixes: string[]): boolean {
  return exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/**
 * The agent's headers that may go upstream, as a plain object for undici. Authorization,
 * Cookie, Host, X-Forwarded-*, method overrides and hop-by-hop headers (and any header the
 * Connection header names) never pass.
 */
export function forwardRequestHeaders(incoming: HeaderReader): Record<string, string> {
  const listed = connectionListed(incoming);
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || listed.has(name)) return;
    if (allowed(name, REQUEST_HEADERS, REQUEST_HEADER_PREFIXES)) out[name] = value;
  });
  return out;
}

/** Upstream response headers (undici's raw object) that may go back to the agent, as [name, value] pairs. */
export function forwardResponseHeaders(upstream: Record<string, string | string[] | undefined>): [string, string][] {
  const listedRaw = upstream["connection"];
  const listed = new Set(
    (Array.isArray(listedRaw) ? listedRaw.join(",") : (listedRaw ?? ""))
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: [string, string][] = [];
  for (const [rawName, value] of Object.entries(upstream)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (!allowed(name, RESPONSE_HEADERS, RESPONSE_HEADER_PREFIXES)) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, v]);
    else out.push([name, value]);
  }
  return out;
}
