// The service-token lookups a tool call may reuse: for one second, the answer of a lookup
// that succeeded, keyed by the token's SHA-256 and the provider the tool acts on.
//
// Why a cache and why it is safe. A tool call used to make two database round trips where
// a proxied call makes one: the token lookup, then the proxy's authorize-and-audit trip.
// That second trip re-reads, for the very call being made, whether the service token
// still exists and is not revoked or expired, whether its user is active and whether the
// connection is active — so revocation never depends on this cache. When that trip says
// the token is gone, the MCP client gets the same HTTP 401 and challenge as a failed
// lookup, and the entry is dropped (lib/mcp/http.ts). Nothing that does not run the
// proxy's trip reads from here: tools/list and every other method look the token up.
//
// What may be up to TTL_MS old is the rest of the row: the grant, approval scopes, max
// TTL, and the connection status seen at lookup time. The connection is re-checked by the
// proxy; only "active" lookups are kept, so a refusal for a connection is always fresh.
// A grant is widened in place ("approve and remember"): a cached grant that is too
// narrow is never trusted to refuse — lib/mcp/call.ts looks the token up again before
// answering insufficient_scope. A grant is never narrowed today (revoking is how access
// is taken away); if that changes, a narrowed grant could still be used for TTL_MS by
// tool calls — less than an operation token handed out a moment before the change, which
// /p/ honours until it expires because the proxy checks the token, not the grant.
//
// Why not fold the lookup into the proxy's trip instead: the lookup's answer decides
// things before that trip (which scope to ask for, approvals, the not-connected answer,
// the token.issued event), so the trip would have to take over the exchange's decisions in
// SQL; reusing a lookup for a second gets a busy agent's tool call to the same one round
// trip as a proxied call while leaving the proxy's statement as it is.
//
// Bounded: only tokens that authenticated get an entry (garbage never reaches here), at
// most MAX_TOKENS of them, oldest dropped first.
import "server-only";
import type { AuthenticatedToken } from "@/lib/exchange";
import { tokenState } from "@/lib/tokens/service-tokens";

export const TOKEN_CACHE_TTL_MS = 1000;
const MAX_TOKENS = 1000;

type Entry = { expires: number; byProvider: Map<string, AuthenticatedToken> };

export type TokenCache = {
  /** the lookup for this token hash and provider, if one succeeded less than TTL_MS ago */
  get(hash: string, provider: string): AuthenticatedToken | undefined;
  /** keeps a successful lookup; anything but an active connection is not kept */
  set(hash: string, provider: string, token: AuthenticatedToken): void;
  /** forgets the token (the proxy refused it) */
  evict(hash: string): void;
  readonly size: number;
};

export function createTokenCache(options: { ttlMs?: number; maxTokens?: number; now?: () => number } = {}): TokenCache {
  const ttl = options.ttlMs ?? TOKEN_CACHE_TTL_MS;
  const max = options.maxTokens ?? MAX_TOKENS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  return {
    get(hash, provider) {
      const entry = entries.get(hash);
      if (!entry) return undefined;
      if (entry.expires <= now()) {
        entries.delete(hash);
        return undefined;
      }
      const token = entry.byProvider.get(provider);
      // an expiry that passed within the window is noticed here, before the proxy would
      if (token && tokenState(token, new Date(now())) !== "active") {
        entries.delete(hash);
        return undefined;
      }
      return token;
    },
    set(hash, provider, token) {
      if (token.connectionStatus !== "active" || tokenState(token) !== "active") return;
      let entry = entries.get(hash);
      if (!entry || entry.expires <= now()) {
        if (entry) entries.delete(hash);
        while (entries.size >= max) entries.delete(entries.keys().next().value as string);
        entry = { expires: now() + ttl, byProvider: new Map() };
        entries.set(hash, entry);
      }
      // the call that made this lookup touches "last used"; the calls that reuse it need not
      entry.byProvider.set(provider, { ...token, lastUsedAt: new Date(now()) });
    },
    evict(hash) {
      entries.delete(hash);
    },
    get size() {
      return entries.size;
    },
  };
}
