// /mcp end to end with the official SDK client: a real HTTP server serving /mcp as npm start
// does (lib/serve/mcp-node.ts), a real database, and a local upstream standing in for providers.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addGrant, revokeServiceToken } from "@/lib/tokens/service-tokens";
import { pageAuditEvents } from "@/db/queries/audit";
import { auditEvents, serviceTokens } from "@/db/schema";
import { viewFilter } from "@/lib/audit/dashboard";
import { parseAuditView } from "@/lib/audit/view-params";
import { verifyChain } from "@/lib/audit/verify";
import { createNodeMcpListener } from "@/lib/serve/mcp-node";
import { createMcpRuntime, type McpRuntime } from "@/lib/mcp/runtime";
import { createTokenCache } from "@/lib/mcp/token-cache";
import { hashServiceToken } from "@/lib/tokens/service-token";
import { describeDatabases } from "@/test/databases";
import { CANARY, OKORO_URL, createHarness, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();
const MAX_BODY = 4096;

const textOf = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describeDatabases("MCP server", (getDb) => {
  let h: Harness;
  let runtime: McpRuntime;
  let server: http.Server;
  let mcpUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url, { OKORO_MAX_BODY_BYTES: String(MAX_BODY) });
    await h.connect("github");
    await h.connect("stripe");
    runtime = createMcpRuntime({ db: h.db, env: h.env });
    server = http.createServer(createNodeMcpListener(() => runtime));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mcpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 200)); // proxy.response events are written after the body
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const connect = async (svc: string) => {
    const client = new Client({ name: "vitest", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${svc}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const readOnlyGithub = async (extra: Parameters<Harness["createToken"]>[0] | object = {}) => {
    const { token, row } = await h.createToken({ grants: { github: ["read"] }, ...extra });
    return { svc: token, id: row.id, client: await connect(token) };
  };
  const rows = (tokenId: string) =>
    h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, h.user.id), eq(auditEvents.serviceTokenId, tokenId)))
      .orderBy(asc(auditEvents.seq));
  /** Waits for the audit writes made after each answer: until the log stops growing. */
  const settle = async () => {
    let last = -1;
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, i === 0 ? 150 : 50));
      const [{ n }] = await h.db.select({ n: count() }).from(auditEvents);
      if (n === last) return;
      last = n;
    }
  };

  describe("tools from the grant", () => {
    it("lists read tools only for a read-only GitHub grant, with annotations from the scope", async () => {
      const { client } = await readOnlyGithub();
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toContain("github_list_repos");
      expect(names).toContain("github_search_code");
      expect(names).toContain("github_request");
      expect(names).toContain("okoro_explain");
      expect(names).not.toContain("github_create_issue");
      expect(names).not.toContain("github_update_issue");
      // stripe is connected but not granted; nothing else is granted
      expect(names.filter((n) => !n.startsWith("github_") && n !== "okoro_explain")).toEqual([]);
      for (const tool of tools) {
        expect(tool.annotations?.title).toBeTruthy();
        if (tool.name !== "okoro_explain") expect(tool.annotations?.readOnlyHint).toBe(true);
        expect(tool.annotations?.destructiveHint).toBe(false);
      }
      const generic = tools.find((t) => t.name === "github_request")!;
      expect(generic.description).toContain(`${upstream.url}/github`);
      expect(generic.description).toContain("You hold: read");
    });

    it("lists write and delete tools when granted, destructive ones marked", async () => {
      const { token } = await h.createToken({ grants: { github: ["read", "write"], stripe: ["delete"] } });
      const { tools } = await (await connect(token)).listTools();
      const byName = new Map(tools.map((t) => [t.name, t]));
      expect(byName.get("github_create_issue")?.annotations?.readOnlyHint).toBe(false);
      expect(byName.get("stripe_delete_customer")?.annotations?.destructiveHint).toBe(true);
      expect(byName.has("stripe_list_customers")).toBe(false);
      expect(byName.has("github_update_issue")).toBe(false);
    });

    it("does not list providers the user has not connected", async () => {
      const { token } = await h.createToken({ grants: { github: ["read"], slack: ["read"] } });
      const { tools } = await (await connect(token)).listTools();
      expect(tools.some((t) => t.name.startsWith("slack_"))).toBe(false);
    });
  });

  describe("a tool call", () => {
    it("calls github_list_repos through the proxy: the credential is injected upstream and never in the result", async () => {
      upstream.respond((req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify([
            {
              full_name: "octo/hello",
              echoed:
                req.headers.authorization === `Bearer ${(CANARY.github as { access_token: string }).access_token}`,
            },
          ]),
        );
      });
      const { client, id } = await readOnlyGithub();
      const result = await client.callTool({
        name: "github_list_repos",
        arguments: { per_page: 5, intent: "list my repositories" },
      });
      expect(result.isError).toBeFalsy();
      expect(upstream.received).toHaveLength(1);
      expect(upstream.received[0].method).toBe("GET");
      expect(upstream.received[0].url).toBe("/github/user/repos?per_page=5");
      expect(upstream.received[0].headers.authorization).toBe("Bearer CANARYgithub0001");
      const text = textOf(result);
      expect(text).toMatch(/^HTTP 200/);
      expect(text).toContain('"full_name": "octo/hello"');
      expect(text).toContain('"echoed": true');
      expect(JSON.stringify(result)).not.toContain("CANARY");

      await settle();
      const events = await rows(id);
      const kinds = events.map((e) => e.event);
      expect(kinds).toEqual(expect.arrayContaining(["token.issued", "proxy.request", "proxy.response"]));
      for (const e of events.filter((e) => e.event !== "service_token.created")) {
        expect(e).toMatchObject({ intent: "list my repositories", via: "mcp", tool: "github_list_repos" });
      }
      expect(events.find((e) => e.event === "proxy.request")).toMatchObject({
        method: "GET",
        path: "/user/repos",
        scope: "read",
        requiredScope: "read",
        outcome: "allowed",
      });
      expect((await verifyChain(h.db, h.user.id)).ok).toBe(true);
    });

    it("lets the audit viewer filter by via and tool", async () => {
      const { client, svc, id } = await readOnlyGithub();
      await client.callTool({ name: "github_get_repo", arguments: { owner: "o", repo: "r" } });
      const direct = await h.operationToken(svc, { provider: "github", scope: "read", intent: "read a repo" });
      await (await h.call(direct, "GET", "github/repos/o/r")).arrayBuffer();
      await settle();
      const page = async (query: string) =>
        (
          await pageAuditEvents(h.db, viewFilter(h.user.id, parseAuditView(new URLSearchParams(query))), { limit: 500 })
        ).rows.filter((e) => e.serviceTokenId === id);
      const viaMcp = await page("via=mcp&tool=github_get_repo");
      expect(viaMcp.map((e) => e.event).sort()).toEqual(["proxy.request", "proxy.response", "token.issued"]);
      const viaDirect = await page("via=direct");
      expect(viaDirect.map((e) => e.event).sort()).toEqual([
        "proxy.request",
        "proxy.response",
        "service_token.created",
        "token.issued",
      ]);
      expect(viaDirect.every((e) => e.via === null && e.tool === null)).toBe(true);
    });

    it("defaults the intent to the tool's title", async () => {
      const { client, id } = await readOnlyGithub();
      await client.callTool({ name: "github_get_repo", arguments: { owner: "octo", repo: "hello" } });
      expect(upstream.received[0].url).toBe("/github/repos/octo/hello");
      await settle();
      expect((await rows(id)).find((e) => e.event === "proxy.request")?.intent).toBe("Get a GitHub repository");
    });

    it("refuses a write tool that is not granted with insufficient_scope, audited, nothing upstream", async () => {
      const { client, id } = await readOnlyGithub();
      const result = await client.callTool({
        name: "github_create_issue",
        arguments: { owner: "o", repo: "r", title: "hi", intent: "file a bug" },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^insufficient_scope: This request needs the write scope/);
      expect(upstream.received).toHaveLength(0);
      const denied = (await rows(id)).filter((e) => e.event === "token.denied");
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({
        error: "insufficient_scope",
        requiredScope: "write",
        method: "POST",
        path: "/repos/o/r/issues",
        via: "mcp",
        tool: "github_create_issue",
        intent: "file a bug",
      });
    });

    it("uses the narrowest granted scope: a read call on a read+write grant gets a read token", async () => {
      const { token, row } = await h.createToken({ grants: { github: ["read", "write", "all"] } });
      const client = await connect(token);
      await client.callTool({
        name: "github_list_issues",
        arguments: { owner: "o", repo: "r", intent: "list open issues" },
      });
      await client.callTool({
        name: "github_update_issue",
        arguments: { owner: "o", repo: "r", issue_number: 1, state: "closed", intent: "close the issue" },
      });
      await settle();
      const requests = (await rows(row.id)).filter((e) => e.event === "proxy.request");
      expect(requests.map((e) => [e.scope, e.requiredScope])).toEqual([
        ["read", "read"],
        ["all", "update"],
      ]);
      expect(upstream.received.map((r) => r.method)).toEqual(["GET", "PATCH"]);
      expect(JSON.parse(upstream.received[1].body.toString())).toEqual({ state: "closed" });
    });

    it("holds the rate limit exactly across concurrent tool calls", async () => {
      const { client } = await readOnlyGithub({ rateLimit: 5 });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          client.callTool({ name: "github_get_issue", arguments: { owner: "o", repo: "r", issue_number: i + 1 } }),
        ),
      );
      const ok = results.filter((r) => !r.isError);
      const limited = results.filter((r) => r.isError);
      expect(ok).toHaveLength(5);
      expect(limited).toHaveLength(7);
      for (const r of limited) expect(textOf(r)).toMatch(/^rate_limited: .*retry after \d+ s/);
      expect(upstream.received).toHaveLength(5);
    });

    it("answers not_connected with the connections page for a granted provider that is not connected", async () => {
      const { token, row } = await h.createToken({ grants: { slack: ["write"] } });
      const result = await (await connect(token)).callTool({
        name: "slack_post_message",
        arguments: { channel: "C1", text: "hello", intent: "post a greeting" },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^not_connected: .*Connect it at http:\/\/okoro\.test\/dashboard\/connections\./);
      expect(upstream.received).toHaveLength(0);
      expect((await rows(row.id)).some((e) => e.event === "token.denied" && e.error === "not_connected")).toBe(true);
    });

    it("sends Stripe bodies form-encoded and classifies them as the catalog does", async () => {
      const { token } = await h.createToken({ grants: { stripe: ["write"] } });
      const result = await (await connect(token)).callTool({
        name: "stripe_create_customer",
        arguments: { email: "a@example.com", metadata: { plan: "pro" }, intent: "create a customer" },
      });
      expect(result.isError).toBeFalsy();
      expect(upstream.received[0].headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(decodeURIComponent(upstream.received[0].body.toString())).toBe("email=a@example.com&metadata[plan]=pro");
      expect(upstream.received[0].headers.authorization).toBe("Bearer CANARYstripe0001");
    });

    it("gets 401 on the next call once the service token is revoked", async () => {
      const { client, id } = await readOnlyGithub();
      expect((await client.callTool({ name: "github_list_repos", arguments: {} })).isError).toBeFalsy();
      await revokeServiceToken(h.db, { id });
      await expect(client.callTool({ name: "github_list_repos", arguments: {} })).rejects.toMatchObject({ code: 401 });
      expect(upstream.received).toHaveLength(1);
    });
  });

  describe("a service token reused within the second", () => {
    const rpc = (svc: string, body: object) =>
      fetch(mcpUrl, {
        method: "POST",
        headers: {
          authorization: `Bearer ${svc}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, ...body }),
      });
    const call = (svc: string, name: string, args: object = {}) =>
      rpc(svc, { method: "tools/call", params: { name, arguments: args } });
    let saved: McpRuntime["tokens"];
    // a window no test outlasts: what is checked is what happens inside it
    beforeAll(() => {
      saved = runtime.tokens;
      runtime.tokens = createTokenCache({ ttlMs: 60_000 });
    });
    afterAll(() => {
      runtime.tokens = saved;
    });

    it("answers 401 with the challenge when the token is revoked between two tool calls, and forgets it", async () => {
      const { token: svc, row } = await h.createToken({ grants: { github: ["read"] } });
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      // the second call reuses the first one's lookup: a change to the row is not seen
      await h.db.update(serviceTokens).set({ name: "renamed" }).where(eq(serviceTokens.id, row.id));
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      expect(runtime.tokens.get(hashServiceToken(svc), "github")).toBeDefined();

      await revokeServiceToken(h.db, { id: row.id });
      const refused = await call(svc, "github_list_repos");
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${OKORO_URL}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`,
      );
      expect(refused.headers.get("okoro-error")).toBe("invalid_token");
      expect(await refused.json()).toMatchObject({ error: "invalid_token" });
      expect(upstream.received).toHaveLength(2);
      expect(runtime.tokens.get(hashServiceToken(svc), "github")).toBeUndefined();
      await settle();
      const events = await rows(row.id);
      expect(events.filter((e) => e.event === "token.issued").map((e) => e.agent)).toEqual([
        row.name,
        row.name,
        row.name,
      ]);
      expect(events.find((e) => e.event === "proxy.denied")).toMatchObject({
        error: "invalid_token",
        reason: "service token revoked",
        tool: "github_list_repos",
      });
      // and the next one is refused by the lookup itself
      expect((await call(svc, "github_list_repos")).status).toBe(401);
    });

    it("confirms a reused token in the database before refusing a call: a revoked token gets 401, not a tool result", async () => {
      const { token: svc, row } = await h.createToken({ grants: { github: ["read"] } });
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      await revokeServiceToken(h.db, { id: row.id });
      const badArgs = await call(svc, "github_get_issue", { owner: "o", repo: "r" });
      expect(badArgs.status).toBe(401);
      expect(badArgs.headers.get("www-authenticate")).toContain('error="invalid_token"');
      await settle();
      expect((await rows(row.id)).filter((e) => e.event === "token.denied").map((e) => e.error)).toEqual([
        "invalid_token",
      ]);
      expect(upstream.received).toHaveLength(1);
    });

    it("confirms a reused token when the SDK refuses the call itself (bad params)", async () => {
      const { token: svc, row } = await h.createToken({ grants: { github: ["read"] } });
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      await revokeServiceToken(h.db, { id: row.id });
      const malformed = await rpc(svc, {
        method: "tools/call",
        params: { name: "github_list_repos", arguments: "not an object" },
      });
      expect(malformed.status).toBe(401);
      expect(malformed.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("uses a grant widened within the window at once (a reused grant never refuses)", async () => {
      const { token: svc, row } = await h.createToken({ grants: { github: ["read"] } });
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      await addGrant(h.db, { id: row.id, provider: "github", scope: "write" });
      const created = await call(svc, "github_create_issue", {
        owner: "o",
        repo: "r",
        title: "hi",
        intent: "file a bug",
      });
      const body = (await created.json()) as { result: CallToolResult };
      expect(body.result.isError).toBeFalsy();
      expect(upstream.received.map((r) => r.method)).toEqual(["GET", "POST"]);
    });

    it("reads the database for tools/list whatever a tool call left", async () => {
      const { token: svc, row } = await h.createToken({ grants: { github: ["read"] } });
      expect((await call(svc, "github_list_repos")).status).toBe(200);
      await revokeServiceToken(h.db, { id: row.id });
      expect((await rpc(svc, { method: "tools/list" })).status).toBe(401);
    });
  });

  describe("bad input", () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(mcpUrl, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
        body,
      });

    it("answers 401 with the resource metadata URL without a valid service token", async () => {
      const none = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe(
        `Bearer resource_metadata="${OKORO_URL}/.well-known/oauth-protected-resource/mcp"`,
      );
      const forged = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', {
        authorization: `Bearer svc_${"0".repeat(32)}000000`,
      });
      expect(forged.status).toBe(401);
      expect(forged.headers.get("www-authenticate")).toContain('error="invalid_token"');
      expect(JSON.stringify(await forged.json())).not.toContain("svc_");
    });

    it("answers malformed JSON-RPC with a parse or invalid-request error", async () => {
      const { svc } = await readOnlyGithub();
      const auth = { authorization: `Bearer ${svc}` };
      const garbage = await post("{not json", auth);
      expect(garbage.status).toBe(400);
      expect((await garbage.json()).error.code).toBe(-32700);
      const notRpc = await post('{"hello":"world"}', auth);
      expect(notRpc.status).toBe(400);
      expect([-32700, -32600]).toContain((await notRpc.json()).error.code);
    });

    it("gives an error result for an unknown tool, and one naming the field for bad arguments, all audited", async () => {
      const { client, id } = await readOnlyGithub();
      const unknown = await client.callTool({ name: "github_launch_rockets", arguments: {} });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/^invalid_request: There is no tool called "github_launch_rockets"/);
      const missing = await client.callTool({ name: "github_get_issue", arguments: { owner: "o", repo: "r" } });
      expect(textOf(missing)).toBe("invalid_request: issue_number: is required");
      const wrongType = await client.callTool({
        name: "github_get_issue",
        arguments: { owner: "o", repo: "r", issue_number: "seven" },
      });
      expect(textOf(wrongType)).toBe("invalid_request: issue_number: must be an integer");
      const extra = await client.callTool({ name: "github_list_repos", arguments: { evil: 1 } });
      expect(textOf(extra)).toMatch(/^invalid_request: evil: /);
      expect(upstream.received).toHaveLength(0);
      expect((await rows(id)).filter((e) => e.event === "token.denied" && e.error === "invalid_request")).toHaveLength(
        4,
      );
    });

    it("answers a tools/call the same with or without the SDK's machinery, and leaves header checks to the SDK", async () => {
      const { svc } = await readOnlyGithub();
      const auth = { authorization: `Bearer ${svc}`, "mcp-protocol-version": "2025-06-18" };
      const call = (extra: object) =>
        JSON.stringify({
          jsonrpc: "2.0",
          id: 7,
          method: "tools/call",
          params: { name: "github_get_repo", arguments: { owner: "o", repo: "r", intent: "read a repo" }, ...extra },
        });
      const plain = await post(call({}), auth);
      // _meta is one of the shapes only the SDK takes
      const viaSdk = await post(call({ _meta: { progressToken: 1 } }), auth);
      expect([plain.status, viaSdk.status]).toEqual([200, 200]);
      expect(plain.headers.get("content-type")).toBe("application/json");
      const [a, b] = [await plain.json(), await viaSdk.json()];
      expect(a).toEqual(b);
      expect(a).toMatchObject({ jsonrpc: "2.0", id: 7, result: { content: [{ type: "text" }] } });
      expect(a.result.content[0].text).toMatch(/^HTTP 200/);
      expect(upstream.received).toHaveLength(2);
      // the transport's rules still hold for a plain tools/call
      expect((await post(call({}), { ...auth, accept: "application/json" })).status).toBe(406);
      expect((await post(call({}), { ...auth, "content-type": "text/plain" })).status).toBe(415);
      expect((await post(call({}), { ...auth, "mcp-protocol-version": "1999-01-01" })).status).toBe(400);
      expect(upstream.received).toHaveLength(2);
    });

    it("refuses a path that tries to leave the provider, as /p/ does", async () => {
      const { client, id } = await readOnlyGithub();
      for (const path of ["/../../etc/passwd", "/repos/%2e%2e/%2E%2E/x", "/a\\..\\b"]) {
        const result = await client.callTool({
          name: "github_request",
          arguments: { method: "GET", path, intent: "read a file" },
        });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(/^invalid_request: /);
      }
      const traversal = await client.callTool({ name: "github_get_repo", arguments: { owner: "..", repo: ".." } });
      expect(textOf(traversal)).toMatch(/^invalid_request: /);
      expect(upstream.received).toHaveLength(0);
      expect((await rows(id)).filter((e) => e.event === "token.denied")).toHaveLength(4);
    });

    it("refuses a body over OKORO_MAX_BODY_BYTES with payload_too_large, audited, nothing upstream", async () => {
      const { token, row } = await h.createToken({ grants: { github: ["write"] } });
      const client = await connect(token);
      const result = await client.callTool({
        name: "github_create_issue",
        arguments: { owner: "o", repo: "r", title: "big", body: "x".repeat(MAX_BODY + 1), intent: "file a long bug" },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^payload_too_large: /);
      expect(upstream.received).toHaveLength(0);
      await settle();
      expect(
        (await rows(row.id)).find((e) => e.event === "proxy.denied" && e.error === "payload_too_large"),
      ).toMatchObject({ via: "mcp", tool: "github_create_issue" });
    });

    it("answers a generic call within the grant and explains one beyond it", async () => {
      const { client } = await readOnlyGithub();
      const ok = await client.callTool({
        name: "github_request",
        arguments: { method: "GET", path: "/rate_limit", query: { a: 1 }, intent: "check the rate limit" },
      });
      expect(ok.isError).toBeFalsy();
      expect(upstream.received[0].url).toBe("/github/rate_limit?a=1");
      const explained = JSON.parse(
        textOf(
          await client.callTool({
            name: "okoro_explain",
            arguments: { provider: "github", method: "POST", path: "/graphql", body: { query: "mutation { x }" } },
          }),
        ),
      );
      expect(explained).toMatchObject({
        required_scope: "update",
        allowed: false,
        error: "insufficient_scope",
        granted_scopes: ["read"],
      });
      expect(upstream.received).toHaveLength(1);
    });
  });
});
