// Which redirect URIs an MCP client may register: https anywhere, or http only back to the
// person's own machine (a desktop client listening on loopback). Never a fragment, never
// credentials in the URL, never a scheme a browser would run (javascript:, data:).
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const MAX_LENGTH = 2000;

export function redirectUriProblem(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH)
    return "must be a URL of at most 2000 characters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.hash || value.includes("#")) return "must not have a fragment";
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "must be https, or http to 127.0.0.1, [::1] or localhost";
}

/** The host a person is told their browser will be sent back to. */
export function redirectHost(uri: string): string {
  return new URL(uri).host;
}
