import { describe, expect, it } from "vitest";
import { toTokenRow } from "@/app/dashboard/tokens/token-rows";
import type { ServiceToken } from "@/db/schema";

const token: ServiceToken = {
  id: "tok_1",
  userId: "usr_1",
  name: "research-agent",
  tokenHash: "a".repeat(64),
  hint: "svc_AbCd…WxYz",
  grants: { slack: ["delete", "read"], github: ["all"] },
  maxTtl: 300,
  expiresAt: null,
  rateLimit: null,
  quota: null,
  quotaPeriod: null,
  approvalScopes: ["delete", "write"],
  holdScopes: [],
  createdAt: new Date("2026-01-01T00:00:00Z"),
  lastUsedAt: null,
  revokedAt: null,
  revokedReason: null,
  oauthClientId: null,
  oauthRedirectHost: null,
};

describe("toTokenRow", () => {
  const row = toTokenRow(token, {
    state: "active",
    usage: undefined,
    providerName: (id) => ({ github: "GitHub", slack: "Slack" })[id] ?? id,
    connectionOf: (id) => (id === "github" ? "active" : null),
    providerOrder: ["trello", "github", "slack"],
  });

  it("sends the client what it shows and never the token hash", () => {
    expect(JSON.stringify(row)).not.toContain(token.tokenHash);
    expect(row).not.toHaveProperty("tokenHash");
    expect(row).not.toHaveProperty("userId");
  });

  it("orders grants and scopes the same way in every row, with each provider's connection", () => {
    expect(row.grants).toEqual([
      { provider: "github", name: "GitHub", scopes: ["all"], connection: "active" },
      { provider: "slack", name: "Slack", scopes: ["read", "delete"], connection: null },
    ]);
    expect(row.approvalScopes).toEqual(["write", "delete"]);
    expect(row).toMatchObject({ rate: null, quota: null, maxTtl: 300, state: "active" });
  });
});

describe("toTokenRow for an OAuth client", () => {
  const options = {
    state: "active" as const,
    usage: undefined,
    providerName: (id: string) => id,
    connectionOf: () => null,
    providerOrder: [],
  };
  it("marks an authorized MCP client with its client id and redirect host, and a plain token as none", () => {
    const oauth = toTokenRow(
      { ...token, name: "Claude", oauthClientId: "mcp_abc", oauthRedirectHost: "claude.ai" },
      options,
    );
    expect(oauth.oauth).toEqual({ clientId: "mcp_abc", redirectHost: "claude.ai" });
    expect(toTokenRow(token, options).oauth).toBeNull();
  });
});
