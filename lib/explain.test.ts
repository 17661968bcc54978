// POST /api/explain (docs/agent-api.md#explain) on every database driver, with a local upstream
// standing in for providers: the answers for reads, writes, approvals and providers not
// connected; that nothing is forwarded, audited or counted; its own limit; hostile input;
// the agent client's explain(); and okoro_explain over MCP giving the same answer.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { auditEvents, limitCounters } from "@/db/schema";
import { type Explanation, OkoroClient, OkoroRequestError } from "@/lib/client/okoro-client";
import { type ExplainAnswer, EXPLAIN_PER_MINUTE, handleExplain } from "@/lib/explain";
import { createMcpRuntime } from "@/lib/mcp/runtime";
import { createNodeMcpListener } from "@/lib/serve/mcp-node";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";
import { describeDatabases } from "@/test/databases";
import { OKORO_URL, createHarness, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

describeDatabases("explain", (getDb) => {
  let h: Harness;
  let server: http.Server;
  let mcpUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    await h.connect("stripe");
    const runtime = createMcpRuntime({ db: h.db, env: h.env });
    server = http.createServer(createNodeMcpListener(() => runtime));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mcpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
  });

  const explainRaw = (init: RequestInit) => {
    const verifier = getOperationTokenVerifier(h.db, { issuer: h.env.url });
    return handleExplain(new Request(`${OKORO_URL}/api/explain`, { method: "POST", ...init }), {
      db: h.db,
      ip: "127.0.0.1",
      verify: (token) => verifier.verify(token),
      failures: h.failures,
    });
  };
  const explain = (token: string | null, body: unknown) =>
    explainRaw({
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const answer = async (token: string, body: unknown) => {
    const res = await explain(token, body);
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  };
  const auditCount = async (tokenId: string) =>
    (await h.db.select().from(auditEvents).where(eq(auditEvents.serviceTokenId, tokenId))).length;
  const counters = async (tokenId: string) =>
    (await h.db.select().from(limitCounters))
      .filter((c) => c.key.startsWith(`svc:${tokenId}:`) && !c.key.endsWith(":explain"))
      .map((c) => [c.key, c.count])
      .sort();

  it("explains a read its operation token allows, with the limits left, and forwards, audits and counts nothing", async () => {
    const { token, row } = await h.createToken({
      grants: { github: ["read"] },
      rateLimit: 10,
      quota: 100,
      quotaPeriod: "day",
    });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list my repos" });
    expect((await h.call(op, "GET", "github/user/repos")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 150)); // proxy.response is written after the body
    upstream.reset();
    const audits = await auditCount(row.id);
    const before = await counters(row.id);

    const json = await answer(op, { method: "GET", path: "/user/repos", query: { per_page: 5 } });
    expect(json).toMatchObject({
      provider: "github",
      method: "GET",
      path: "/user/repos?per_page=5",
      required_scope: "read",
      token_scope: "read",
      allowed: true,
      error: null,
      would_hold: false,
      needs_approval: false,
      rate_limit: { limit: 10, remaining: 9 },
      quota: { limit: 100, remaining: 99, period: "day" },
      flags: [],
    });
    // the path may come without its leading slash, as it follows /p/github/
    expect(await answer(op, { method: "get", path: "user/repos" })).toMatchObject({ allowed: true });

    expect(upstream.received).toHaveLength(0);
    expect(await auditCount(row.id)).toBe(audits);
    expect(await counters(row.id)).toEqual(before);
  });

  it("explains a write beyond a read token: insufficient_scope, with the intent flagged", async () => {
    const { token } = await h.createToken({ grants: { github: ["read", "update"] } });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "check the issues" });
    const json = await answer(op, { method: "POST", path: "/repos/o/r/issues", body: { title: "x" } });
    expect(json).toMatchObject({
      required_scope: "write",
      token_scope: "read",
      allowed: false,
      error: "insufficient_scope",
      flags: ["intent_mismatch"],
    });
    expect(String(json.flag_reason)).toContain("check the issues");
    // a GraphQL mutation needs update, read from the body
    expect(
      await answer(op, { method: "POST", path: "/graphql", body: { query: "mutation { closeIssue(x: 1) }" } }),
    ).toMatchObject({ required_scope: "update", allowed: false, error: "insufficient_scope" });
    // another provider than the token's
    expect(await answer(op, { provider: "stripe", method: "GET", path: "/v1/customers" })).toMatchObject({
      provider: "stripe",
      allowed: false,
      error: "wrong_provider",
    });
    expect(upstream.received).toHaveLength(0);
  });

  it("with a service token: the narrowest scope a call would use, approvals, and providers not connected", async () => {
    const { token, row } = await h.createToken({
      grants: { github: ["read", "all"], slack: ["read"] },
      approvalScopes: ["delete"],
    });
    const audits = await auditCount(row.id);
    expect(await answer(token, { provider: "github", method: "GET", path: "/user" })).toMatchObject({
      token_scope: "read",
      granted_scopes: ["read", "all"],
      allowed: true,
      needs_approval: false,
    });
    expect(await answer(token, { provider: "github", method: "DELETE", path: "/repos/o/r" })).toMatchObject({
      required_scope: "delete",
      token_scope: "delete",
      allowed: true,
      needs_approval: true,
    });
    const write = await answer(token, {
      provider: "github",
      method: "POST",
      path: "/user/repos",
      intent: "create a repo",
    });
    expect(write).toMatchObject({ token_scope: "all", allowed: true, flags: ["all_scope"] });
    expect(await answer(token, { provider: "slack", method: "GET", path: "/conversations.list" })).toMatchObject({
      required_scope: "read",
      allowed: false,
      error: "not_connected",
    });
    expect(await answer(token, { provider: "stripe", method: "GET", path: "/v1/customers" })).toMatchObject({
      allowed: false,
      error: "insufficient_scope",
      token_scope: null,
    });
    expect(await answer(token, { provider: "github", method: "TRACE", path: "/" })).toMatchObject({
      required_scope: null,
      error: "method_not_allowed",
    });
    expect(upstream.received).toHaveLength(0);
    expect(await auditCount(row.id)).toBe(audits);
  });

  it("says when the proxy would hold the request for a person (hold scopes), holding nothing", async () => {
    const { token, row } = await h.createToken({ grants: { github: ["read", "delete"] }, holdScopes: ["delete"] });
    const audits = await auditCount(row.id);
    expect(await answer(token, { provider: "github", method: "DELETE", path: "/repos/o/r" })).toMatchObject({
      required_scope: "delete",
      allowed: true,
      would_hold: true,
    });
    expect(await answer(token, { provider: "github", method: "GET", path: "/user" })).toMatchObject({
      required_scope: "read",
      would_hold: false,
    });
    expect(upstream.received).toHaveLength(0);
    expect(await auditCount(row.id)).toBe(audits);
  });

  it(`has its own limit: ${EXPLAIN_PER_MINUTE} a minute per service token, then 429`, async () => {
    const { token } = await h.createToken({ grants: { github: ["read"] } });
    const statuses: number[] = [];
    for (let i = 0; i < EXPLAIN_PER_MINUTE + 1; i++)
      statuses.push((await explain(token, { provider: "github", method: "GET", path: "/user" })).status);
    // a minute boundary may fall inside the loop: then the count starts again
    const limited = statuses.filter((s) => s === 429).length;
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(EXPLAIN_PER_MINUTE);
    expect(limited + statuses.filter((s) => s === 200).length).toBe(EXPLAIN_PER_MINUTE + 1);
    if (limited === 1) {
      const res = await explain(token, { provider: "github", method: "GET", path: "/user" });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await res.json()) as { error: string }).error).toBe("rate_limited");
    }
  });

  it("refuses hostile input as the exchange and /p/ do, forwarding nothing", async () => {
    const { token, row } = await h.createToken({ grants: { github: ["read"] } });
    const audits = await auditCount(row.id);
    const status = async (res: Response) => [res.status, ((await res.json()) as { error: string }).error];
    // oversize, declared and streamed
    expect(
      await status(
        await explain(
          token,
          JSON.stringify({ provider: "github", method: "GET", path: "/", body: "x".repeat(70_000) }),
        ),
      ),
    ).toEqual([413, "payload_too_large"]);
    // malformed JSON and the wrong shape
    expect(await status(await explain(token, "{not json"))).toEqual([400, "invalid_request"]);
    expect(await status(await explain(token, { provider: "github", method: 42, path: "/" }))).toEqual([
      400,
      "invalid_request",
    ]);
    expect(await status(await explain(token, { provider: "github", method: "GET", path: "/".repeat(9000) }))).toEqual([
      400,
      "invalid_request",
    ]);
    // paths that try to leave the provider
    for (const path of ["/../admin", "/repos/%2e%2e/%2e%2e/x", "/a\\b", "/a%00b", "/%2E%2E/x"]) {
      const [code] = await status(await explain(token, { provider: "github", method: "GET", path }));
      expect(code, path).toBe(400);
    }
    expect(await status(await explain(token, { provider: "nope", method: "GET", path: "/" }))).toEqual([
      404,
      "unknown_provider",
    ]);
    expect(await status(await explain(token, { provider: "../x", method: "GET", path: "/" }))).toEqual([
      404,
      "unknown_provider",
    ]);
    expect(await status(await explain(token, { method: "GET", path: "/" }))).toEqual([400, "invalid_request"]);
    expect(
      await status(await explain(token, { provider: "github", method: "GET", path: "/", body: { a: 1 } })),
    ).toEqual([400, "invalid_request"]);
    // tokens that do not authenticate
    expect(await status(await explain(null, { provider: "github", method: "GET", path: "/" }))).toEqual([
      401,
      "invalid_token",
    ]);
    expect(
      await status(await explain("svc_" + "a".repeat(38), { provider: "github", method: "GET", path: "/" })),
    ).toEqual([401, "invalid_token"]);
    expect(await status(await explain("eyJhbGciOiJub25lIn0.e30.", { method: "GET", path: "/" }))).toEqual([
      401,
      "invalid_token",
    ]);
    expect(upstream.received).toHaveLength(0);
    expect(await auditCount(row.id)).toBe(audits);
  });

  it("refuses a revoked service token and the operation tokens it issued", async () => {
    const { token, row } = await h.createToken({ grants: { github: ["read"] } });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list my repos" });
    const { revokeServiceToken } = await import("@/lib/tokens/service-tokens");
    await revokeServiceToken(h.db, { id: row.id });
    expect((await explain(token, { provider: "github", method: "GET", path: "/user" })).status).toBe(401);
    expect((await explain(op, { method: "GET", path: "/user" })).status).toBe(401);
  });

  it("answers the agent client's explain(), typed, and okoro_explain over MCP with the same answer", async () => {
    const { token } = await h.createToken({ grants: { github: ["read"] }, rateLimit: 30 });
    const client = new OkoroClient({
      serviceToken: token,
      baseUrl: OKORO_URL,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        return explainRaw({ headers: request.headers, body: await request.text() });
      },
    });
    const request = { provider: "github", method: "POST", path: "/graphql", body: { query: "mutation { x }" } };
    const explained = await client.explain(request);
    expect(explained.required_scope).toBe("update");
    expect(explained.allowed).toBe(false);
    expect(explained.rate_limit).toMatchObject({ limit: 30, remaining: 30 });
    await expect(client.explain({ provider: "nope", method: "GET", path: "/" })).rejects.toBeInstanceOf(
      OkoroRequestError,
    );

    const mcp = new Client({ name: "vitest", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(mcp);
    const result = (await mcp.callTool({ name: "okoro_explain", arguments: request })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const viaMcp = JSON.parse((result.content[0] as { text: string }).text) as Record<string, unknown>;
    const { rate_limit: _a, ...same } = explained;
    const { rate_limit: _b, ...sameViaMcp } = viaMcp;
    expect(sameViaMcp).toEqual(same);
    // the provider asked about is the one whose connection is read
    const slack = (await mcp.callTool({
      name: "okoro_explain",
      arguments: { provider: "github", method: "GET", path: "/user" },
    })) as CallToolResult;
    expect(JSON.parse((slack.content[0] as { text: string }).text)).toMatchObject({ allowed: true, error: null });
    const unknown = (await mcp.callTool({
      name: "okoro_explain",
      arguments: { provider: "nope", method: "GET", path: "/" },
    })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect((unknown.content[0] as { text: string }).text).toMatch(/^unknown_provider: /);
    expect(upstream.received).toHaveLength(0);
  });
});

// The agent-side client stays free of okoro's server code, so it states the answer's shape
// itself; the type check (npm run typecheck, in CI) fails when the two drift apart.
describe("the client's Explanation type", () => {
  it("matches what the server answers, field for field", () => {
    expectTypeOf<ExplainAnswer>().toMatchTypeOf<Explanation>();
    expectTypeOf<keyof Explanation>().toEqualTypeOf<keyof ExplainAnswer>();
  });
});
