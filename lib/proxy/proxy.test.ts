import { createHmac, generateKeyPairSync } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { SignJWT, exportJWK, generateKeyPair, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { revokeServiceToken } from "@/lib/tokens/service-tokens";
import { verifyChain } from "@/lib/audit/verify";
import { describeDatabases } from "@/test/databases";
import { CANARY, OKORO_URL, TRELLO_CONSUMER, createHarness, type Harness, type ProxyTransport } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

const ALL_GRANTS = {
  github: ["read", "write", "update", "delete", "all"],
  trello: ["read", "delete"],
  slack: ["read"],
  anthropic: ["read"],
  notion: ["read", "update"],
  openai: ["read"],
  stripe: ["write"],
  gmail: ["read"],
} as const;

/** An RFC 5849 verifier written apart from lib/providers/oauth1.ts, to check its signatures. */
function verifyOAuth1(
  method: string,
  url: string,
  authorization: string,
  formBody: string | null,
  consumerSecret: string,
  tokenSecret: string,
) {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const header = Object.fromEntries(
    [...authorization.replace(/^OAuth\s+/, "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [
      m[1],
      decodeURIComponent(m[2]),
    ]),
  );
  const u = new URL(url);
  const pairs: [string, string][] = [...u.searchParams];
  if (formBody) pairs.push(...new URLSearchParams(formBody));
  for (const [k, v] of Object.entries(header)) if (k !== "oauth_signature" && k !== "realm") pairs.push([k, v]);
  const normalized = pairs
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const base = [method.toUpperCase(), enc(`${u.protocol}//${u.host}${u.pathname}`), enc(normalized)].join("&");
  const expected = createHmac("sha1", `${enc(consumerSecret)}&${enc(tokenSecret)}`)
    .update(base)
    .digest("base64");
  return { ok: expected === header.oauth_signature, header };
}

// The suite runs twice: handing web Requests to the handler (the Next.js route's way) and
// over HTTP to the plain Node server (`npm start`'s and `okoro serve-proxy`'s way), which
// adapts requests and answers without web objects — both must behave the same.
for (const transport of ["web", "node"] satisfies ProxyTransport[])
  describeDatabases(`the agent path (${transport})`, (getDb, driver) => {
    let h: Harness;
    let svc: string;
    let tokenId: string;

    afterAll(() => h?.close());
    beforeAll(async () => {
      h = await createHarness(getDb().db, upstream.url, {}, { transport });
      for (const provider of Object.keys(ALL_GRANTS)) await h.connect(provider);
      const created = await h.createToken({ grants: structuredClone(ALL_GRANTS) as never });
      svc = created.token;
      tokenId = created.row.id;
    });

    const readToken = (provider = "github", intent = "list open issues") =>
      h.operationToken(svc, { provider, scope: "read", intent });

    describe("exchange", () => {
      it("issues an operation token (JSON body)", async () => {
        const res = await h.exchange(svc, { provider: "github", scope: "read", intent: "list open issues", ttl: 120 });
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body).toMatchObject({
          token_type: "Bearer",
          expires_in: 120,
          issued_token_type: "urn:ietf:params:oauth:token-type:jwt",
          provider: "github",
          scope: "read",
          proxy_url: `${OKORO_URL}/p/github`,
        });
        expect(body.access_token.split(".")).toHaveLength(3);
        expect(body.jti).toMatch(/^[0-9a-f]{32}$/);
      });

      it("accepts the RFC 8693 token-exchange form", async () => {
        const form = new URLSearchParams({
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          subject_token: svc,
          subject_token_type: "urn:okoro:params:token-type:service-token",
          resource: "github",
          scope: "read",
          intent: "read the README",
        });
        const res = await h.exchangeRaw({
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        });
        expect(res.status).toBe(200);
        expect((await res.json()).scope).toBe("read");
      });

      it("caps ttl at max_ttl and at 60 s for all", async () => {
        const long = await (
          await h.exchange(svc, { provider: "github", scope: "read", intent: "list issues", ttl: 5000 })
        ).json();
        expect(long.expires_in).toBe(900);
        const all = await (
          await h.exchange(svc, {
            provider: "github",
            scope: "all",
            intent: "fix everything",
            reason: "repository migration needs all",
            ttl: 900,
          })
        ).json();
        expect(all.expires_in).toBe(60);
      });

      const refusals: [string, () => Promise<Response>, number, string][] = [
        ["no token", () => h.exchange(null, { provider: "github", scope: "read", intent: "x" }), 401, "invalid_token"],
        [
          "bad checksum",
          () =>
            h.exchange(svc.slice(0, -1) + (svc.endsWith("A") ? "B" : "A"), {
              provider: "github",
              scope: "read",
              intent: "x",
            }),
          401,
          "invalid_token",
        ],
        [
          "unknown token",
          () => h.exchange("svc_" + "0".repeat(32) + "000000", { provider: "github", scope: "read", intent: "x" }),
          401,
          "invalid_token",
        ],
        [
          "scope not granted",
          () => h.exchange(svc, { provider: "slack", scope: "delete", intent: "remove messages" }),
          403,
          "scope_not_granted",
        ],
        [
          "provider not granted",
          () => h.exchange(svc, { provider: "google-drive", scope: "read", intent: "list files" }),
          403,
          "scope_not_granted",
        ],
        [
          "unknown provider",
          () => h.exchange(svc, { provider: "myspace", scope: "read", intent: "x" }),
          404,
          "unknown_provider",
        ],
        [
          "all without reason",
          () => h.exchange(svc, { provider: "github", scope: "all", intent: "x", reason: "short" }),
          400,
          "reason_required",
        ],
        [
          "ttl below 10",
          () => h.exchange(svc, { provider: "github", scope: "read", intent: "x", ttl: 5 }),
          400,
          "invalid_request",
        ],
        ["missing intent", () => h.exchange(svc, { provider: "github", scope: "read" }), 400, "invalid_request"],
        [
          "bad scope",
          () => h.exchange(svc, { provider: "github", scope: "admin", intent: "x" }),
          400,
          "invalid_request",
        ],
        [
          "not connected",
          () =>
            h.exchange(svc, { provider: "stripe", scope: "write", intent: "create a customer" }).then(async (r) => r),
          200,
          "",
        ],
      ];
      it.each(refusals.filter((r) => r[3]))("refuses: %s", async (_name, run, status, code) => {
        const res = await run();
        expect(res.status).toBe(status);
        const body = await res.json();
        expect(body.error).toBe(code);
        expect(typeof body.error_description).toBe("string");
      });

      it("answers 409 not_connected for a granted provider with no connection", async () => {
        const other = await h.createToken({ name: "drive-agent", grants: { "google-drive": ["read"] } });
        const res = await h.exchange(other.token, { provider: "google-drive", scope: "read", intent: "list files" });
        expect(res.status).toBe(409);
        expect((await res.json()).error).toBe("not_connected");
      });

      it("audits every exchange, granted or refused", async () => {
        await h.exchange(svc, { provider: "slack", scope: "delete", intent: "remove messages" });
        const rows = await getDb().db.select().from(auditEvents).where(eq(auditEvents.serviceTokenId, tokenId));
        const denied = rows.find((r) => r.event === "token.denied" && r.error === "scope_not_granted");
        expect(denied).toMatchObject({
          outcome: "denied",
          provider: "slack",
          scope: "delete",
          agent: "research-agent",
        });
        expect(rows.some((r) => r.event === "token.issued")).toBe(true);
      });
      it("flags a refused exchange like an issued one: what was asked for against the intent", async () => {
        await h.exchange(svc, { provider: "slack", scope: "delete", intent: "check the channel for new messages" });
        const rows = await getDb()
          .db.select()
          .from(auditEvents)
          .where(and(eq(auditEvents.serviceTokenId, tokenId), eq(auditEvents.event, "token.denied")));
        const denied = rows.find((r) => r.intent === "check the channel for new messages");
        expect(denied).toMatchObject({ error: "scope_not_granted", flags: ["intent_mismatch"] });
        expect(denied?.flagReason).toBe(
          'Intent "check the channel for new messages" reads, but the token allows delete.',
        );
      });
    });

    describe("proxy", () => {
      it("injects the bearer credential and keeps the agent's own secrets and cookies out", async () => {
        const token = await readToken();
        const res = await h.call(token, "GET", "github/repos/o/r/issues?state=open&access_token=leak", {
          headers: {
            cookie: "session=agent",
            "x-forwarded-for": "6.6.6.6",
            "x-http-method-override": "DELETE",
            accept: "application/json",
            connection: "x-secret-hop",
            "x-secret-hop": "1",
          },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get("okoro-request-id")).toMatch(/^req_/);
        expect(res.headers.get("set-cookie")).toBeNull();
        expect(upstream.received).toHaveLength(1);
        const got = upstream.received[0];
        expect(got.url).toBe("/github/repos/o/r/issues?state=open&access_token=leak");
        expect(got.headers.authorization).toBe("Bearer CANARYgithub0001");
        expect(got.headers.cookie).toBeUndefined();
        expect(got.headers["x-forwarded-for"]).toBeUndefined();
        expect(got.headers["x-http-method-override"]).toBeUndefined();
        expect(got.headers["x-secret-hop"]).toBeUndefined();
        expect(got.headers.accept).toBe("application/json");
        expect(JSON.stringify(got.headers)).not.toContain(token);
      });

      it("sends Anthropic its key in x-api-key with the default version header", async () => {
        const token = await h.operationToken(svc, {
          provider: "anthropic",
          scope: "read",
          intent: "summarize the ticket",
        });
        const res = await h.call(token, "POST", "anthropic/v1/messages", {
          headers: { "content-type": "application/json", authorization: "x" },
          body: "{}",
        });
        expect(res.status).toBe(200);
        const got = upstream.received[0];
        expect(got.headers["x-api-key"]).toBe("CANARYanthropic0001");
        expect(got.headers["anthropic-version"]).toBe("2023-06-01");
        expect(got.headers.authorization).toBeUndefined();
      });

      it("signs Trello requests per RFC 5849, form parameters included", async () => {
        const token = await h.operationToken(svc, {
          provider: "trello",
          scope: "delete",
          intent: "archive the done cards",
        });
        const res = await h.call(token, "PUT", "trello/1/cards/abc?closed=true&note=%21%2A%27%28%29~", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "desc=hello+world&emoji=%E2%9C%93&a=1&a=2",
        });
        expect(res.status).toBe(200);
        const got = upstream.received[0];
        const url = `${upstream.url}${got.url}`;
        const check = verifyOAuth1(
          "PUT",
          url,
          String(got.headers.authorization),
          got.body.toString(),
          TRELLO_CONSUMER.secret,
          "CANARYtrellosecret0001",
        );
        expect(check.ok).toBe(true);
        expect(check.header.oauth_consumer_key).toBe(TRELLO_CONSUMER.key);
        expect(check.header.oauth_token).toBe("CANARYtrellotoken0001");
        expect(got.body.toString()).toBe("desc=hello+world&emoji=%E2%9C%93&a=1&a=2");
      });

      const refused: [string, () => Promise<Response>, number, string][] = [
        ["no token", () => h.call(null, "GET", "github/user"), 401, "invalid_token"],
        ["garbage token", () => h.call("not.a.jwt", "GET", "github/user"), 401, "invalid_token"],
        ["unknown provider", async () => h.call(await readToken(), "GET", "myspace/user"), 404, "unknown_provider"],
        [
          "wrong provider",
          async () => h.call(await readToken("github"), "GET", "slack/conversations.list"),
          403,
          "wrong_provider",
        ],
        [
          "write with a read token",
          async () => h.call(await readToken(), "POST", "github/repos/o/r/issues", { body: "{}" }),
          403,
          "insufficient_scope",
        ],
        [
          "delete with a read token",
          async () => h.call(await readToken(), "DELETE", "github/repos/o/r"),
          403,
          "insufficient_scope",
        ],
        [
          "GraphQL mutation with a read token",
          async () =>
            h.call(await readToken(), "POST", "github/graphql", {
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ query: 'mutation { addStar(input:{starrableId:"x"}) { clientMutationId } }' }),
            }),
          403,
          "insufficient_scope",
        ],
        [
          "Slack delete by GET with a read token",
          async () =>
            h.call(await readToken("slack", "read channel history"), "GET", "slack/chat.delete?channel=C1&ts=1"),
          403,
          "insufficient_scope",
        ],
        [
          "Trello close with a read token",
          async () => h.call(await readToken("trello", "check todo items"), "PUT", "trello/1/cards/abc?closed=true"),
          403,
          "insufficient_scope",
        ],
        [
          "Notion archive with an update token",
          async () =>
            h.call(
              await h.operationToken(svc, { provider: "notion", scope: "update", intent: "edit the page" }),
              "PATCH",
              "notion/v1/pages/abc",
              { headers: { "content-type": "application/json" }, body: JSON.stringify({ archived: true }) },
            ),
          403,
          "insufficient_scope",
        ],
        ["unknown method", async () => h.call(await readToken(), "PROPFIND", "github/user"), 405, "method_not_allowed"],
        [
          "encoded traversal",
          async () => h.call(await readToken(), "GET", "github/repos/%2e%2e%2f%2e%2e%2fadmin"),
          400,
          "invalid_request",
        ],
        [
          "half-encoded traversal",
          async () => h.call(await readToken(), "GET", "github/repos/..%2fadmin"),
          400,
          "invalid_request",
        ],
        [
          "double-encoded traversal",
          async () => h.call(await readToken(), "GET", "github/repos/%252e%252e/admin"),
          400,
          "invalid_request",
        ],
        ["backslash", async () => h.call(await readToken(), "GET", "github/repos/%5c%5cevil"), 400, "invalid_request"],
        [
          "body over the limit",
          async () =>
            h.call(
              await h.operationToken(svc, { provider: "github", scope: "write", intent: "create an issue" }),
              "POST",
              "github/repos/o/r/issues",
              { headers: { "content-length": String(11 * 1024 * 1024) }, body: "x" },
            ),
          413,
          "payload_too_large",
        ],
      ];
      it.each(refused)("refuses %s, with 0 upstream requests", async (_name, run, status, code) => {
        const res = await run();
        expect(res.status).toBe(status);
        expect(res.headers.get("okoro-error")).toBe(code);
        expect((await res.json()).error).toBe(code);
        expect(upstream.received).toHaveLength(0);
      });

      it("never forwards dot segments the URL parser resolves itself", async () => {
        // /p/github/repos/%2e%2e/%2e%2e/admin is normalized to /p/admin before okoro sees it
        const res = await h.call(await readToken(), "GET", "github/repos/%2e%2e/%2e%2e/admin");
        expect([400, 404]).toContain(res.status);
        expect(res.headers.get("okoro-error")).toBeTruthy();
        expect(upstream.received).toHaveLength(0);
      });

      it("names the scope a request needs", async () => {
        const res = await h.call(await readToken(), "DELETE", "github/repos/o/r");
        expect((await res.json()).error_description).toContain("delete");
      });

      it("allows the matching scope for each rule", async () => {
        const cases: [string, string, string, string, RequestInit?][] = [
          [
            "github",
            "read",
            "POST",
            "github/graphql",
            {
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ query: "{ viewer { login } }" }),
            },
          ],
          [
            "github",
            "update",
            "POST",
            "github/graphql",
            { headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "mutation { x }" }) },
          ],
          ["notion", "read", "POST", "notion/v1/search", { body: "{}" }],
          ["slack", "read", "GET", "slack/conversations.history?channel=C1"],
          ["openai", "read", "POST", "openai/v1/chat/completions", { body: "{}" }],
          [
            "stripe",
            "write",
            "POST",
            "stripe/v1/customers",
            { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=a%40b.c" },
          ],
        ];
        for (const [provider, scope, method, path, init] of cases) {
          upstream.reset();
          if (provider === "stripe") await h.connect("stripe");
          const token = await h.operationToken(svc, { provider, scope, intent: "do the task" });
          const res = await h.call(token, method, path, init as never);
          expect(res.status, `${method} ${path} with ${scope}`).toBe(200);
          expect(upstream.received).toHaveLength(1);
        }
      });

      it("answers 409 not_connected after the connection is deleted, forwarding nothing", async () => {
        const token = await h.operationToken(svc, { provider: "openai", scope: "read", intent: "embed the text" });
        await getDb().db.execute(sql`DELETE FROM connections WHERE user_id = ${h.user.id} AND provider = 'openai'`);
        const res = await h.call(token, "POST", "openai/v1/embeddings", { body: "{}" });
        expect(res.status).toBe(409);
        expect((await res.json()).error).toBe("not_connected");
        expect(upstream.received).toHaveLength(0);
        await h.connect("openai");
      });

      it("passes redirects through without following them", async () => {
        upstream.respond((_req, res) => {
          res.writeHead(302, { location: "https://elsewhere.example/x" });
          res.end();
        });
        const res = await h.call(await readToken(), "GET", "github/repos/o/r/tarball");
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe("https://elsewhere.example/x");
        expect(upstream.received).toHaveLength(1);
      });

      it("streams server-sent events as they come", async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        upstream.respond(async (_req, res) => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write("data: first\n\n");
          await gate;
          res.end("data: second\n\n");
        });
        const res = await h.call(
          await h.operationToken(svc, { provider: "openai", scope: "read", intent: "stream a completion" }),
          "POST",
          "openai/v1/chat/completions",
          { body: "{}" },
        );
        const reader = res.body!.getReader();
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
        release();
        let rest = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          rest += new TextDecoder().decode(value);
        }
        expect(rest).toBe("data: second\n\n");
      });

      it("streams a request body to the upstream", async () => {
        const chunks = ["part one,", "part two,", "part three"];
        const body = new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(new TextEncoder().encode(next));
            else controller.close();
          },
        });
        const token = await h.operationToken(svc, { provider: "github", scope: "write", intent: "upload a file" });
        const res = await h.call(token, "POST", "github/repos/o/r/contents", { body });
        expect(res.status).toBe(200);
        expect(upstream.received[0].body.toString()).toBe("part one,part two,part three");
      });

      it("marks the service token and the connection as used", async () => {
        const fresh = await h.createToken({ name: "fresh-agent", grants: { github: ["read"] } });
        const token = await h.operationToken(fresh.token, { provider: "github", scope: "read", intent: "list issues" });
        expect((await h.call(token, "GET", "github/user")).status).toBe(200);
        const rows = await getDb().db.execute(sql`SELECT
        (SELECT last_used_at FROM service_tokens WHERE id = ${fresh.row.id}) AS token_used,
        (SELECT last_used_at FROM connections WHERE user_id = ${h.user.id} AND provider = 'github') AS connection_used`);
        const row = (rows as unknown as { rows: { token_used: unknown; connection_used: unknown }[] }).rows[0];
        expect(row.token_used).not.toBeNull();
        expect(row.connection_used).not.toBeNull();
      });

      it("revocation bites on the very next request", async () => {
        const extra = await h.createToken({ name: "short-lived", grants: { github: ["read"] } });
        const token = await h.operationToken(extra.token, { provider: "github", scope: "read", intent: "list issues" });
        expect((await h.call(token, "GET", "github/user")).status).toBe(200);
        await revokeServiceToken(getDb().db, { id: extra.row.id });
        const res = await h.call(token, "GET", "github/user");
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({
          error: "invalid_token",
          error_description: "The token is missing, malformed, expired or revoked.",
        });
        expect(upstream.received).toHaveLength(1);
        expect((await h.exchange(extra.token, { provider: "github", scope: "read", intent: "x" })).status).toBe(401);
      });

      it("lets a single-use token through exactly once under 20 concurrent uses", async () => {
        const token = await h.operationToken(svc, {
          provider: "github",
          scope: "read",
          intent: "read once",
          single_use: true,
        });
        const results = await Promise.all(Array.from({ length: 20 }, () => h.call(token, "GET", "github/user")));
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(results.filter((r) => r.status === 401)).toHaveLength(19);
        expect(upstream.received).toHaveLength(1);
        const replays = await getDb().db.select().from(auditEvents).where(eq(auditEvents.event, "token_replayed"));
        expect(replays.length).toBeGreaterThanOrEqual(19);
        expect(replays[0].flags).toContain("replay");
      });

      it("keeps one unbroken audit chain under 200 concurrent proxied requests", async () => {
        const token = await readToken();
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => h.call(token, "GET", `github/repos/o/r/issues/${i}`)),
        );
        await Promise.all(results.map((r) => r.arrayBuffer()));
        expect(results.every((r) => r.status === 200)).toBe(true);
        await new Promise((r) => setTimeout(r, 200)); // proxy.response events are written after the body
        const check = await verifyChain(getDb().db, h.user.id);
        expect(check.ok).toBe(true);
        const rows = await getDb()
          .db.select()
          .from(auditEvents)
          .where(eq(auditEvents.chain, h.user.id))
          .orderBy(asc(auditEvents.seq));
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
        expect(rows.filter((r) => r.event === "proxy.request" && r.path?.startsWith("/repos/o/r/issues/")).length).toBe(
          200,
        );
      });

      it("records request and response events with flags for a mismatching intent", async () => {
        const token = await h.operationToken(svc, {
          provider: "github",
          scope: "delete",
          intent: "check todo items on the board",
        });
        const res = await h.call(token, "DELETE", "github/repos/o/r/issues/comments/1?token=abc123");
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100));
        const rows = await getDb()
          .db.select()
          .from(auditEvents)
          .where(eq(auditEvents.path, "/repos/o/r/issues/comments/1"));
        const request = rows.find((r) => r.event === "proxy.request")!;
        const response = rows.find((r) => r.event === "proxy.response")!;
        expect(request).toMatchObject({
          scope: "delete",
          requiredScope: "delete",
          method: "DELETE",
          outcome: "allowed",
          query: "token=[redacted]",
        });
        expect(request.flags).toContain("intent_mismatch");
        expect(request.flagReason).toBeTruthy();
        expect(response).toMatchObject({ status: 200, outcome: "allowed" });
        expect(response.bytesOut).toBeGreaterThan(0);
      });

      it('flags a refused request whose method goes beyond its intent (docs/audit.md#audit-log: a DELETE for "check …")', async () => {
        const token = await h.operationToken(svc, {
          provider: "github",
          scope: "read",
          intent: "check todo items on the board",
        });
        const res = await h.call(token, "DELETE", "github/repos/o/r/issues/comments/77");
        expect(res.status).toBe(403);
        expect(upstream.received).toHaveLength(0);
        const [denied] = await getDb()
          .db.select()
          .from(auditEvents)
          .where(and(eq(auditEvents.path, "/repos/o/r/issues/comments/77"), eq(auditEvents.event, "proxy.denied")));
        expect(denied).toMatchObject({
          outcome: "denied",
          error: "insufficient_scope",
          requiredScope: "delete",
          flags: ["intent_mismatch"],
        });
        expect(denied.flagReason).toBe('Intent "check todo items on the board" reads, but the request deletes.');
        // an honest refusal is not flagged
        const honest = await h.operationToken(svc, {
          provider: "github",
          scope: "read",
          intent: "delete the stale comment",
        });
        expect((await h.call(honest, "DELETE", "github/repos/o/r/issues/comments/78")).status).toBe(403);
        const [plain] = await getDb()
          .db.select()
          .from(auditEvents)
          .where(eq(auditEvents.path, "/repos/o/r/issues/comments/78"));
        expect(plain.flags).toEqual([]);
      });

      it("no audit, no call: a failing audit insert answers 503 and forwards nothing", async () => {
        const token = await readToken();
        await getDb().db.execute(
          sql`ALTER TABLE audit_events ADD CONSTRAINT audit_down CHECK (event <> 'proxy.request') NOT VALID`,
        );
        try {
          const res = await h.call(token, "GET", "github/user");
          expect(res.status).toBe(503);
          expect((await res.json()).error).toBe("audit_unavailable");
          expect(res.headers.get("okoro-error")).toBe("audit_unavailable");
          expect(upstream.received).toHaveLength(0);
        } finally {
          await getDb().db.execute(sql`ALTER TABLE audit_events DROP CONSTRAINT audit_down`);
        }
      });

      it("answers 502 when the provider cannot be reached", async () => {
        const token = await readToken();
        const dead = await createHarness(getDb().db, "http://127.0.0.1:1");
        await dead.connect("github");
        const other = await dead.createToken({ grants: { github: ["read"] } });
        const t = await dead.operationToken(other.token, { provider: "github", scope: "read", intent: "list issues" });
        const res = await dead.call(t, "GET", "github/user");
        expect(res.status).toBe(502);
        expect((await res.json()).error).toBe("upstream_unreachable");
        // restore the main harness's configuration for the tests that follow
        h = await createHarness(getDb().db, upstream.url);
        expect(token).toBeTruthy();
      });
    });

    describe("reflected credentials", () => {
      const REDACTED = "[redacted by okoro]";
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const responseEvent = async (res: Response) => {
        const requestId = res.headers.get("okoro-request-id")!;
        for (let i = 0; i < 50; i++) {
          const [row] = await getDb()
            .db.select()
            .from(auditEvents)
            .where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.event, "proxy.response")));
          if (row) return row;
          await pause(20);
        }
        throw new Error(`no proxy.response for ${requestId}`);
      };
      const expectFlagged = async (res: Response) => {
        const row = await responseEvent(res);
        expect(row.flags).toContain("credential_reflected");
        expect(row.flagReason).toMatch(/echoed the credential okoro injected/);
      };

      it("redacts an echo in a response header and a JSON body, and flags the response", async () => {
        upstream.respond((req, res) => {
          const body = JSON.stringify({ echoed: req.headers, note: "left as it was" });
          res.writeHead(200, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-request-id": `seen ${req.headers.authorization}`,
            link: `<https://x.example/?t=${req.headers.authorization}>`,
          });
          res.end(body);
        });
        const res = await h.call(await readToken(), "GET", "github/repos/o/r/echo");
        const text = await res.text();
        expect(res.status).toBe(200);
        expect(text).not.toContain("CANARYgithub0001");
        expect(JSON.parse(text).echoed.authorization).toBe(`Bearer ${REDACTED}`);
        expect(JSON.parse(text).note).toBe("left as it was");
        expect(res.headers.get("x-request-id")).toBe(`seen Bearer ${REDACTED}`);
        expect(res.headers.get("link")).toBe(`<https://x.example/?t=Bearer ${REDACTED}>`);
        // the redaction changed the length: the upstream's Content-Length would be a lie
        expect(res.headers.get("content-length")).toBeNull();
        await expectFlagged(res);
      });

      it("redacts a secret that straddles two chunks", async () => {
        upstream.respond(async (_req, res) => {
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("the token is CANARYgit");
          await pause(50);
          res.end("hub0001, keep it safe");
        });
        const res = await h.call(await readToken(), "GET", "github/repos/o/r/split");
        expect(await res.text()).toBe(`the token is ${REDACTED}, keep it safe`);
        await expectFlagged(res);
      });

      it("redacts percent-encoded and JSON-escaped echoes of a secret with reserved characters", async () => {
        const secret = "xoxb-CANARY/slack+0001=";
        await h.connect("slack", { access_token: secret });
        try {
          upstream.respond((req, res) => {
            const token = String(req.headers.authorization).slice("Bearer ".length);
            res.writeHead(400, {
              "content-type": "application/json",
              location: `https://x.example/?token=${encodeURIComponent(token)}`,
            });
            const json = JSON.stringify({
              error: `bad token ${encodeURIComponent(token)}`,
              lower: encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
              php: token,
            });
            // PHP's json_encode escapes slashes: xoxb-CANARY\/slack…
            res.end(json.replace(/\//g, "\\/"));
          });
          const res = await h.call(await readToken("slack"), "GET", "slack/conversations.list");
          const text = await res.text();
          expect(res.status).toBe(400);
          expect(text).not.toContain(encodeURIComponent(secret));
          expect(text).not.toContain("%2fslack%2b");
          expect(text).not.toContain("CANARY");
          expect(JSON.parse(text)).toEqual({ error: `bad token ${REDACTED}`, lower: REDACTED, php: REDACTED });
          expect(res.headers.get("location")).toBe(`https://x.example/?token=${REDACTED}`);
          await expectFlagged(res);
        } finally {
          await h.connect("slack");
        }
      });

      it("redacts Trello's token and the request's signature, in the header's percent-encoded form too", async () => {
        upstream.respond((req, res) => {
          const auth = String(req.headers.authorization);
          const signature = decodeURIComponent(/oauth_signature="([^"]*)"/.exec(auth)![1]);
          res.writeHead(401, { "content-type": "text/plain" });
          res.end(`invalid signature ${signature} in ${auth}`);
        });
        const token = await h.operationToken(svc, { provider: "trello", scope: "read", intent: "list the cards" });
        const res = await h.call(token, "GET", "trello/1/members/me/boards");
        const text = await res.text();
        expect(text).not.toContain("CANARYtrellotoken0001");
        expect(text).toMatch(/^invalid signature \[redacted by okoro\] in OAuth /);
        expect(text).toContain(`oauth_token="${REDACTED}"`);
        expect(text).toContain(`oauth_signature="${REDACTED}"`);
        expect(text).toContain(`oauth_consumer_key="${TRELLO_CONSUMER.key}"`);
        await expectFlagged(res);
      });

      it("redacts an echo in server-sent events without holding any event back", async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        upstream.respond(async (req, res) => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(`data: {"auth":"${req.headers.authorization}"}\n\n`);
          await gate;
          res.write("data: CANARYop");
          await pause(30);
          res.end("enai0001 second\n\n");
        });
        const res = await h.call(
          await h.operationToken(svc, { provider: "openai", scope: "read", intent: "stream a completion" }),
          "POST",
          "openai/v1/chat/completions",
          { body: "{}" },
        );
        const reader = res.body!.getReader();
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toBe(`data: {"auth":"Bearer ${REDACTED}"}\n\n`);
        release();
        let rest = "";
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          rest += new TextDecoder().decode(value);
        }
        expect(rest).toBe(`data: ${REDACTED} second\n\n`);
        await expectFlagged(res);
      });

      it("leaves an answer without an echo alone and unflagged, and asks for an uncompressed answer", async () => {
        const res = await h.call(await readToken(), "GET", "github/repos/o/r/plain");
        expect(await res.json()).toEqual({ ok: true, method: "GET", url: "/github/repos/o/r/plain" });
        expect(upstream.received[0].headers["accept-encoding"]).toBe("identity");
        expect((await responseEvent(res)).flags).not.toContain("credential_reflected");
        // an agent that asks for compression gets it, as it asked
        await (
          await h.call(await readToken(), "GET", "github/repos/o/r/plain", { headers: { "accept-encoding": "gzip" } })
        ).arrayBuffer();
        expect(upstream.received[1].headers["accept-encoding"]).toBe("gzip");
      });

      it("marks every answer on /p/, the provider's and okoro's own, nosniff and sandboxed", async () => {
        const ok = await h.call(await readToken(), "GET", "github/user");
        await ok.arrayBuffer();
        const refused = await h.call(null, "GET", "github/user");
        await refused.arrayBuffer();
        for (const res of [ok, refused]) {
          expect(res.headers.get("x-content-type-options")).toBe("nosniff");
          expect(res.headers.get("content-security-policy")).toBe("sandbox");
        }
        expect(refused.status).toBe(401);
      });
    });

    describe("operation token attacks", () => {
      async function validParts() {
        const token = await readToken();
        const [header, payload, signature] = token.split(".");
        return { token, header, payload, signature, claims: JSON.parse(Buffer.from(payload, "base64url").toString()) };
      }
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

      it("refuses every forgery with one identical 401 and no upstream call", async () => {
        const { header, payload, signature, claims } = await validParts();
        const kid = JSON.parse(Buffer.from(header, "base64url").toString()).kid;
        const jwks = await (await import("@/lib/tokens/signing-keys")).publishedKeys(getDb().db);
        const publicX = jwks.keys[0].x;
        const attacker = await generateKeyPair("EdDSA", { crv: "Ed25519" });
        const attackerJwk = await exportJWK(attacker.publicKey);
        const hs = createHmac("sha256", Buffer.from(JSON.stringify(jwks.keys[0])))
          .update(`${b64({ alg: "HS256", typ: "op+jwt", kid })}.${payload}`)
          .digest("base64url");
        const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
        const forged = (extraHeader: Record<string, unknown>, claimsOverride: Record<string, unknown> = {}) =>
          new SignJWT({ ...claims, ...claimsOverride })
            .setProtectedHeader({ alg: "EdDSA", typ: "op+jwt", ...extraHeader })
            .sign(attacker.privateKey);
        const { privateKey: rsa } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        void rsa;
        const attacks: Record<string, string> = {
          alg_none: `${b64({ alg: "none", typ: "op+jwt", kid })}.${payload}.`,
          hs256_with_public_key: `${b64({ alg: "HS256", typ: "op+jwt", kid })}.${payload}.${hs}`,
          tampered_payload: `${header}.${b64({ ...claims, scope: "all" })}.${signature}`,
          flipped_signature: `${header}.${payload}.${flipped}`,
          kid_injection: await forged({ kid: "../../../../dev/null" }),
          kid_sql: await forged({ kid: "' OR 1=1 --" }),
          attacker_key_same_kid: await forged({ kid }),
          jku_header: await forged({ kid, jku: "https://evil.example/jwks.json" }),
          jwk_header: await forged({ kid, jwk: attackerJwk }),
          expired: await forged({ kid }, { exp: Math.floor(Date.now() / 1000) - 60 }),
          wrong_aud: `${header}.${b64({ ...claims, aud: `${OKORO_URL}/p/slack` })}.${signature}`,
        };
        expect(publicX).toBeTruthy();
        await importJWK(attackerJwk, "EdDSA");
        const bodies = new Set<string>();
        for (const [name, forgedToken] of Object.entries(attacks)) {
          const res = await h.call(forgedToken, "GET", "github/user");
          expect(res.status, name).toBe(401);
          bodies.add(await res.text());
        }
        expect(bodies.size).toBe(1);
        expect(upstream.received).toHaveLength(0);
        const denied = await getDb().db.select().from(auditEvents).where(eq(auditEvents.error, "invalid_token"));
        expect(denied.some((r) => r.event === "proxy.denied" && r.reason && r.reason !== "invalid")).toBe(true);
      });
    });

    describe("canary", () => {
      it("never lets a credential, service token or operation token into responses or the audit log", async () => {
        const responses: string[] = [];
        const opTokens: string[] = [];
        // the upstream answers without echoing: anything secret in a response came from okoro
        upstream.respond((_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "x-request-id": "up-1" });
          res.end(JSON.stringify({ ok: true }));
        });
        for (const provider of ["github", "trello", "anthropic", "slack", "notion"]) {
          const scope = provider === "trello" ? "delete" : "read";
          const ex = await h.exchange(svc, { provider, scope, intent: "canary run" });
          const exBody = await ex.text();
          opTokens.push(JSON.parse(exBody).access_token);
          const res = await h.call(
            JSON.parse(exBody).access_token,
            provider === "trello" ? "PUT" : "GET",
            provider === "trello" ? "trello/1/cards/c?closed=true" : `${provider}/x?api_key=${svc}`,
          );
          responses.push(await res.text(), JSON.stringify([...res.headers]));
        }
        responses.push(await (await h.exchange(svc, { provider: "slack", scope: "delete", intent: "canary" })).text());
        const audit = JSON.stringify(await getDb().db.select().from(auditEvents));
        const haystack = responses.join("\n") + audit;
        for (const credential of Object.values(CANARY))
          for (const v of Object.values(credential)) if (typeof v === "string") expect(haystack).not.toContain(v);
        expect(haystack).not.toContain(TRELLO_CONSUMER.secret);
        expect(haystack).not.toContain(svc);
        expect(haystack).not.toMatch(/svc_[0-9A-Za-z]{38}/);
        for (const t of opTokens) expect(haystack).not.toContain(t);
      });
    });

    it(`runs on ${driver}`, () => expect(driver).toBeTruthy());
  });
