// Building the upstream URL (docs/agent-api.md#proxy step 6). The agent's path is appended to the
// provider's fixed base URL as a string — never resolved with `new URL(path, base)`, which
// would let `//host`, `..` or an absolute URL choose another origin — and the result is
// checked to still sit on the base origin, under the base path.
import { OkoroError } from "@/lib/errors";

const MAX_DECODE_ROUNDS = 5;

/** Percent-decodes until stable (double encoding like %252e is unwrapped too). */
export function fullyDecode(value: string): string {
  let current = value;
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // malformed escapes: decode what can be decoded so checks still see dots and slashes
      next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === current) return next;
    current = next;
  }
  return current;
}

/**
 * Rejects paths that could climb out of the base path on any server that decodes them
 * once or more: dot segments (plain or encoded), backslashes, NUL and other control bytes.
 */
export function assertSafePath(rawPath: string): void {
  if (!rawPath.startsWith("/")) throw new OkoroError("invalid_request", "The path must start with /.");
  const decoded = fullyDecode(rawPath);
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(decoded) || /[\\\u0000-\u001f\u007f]/.test(rawPath)) {
    throw new OkoroError("invalid_request", "The path contains a backslash or a control character.");
  }
  for (const segment of decoded.split("/")) {
    if (segment === "." || segment === "..")
      throw new OkoroError("invalid_request", "The path must not contain . or .. segments.");
  }
}

export type UpstreamBase = { origin: string; basePath: string };

export function parseBaseUrl(baseUrl: string): UpstreamBase {
  const url = new URL(baseUrl);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
}

/**
 * `rawPath` is the path after /p/{provider} exactly as received (still percent-encoded);
 * `search` is the raw query string including "?" (or "").
 */
export function buildUpstreamUrl(base: UpstreamBase, rawPath: string, search: string): URL {
  const path = rawPath === "" ? "/" : rawPath;
  assertSafePath(path);
  if (search && !search.startsWith("?")) throw new OkoroError("invalid_request", "Malformed query string.");
  const target = new URL(`${base.origin}${base.basePath}${path}${search}`);
  const underBase =
    base.basePath === "" || target.pathname === base.basePath || target.pathname.startsWith(`${base.basePath}/`);
  if (target.origin !== base.origin || !underBase || target.username || target.password) {
    throw new OkoroError("invalid_request", "The path leaves the provider's API.");
  }
  return target;
}
