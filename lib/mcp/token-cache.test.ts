// The one-second reuse of service-token lookups: what it keeps, for how long, how many.
import { describe, expect, it } from "vitest";
import type { AuthenticatedToken } from "@/lib/exchange";
import { createTokenCache } from "@/lib/mcp/token-cache";

const token = (extra: Partial<AuthenticatedToken> = {}): AuthenticatedToken =>
  ({
    id: "tok_1",
    userId: "usr_1",
    name: "agent",
    grants: { github: ["read"] },
    approvalScopes: [],
    maxTtl: 900,
    expiresAt: null,
    revokedAt: null,
    revokedReason: null,
    lastUsedAt: null,
    connectionStatus: "active",
    ...extra,
  }) as AuthenticatedToken;

describe("token cache", () => {
  it("keeps a lookup for its provider until the window ends", () => {
    let now = 1_000_000;
    const cache = createTokenCache({ ttlMs: 1000, now: () => now });
    cache.set("h1", "github", token());
    expect(cache.get("h1", "github")?.id).toBe("tok_1");
    expect(cache.get("h1", "slack")).toBeUndefined();
    now += 999;
    expect(cache.get("h1", "github")).toBeDefined();
    now += 1;
    expect(cache.get("h1", "github")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("keeps no lookup whose connection is not active, or whose token is not", () => {
    const cache = createTokenCache();
    cache.set("h1", "github", token({ connectionStatus: "expired" }));
    cache.set("h2", "github", token({ connectionStatus: null }));
    cache.set("h3", "github", token({ revokedAt: new Date() }));
    expect(cache.size).toBe(0);
  });

  it("drops a token whose expiry passes within the window, and one evicted", () => {
    let now = Date.now();
    const cache = createTokenCache({ ttlMs: 60_000, now: () => now });
    cache.set("h1", "github", token({ expiresAt: new Date(now + 10) }));
    cache.set("h2", "github", token());
    now += 10;
    expect(cache.get("h1", "github")).toBeUndefined();
    cache.evict("h2");
    expect(cache.get("h2", "github")).toBeUndefined();
  });

  it("holds at most maxTokens tokens, dropping the oldest", () => {
    const cache = createTokenCache({ maxTokens: 3 });
    for (let i = 0; i < 10; i++) cache.set(`h${i}`, "github", token());
    expect(cache.size).toBe(3);
    expect(cache.get("h0", "github")).toBeUndefined();
    expect(cache.get("h9", "github")).toBeDefined();
  });
});
