// Tool calls that need a person (docs/mcp.md#approvals), over a real /mcp with the official
// SDK client: a scope in approval_scopes is asked for once, the same pending request is
// shown to every repeat, and the call after the person's yes collects it — exactly once,
// however many calls race for it. And a request held during a tool call, polled at
// /api/held/{id} with the MCP client's own OAuth access token.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApprovalsForToken } from "@/db/queries/approvals";
import { insertOAuthTokens } from "@/db/queries/oauth";
import { auditEvents } from "@/db/schema";
import { decideApproval } from "@/lib/approvals/decide";
import { createApprovalGate } from "@/lib/approvals/gate";
import { handleHeldPoll } from "@/lib/held/poll";
import { createMcpRuntime, type McpRuntime } from "@/lib/mcp/runtime";
import { hashSecret, newAccessToken } from "@/lib/oauth/secrets";
import { createNodeMcpListener } from "@/lib/serve/mcp-node";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

const textOf = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;
const APPROVAL_URL = /(http:\/\/okoro\.test\/dashboard\/approvals\/(apr_[0-9A-Za-z]{22}))/;

describeDatabases("MCP tool calls that need a person", (getDb) => {
  let h: Harness;
  let runtime: McpRuntime;
  let server: http.Server;
  let mcpUrl: string;
  const clients: Client[] = [];
  /** the gate's notifications, awaited before the database goes away */
  const deferred: Promise<unknown>[] = [];

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    runtime = createMcpRuntime({
      db: h.db,
      env: h.env,
      approvals: createApprovalGate({ defer: (task) => void deferred.push(task()) }),
    });
    server = http.createServer(createNodeMcpListener(() => runtime));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mcpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await new Promise((r) => setTimeout(r, 200)); // proxy.response events are written after the body
    await Promise.allSettled(deferred);
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const connect = async (bearer: string) => {
    const client = new Client({ name: "vitest", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${bearer}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const approve = (id: string, steppedUp?: boolean) =>
    decideApproval(h.db, {
      id,
      decision: "approve",
      userId: h.user.id,
      ip: "127.0.0.1",
      userAgent: "vitest",
      steppedUp,
      execute: { env: h.env },
    });

  describe("a scope in approval_scopes", () => {
    /** github read + delete, delete asked for every time */
    const asking = async () => {
      const { token, row } = await h.createToken({
        name: "cleanup-agent",
        grants: { github: ["read", "delete"] },
        approvalScopes: ["delete"],
      });
      return { id: row.id, client: await connect(token) };
    };
    const deleteComment = (client: Client, intent = "remove a stale comment") =>
      client.callTool({
        name: "github_request",
        arguments: { method: "DELETE", path: "/repos/o/r/issues/comments/1", intent },
      });
    /** the approval URL and id of an approval_required result, failing on anything else */
    const asked = (result: unknown) => {
      expect((result as CallToolResult).isError).toBe(true);
      const text = textOf(result);
      expect(text).toMatch(/^approval_required: A person must approve delete on GitHub/);
      const [, url, id] = APPROVAL_URL.exec(text) ?? [];
      expect(url).toBeTruthy();
      return { url, id };
    };

    it("asks once, shows the same request while it waits, runs once after the yes, then asks again", async () => {
      const { id: tokenId, client } = await asking();

      const first = asked(await deleteComment(client));
      const again = asked(await deleteComment(client));
      expect(again.url).toBe(first.url);
      let rows = await listApprovalsForToken(h.db, tokenId);
      expect(rows.map((r) => r.status)).toEqual(["pending"]);
      expect(rows[0]).toMatchObject({ provider: "github", scope: "delete", intent: "remove a stale comment" });
      expect(upstream.received).toHaveLength(0);

      await approve(first.id);
      const done = (await deleteComment(client)) as CallToolResult;
      expect(done.isError, textOf(done)).toBeFalsy();
      expect(textOf(done)).toMatch(/^HTTP 200/);
      expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual([
        "DELETE /github/repos/o/r/issues/comments/1",
      ]);
      rows = await listApprovalsForToken(h.db, tokenId);
      expect(rows.map((r) => r.status)).toEqual(["used"]);

      // the one token.issued of the collected approval, tagged as the tool call's
      const issued = await h.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.serviceTokenId, tokenId), eq(auditEvents.event, "token.issued")));
      expect(issued).toHaveLength(1);
      expect(issued[0]).toMatchObject({
        scope: "delete",
        provider: "github",
        intent: "remove a stale comment",
        via: "mcp",
        tool: "github_request",
        outcome: "allowed",
      });

      // approval_scopes ask every time: the yes was spent on that one call
      const next = asked(await deleteComment(client));
      expect(next.id).not.toBe(first.id);
      rows = await listApprovalsForToken(h.db, tokenId);
      expect(rows.map((r) => r.status)).toEqual(["used", "pending"]);
      expect(upstream.received).toHaveLength(1);
    });

    it("binds the approval to the intent: another intent is another request", async () => {
      const { id: tokenId, client } = await asking();
      const a = asked(await deleteComment(client, "remove a stale comment"));
      const b = asked(await deleteComment(client, "remove a duplicate comment"));
      expect(b.id).not.toBe(a.id);
      await approve(a.id);
      // the approved one is for the other intent: this call still waits for its own
      expect(asked(await deleteComment(client, "remove a duplicate comment")).id).toBe(b.id);
      expect(upstream.received).toHaveLength(0);
      expect((await listApprovalsForToken(h.db, tokenId)).map((r) => r.status)).toEqual(["approved", "pending"]);
    });

    it("lets exactly one of many concurrent calls collect the approval; the rest share one new request", async () => {
      const { id: tokenId, client } = await asking();
      const first = asked(await deleteComment(client));
      await approve(first.id);
      const results = (await Promise.all(Array.from({ length: 8 }, () => deleteComment(client)))) as CallToolResult[];
      const ran = results.filter((r) => !r.isError);
      expect(ran).toHaveLength(1);
      const waiting = results.filter((r) => r.isError).map(asked);
      expect(waiting).toHaveLength(7);
      expect(new Set(waiting.map((w) => w.id)).size).toBe(1);
      expect(waiting[0].id).not.toBe(first.id);
      expect(upstream.received).toHaveLength(1);
      const rows = await listApprovalsForToken(h.db, tokenId);
      expect(rows.map((r) => r.status)).toEqual(["used", "pending"]);
    });
  });

  describe("a request held during a tool call", () => {
    /** an OAuth access token for a grant, as /api/oauth/token would hand it to an MCP client */
    const accessTokenFor = async (serviceTokenId: string) => {
      const token = newAccessToken();
      await insertOAuthTokens(h.db, [
        { tokenHash: hashSecret(token), kind: "access", serviceTokenId, clientId: "vitest-client", ttlSeconds: 3600 },
      ]);
      return token;
    };
    const poll = async (id: string, bearer: string) => {
      const res = await handleHeldPoll(
        new Request(`${OKORO_URL}/api/held/${id}`, { headers: { authorization: `Bearer ${bearer}` } }),
        { db: h.db, url: OKORO_URL, ip: "127.0.0.1", userAgent: "vitest", execute: { env: h.env } },
        id,
      );
      return { status: res.status, headers: res.headers, text: await res.text() };
    };

    it("is polled with the client's oat_ access token; another client's gets 404, an unknown one 401", async () => {
      const grant = await h.createToken({
        name: "Claude",
        grants: { github: ["read", "delete"] },
        holdScopes: ["delete"],
      });
      const other = await h.createToken({ name: "Cursor", grants: { github: ["read"] } });
      const oat = await accessTokenFor(grant.row.id);
      const otherOat = await accessTokenFor(other.row.id);
      const client = await connect(oat);

      const result = await client.callTool({
        name: "github_request",
        arguments: { method: "DELETE", path: "/repos/o/r/issues/comments/7", intent: "remove a stale comment" },
      });
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toMatch(/^approval_required: This request to GitHub is held/);
      const id = /approval_id (apr_[0-9A-Za-z]{22})/.exec(text)?.[1];
      expect(id).toBeTruthy();
      expect(text).toContain(`Poll ${OKORO_URL}/api/held/${id}`);
      expect(upstream.received).toHaveLength(0);

      expect((await poll(id!, oat)).status).toBe(202);
      expect((await poll(id!, otherOat)).status).toBe(404);
      const unknown = await poll(id!, newAccessToken());
      expect(unknown.status).toBe(401);
      expect(JSON.parse(unknown.text)).toMatchObject({ error: "invalid_token" });
      expect((await poll(id!, "oat_short")).status).toBe(401);

      upstream.respond((_req, res) => {
        res.writeHead(204);
        res.end();
      });
      await approve(id!, true);
      expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual([
        "DELETE /github/repos/o/r/issues/comments/7",
      ]);
      const answer = await poll(id!, oat);
      expect(answer.status).toBe(204);
      expect(answer.headers.get("okoro-approval-id")).toBe(id);
      expect((await poll(id!, oat)).status).toBe(410);

      // a refused access token is a failed authentication, audited as /mcp audits it
      const refused = await h.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.event, "token.denied"), eq(auditEvents.reason, "unknown access token")));
      expect(refused.length).toBeGreaterThan(0);
    });
  });
});
