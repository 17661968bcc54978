// The approval story end to end, through the same functions the routes call (a Request
// in, a Response out): an agent asks, polls, a person decides, the agent collects its
// operation token exactly once and uses it through the proxy. On every database driver.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, eq, sql } from "drizzle-orm";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { approvals, auditEvents, serviceTokens } from "@/db/schema";
import { deleteConnection } from "@/lib/connect/connections";
import { countPendingApprovals, listApprovals, MAX_PENDING_PER_TOKEN } from "@/db/queries/approvals";
import { addGrant, revokeServiceToken } from "@/lib/tokens/service-tokens";
import { decideApproval, type Decision } from "@/lib/approvals/decide";
import { createApprovalGate } from "@/lib/approvals/gate";
import { listRecentDeliveries } from "@/db/queries/notifications";
import { setChannel } from "@/lib/notify/channels";
import { handleApprovalPoll } from "@/lib/approvals/poll";
import { verifyWebhookSignature, webhookSecret, WEBHOOK_SIGNATURE_HEADER } from "@/lib/approvals/webhook";
import { verifyChain } from "@/lib/audit/verify";
import { handleExchange } from "@/lib/exchange";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

type Json = Record<string, unknown>;

describeDatabases("approvals", (getDb, driver) => {
  let h: Harness;
  /** work the gate deferred (the webhook), so tests can wait for it */
  const deferred: Promise<unknown>[] = [];
  const gate = createApprovalGate({ defer: (task) => void deferred.push(task()) });
  const db = () => getDb().db;
  const ctx = () => ({ db: db(), url: OKORO_URL, ip: "127.0.0.1", userAgent: "vitest" });

  const exchange = async (svc: string | null, body: Json) => {
    const res = await handleExchange(
      new Request(`${OKORO_URL}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(svc ? { authorization: `Bearer ${svc}` } : {}) },
        body: JSON.stringify(body),
      }),
      ctx(),
      gate,
    );
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  const poll = async (svc: string | null, id: string) => {
    const res = await handleApprovalPoll(
      new Request(`${OKORO_URL}/api/token/approvals/${id}`, { headers: svc ? { authorization: `Bearer ${svc}` } : {} }),
      ctx(),
      id,
    );
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  /** Asks and returns the approval id, failing unless the answer is 202. */
  const ask = async (svc: string, body: Json) => {
    const res = await exchange(svc, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.approval_id as string;
  };

  const decide = (id: string, decision: Decision, userId = h.user.id) =>
    decideApproval(db(), { id, decision, userId, ip: "127.0.0.1", userAgent: "vitest" });

  const row = async (id: string) => (await db().select().from(approvals).where(eq(approvals.id, id)))[0];
  const events = async (requestId: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.requestId, requestId)).orderBy(asc(auditEvents.seq));
  const expire = (id: string) =>
    db().update(approvals).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(approvals.id, id));
  const grantsOf = async (tokenId: string) =>
    (await db().select().from(serviceTokens).where(eq(serviceTokens.id, tokenId)))[0].grants;

  // research-agent: trello read + delete, with delete needing a person every time
  let svc: string;
  let tokenId: string;

  beforeAll(async () => {
    h = await createHarness(db(), upstream.url);
    await h.connect("trello");
    await h.connect("github");
    const created = await h.createToken({
      name: "research-agent",
      grants: { trello: ["read", "delete"], github: ["read"] },
      approvalScopes: ["delete"],
    });
    svc = created.token;
    tokenId = created.row.id;
  });

  describe("asking (approval_scopes)", () => {
    it("stores the agent's intent and reason as text a person can read: no control, bidi or broken characters", async () => {
      const id = await ask(svc, {
        provider: "trello",
        scope: "delete",
        intent: "\u202eclean\u202c up \u0000cards \ud800",
        reason: "because \u0000 of \u2066this\u2069 \udc00",
      });
      const stored = await row(id);
      expect(stored.intent).toBe("clean up cards \ufffd");
      expect(stored.reason).toBe("because  of this \ufffd");
      const [requested] = await events(id);
      expect(requested).toMatchObject({ event: "approval.requested", intent: stored.intent, reason: stored.reason });
    });

    it("answers 202 with where to look and where to poll, files the request and audits it", async () => {
      const res = await exchange(svc, {
        provider: "trello",
        scope: "delete",
        intent: "clean up archived cards",
        ttl: 120,
        single_use: true,
      });
      expect(res.status).toBe(202);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const id = res.body.approval_id as string;
      expect(id).toMatch(/^apr_[0-9A-Za-z]{22}$/);
      expect(res.body).toEqual({
        status: "pending",
        approval_id: id,
        approval_url: `${OKORO_URL}/dashboard/approvals/${id}`,
        poll_url: `${OKORO_URL}/api/token/approvals/${id}`,
        interval: 2,
        expires_in: 900,
      });
      const r = await row(id);
      expect(r).toMatchObject({
        userId: h.user.id,
        serviceTokenId: tokenId,
        provider: "trello",
        scope: "delete",
        intent: "clean up archived cards",
        ttl: 120,
        singleUse: true,
        beyondGrant: false,
        status: "pending",
        remember: false,
        decidedAt: null,
      });
      expect(Math.round((r.expiresAt.getTime() - r.createdAt.getTime()) / 1000)).toBe(900);
      const [requested] = await events(id);
      expect(requested).toMatchObject({
        event: "approval.requested",
        userId: h.user.id,
        agent: "research-agent",
        serviceTokenId: tokenId,
        provider: "trello",
        scope: "delete",
        intent: "clean up archived cards",
        status: 202,
      });
    });

    it("asks for a scope in approval_scopes even when it is not granted (beyond the grant)", async () => {
      const t = await h.createToken({
        name: "cautious-agent",
        grants: { trello: ["read"] },
        approvalScopes: ["update"],
      });
      const id = await ask(t.token, { provider: "trello", scope: "update", intent: "rename a list" });
      expect(await row(id)).toMatchObject({ beyondGrant: true, scope: "update" });
      // remembering adds it to the grant, but approval_scopes still asks every time
      await decide(id, "approve_remember");
      expect((await grantsOf(t.row.id)).trello).toEqual(["read", "update"]);
      expect((await poll(t.token, id)).status).toBe(200);
      expect((await exchange(t.token, { provider: "trello", scope: "update", intent: "rename a list" })).status).toBe(
        202,
      );
      // neither granted, nor in approval_scopes, nor asked for: refused
      expect(
        (await exchange(t.token, { provider: "trello", scope: "delete", intent: "delete a list" })).body.error,
      ).toBe("scope_not_granted");
    });

    it("does not ask for scopes outside approval_scopes", async () => {
      const res = await exchange(svc, { provider: "trello", scope: "read", intent: "list cards" });
      expect(res.status).toBe(200);
      expect(res.body.access_token).toBeTypeOf("string");
    });

    it("keeps the checks that come first: bad token 401, unknown provider 404, reason_required 400", async () => {
      expect(
        (await exchange("svc_" + "0".repeat(38), { provider: "trello", scope: "delete", intent: "x" })).status,
      ).toBe(401);
      expect(
        (await exchange(svc, { provider: "nope", scope: "delete", intent: "x", request_approval: true })).body.error,
      ).toBe("unknown_provider");
      const all = await exchange(svc, {
        provider: "trello",
        scope: "all",
        intent: "everything",
        request_approval: true,
      });
      expect(all.status).toBe(400);
      expect(all.body.error).toBe("reason_required");
    });

    it("polls 202 while pending, with the time left", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      const res = await poll(svc, id);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: "pending",
        approval_id: id,
        poll_url: `${OKORO_URL}/api/token/approvals/${id}`,
        interval: 2,
      });
      expect(res.body.expires_in).toBeGreaterThan(890);
      expect(res.body.expires_in).toBeLessThanOrEqual(900);
    });
  });

  describe("approve once", () => {
    it("hands the operation token out exactly once, minted at hand-out, and it works through the proxy", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards", ttl: 120 });
      const decided = await decide(id, "approve");
      expect(decided).toMatchObject({ status: "approved", remember: false, agent: "research-agent" });
      expect((await row(id)).decidedAt).toBeInstanceOf(Date);

      const before = Math.floor(Date.now() / 1000);
      const res = await poll(svc, id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        token_type: "Bearer",
        expires_in: 120,
        issued_token_type: "urn:ietf:params:oauth:token-type:jwt",
        provider: "trello",
        scope: "delete",
        proxy_url: `${OKORO_URL}/p/trello`,
      });
      const claims = decodeJwt(res.body.access_token as string);
      expect(claims).toMatchObject({
        scope: "delete",
        provider: "trello",
        agent: "research-agent",
        intent: "clean up archived cards",
        sub: tokenId,
      });
      expect(claims.iat).toBeGreaterThanOrEqual(before - 1); // the TTL starts at hand-out
      expect(claims.exp! - claims.iat!).toBe(120);
      expect(res.body.jti).toBe(claims.jti);

      const used = await poll(svc, id);
      expect(used.status).toBe(410);
      expect(used.body.error).toBe("approval_used");
      expect((await row(id)).status).toBe("used");

      const call = await h.call(res.body.access_token as string, "DELETE", "trello/1/cards/abc123");
      expect(call.status).toBe(200);
      await call.arrayBuffer();
      expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual(["DELETE /trello/1/cards/abc123"]);

      const trail = await events(id);
      expect(trail.map((e) => e.event)).toEqual(["approval.requested", "approval.approved"]);
      expect(trail[1]).toMatchObject({
        outcome: "allowed",
        agent: "research-agent",
        scope: "delete",
        reason: "Approved once (by the account holder, on the dashboard)",
        ip: "127.0.0.1",
      });
      const issued = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.event, "token.issued"), eq(auditEvents.jti, claims.jti!)));
      expect(issued).toHaveLength(1);
      expect(issued[0]).toMatchObject({ scope: "delete", provider: "trello", outcome: "allowed" });
      const requests = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.event, "proxy.request"), eq(auditEvents.jti, claims.jti!)));
      expect(requests).toHaveLength(1);
    });

    it("keeps single_use through the approval", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "delete one card", single_use: true });
      await decide(id, "approve");
      const res = await poll(svc, id);
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token as string).once).toBe(true);
    });

    it("gives the token to exactly one of many concurrent polls", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await decide(id, "approve");
      const results = await Promise.all(Array.from({ length: 12 }, () => poll(svc, id)));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 410).every((r) => r.body.error === "approval_used")).toBe(true);
      expect(results.filter((r) => r.status === 410)).toHaveLength(11);
      const issued = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.event, "token.issued"), eq(auditEvents.jti, ok[0].body.jti as string)));
      expect(issued).toHaveLength(1);
    });

    it("refuses a second decision and a foreign decider", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      const other = await createHarness(db(), upstream.url);
      await expect(decide(id, "approve", other.user.id)).rejects.toMatchObject({ code: "not_found" });
      await decide(id, "approve");
      await expect(decide(id, "deny")).rejects.toMatchObject({ code: "conflict" });
      expect((await row(id)).status).toBe("approved");
    });

    it("lets exactly one of two racing decisions win", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      const results = await Promise.allSettled([decide(id, "approve"), decide(id, "deny"), decide(id, "approve")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const trail = await events(id);
      expect(trail.filter((e) => e.event === "approval.approved" || e.event === "approval.denied")).toHaveLength(1);
    });
  });

  describe("deny", () => {
    it("answers 403 approval_denied on every poll and audits the decision", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "delete the whole board" });
      const decided = await decide(id, "deny");
      expect(decided.status).toBe("denied");
      for (let i = 0; i < 2; i++) {
        const res = await poll(svc, id);
        expect(res.status).toBe(403);
        expect(res.body.error).toBe("approval_denied");
        expect(res.body.error_description).toBeTypeOf("string");
      }
      const trail = await events(id);
      expect(trail.map((e) => e.event)).toEqual(["approval.requested", "approval.denied"]);
      expect(trail[1]).toMatchObject({ outcome: "denied", error: "approval_denied" });
    });
  });

  describe("expiry", () => {
    it("answers 410 approval_expired past the window, marks the row and refuses a late decision", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await expire(id);
      const res = await poll(svc, id);
      expect(res.status).toBe(410);
      expect(res.body.error).toBe("approval_expired");
      expect((await row(id)).status).toBe("expired");
      await expect(decide(id, "approve")).rejects.toMatchObject({ code: "approval_expired" });
      expect((await poll(svc, id)).body.error).toBe("approval_expired");
    });

    it("refuses to decide a lapsed request that nobody has polled", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await expire(id);
      await expect(decide(id, "deny")).rejects.toMatchObject({ code: "approval_expired", status: 410 });
      expect((await row(id)).status).toBe("expired");
    });

    it("expires an approved token that was never collected", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await decide(id, "approve");
      await expire(id);
      const res = await poll(svc, id);
      expect(res.status).toBe(410);
      expect(res.body.error).toBe("approval_expired");
    });

    it("leaves a late approval a minute to collect", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await db().update(approvals).set({ expiresAt: sql`now() + interval '2 seconds'` }).where(eq(approvals.id, id));
      await decide(id, "approve");
      const r = await row(id);
      expect(r.expiresAt.getTime() - r.decidedAt!.getTime()).toBeGreaterThanOrEqual(59_000);
    });
  });

  describe("who may poll", () => {
    it("404 for another user's token and for another token of the same user; 401 for a bad token", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      const sibling = await h.createToken({ name: "other-agent", grants: { trello: ["read"] } });
      const stranger = await createHarness(db(), upstream.url);
      const strangerToken = await stranger.createToken({ name: "research-agent", grants: { trello: ["delete"] } });
      for (const foreign of [sibling.token, strangerToken.token]) {
        const res = await poll(foreign, id);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe("not_found");
      }
      // the same 404 for an id that does not exist or is not an id at all
      expect((await poll(svc, "apr_" + "x".repeat(22))).status).toBe(404);
      expect((await poll(svc, "../../etc")).status).toBe(404);
      for (const bad of [null, "svc_" + "0".repeat(38), "not-a-token"]) {
        const res = await poll(bad, id);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe("invalid_token");
      }
      // nothing leaked: the request is still pending for its owner
      expect((await poll(svc, id)).status).toBe(202);
    });

    it("a revoked token cannot collect what was approved for it", async () => {
      const t = await h.createToken({
        name: "short-lived",
        grants: { trello: ["delete"] },
        approvalScopes: ["delete"],
      });
      const id = await ask(t.token, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await decide(id, "approve");
      await revokeServiceToken(db(), { id: t.row.id });
      expect((await poll(t.token, id)).status).toBe(401);
      const id2 = (await row(id)).id;
      expect((await row(id2)).status).toBe("approved"); // nothing was handed out
    });

    it("cannot approve for a revoked token, but can deny", async () => {
      const t = await h.createToken({
        name: "revoked-agent",
        grants: { trello: ["delete"] },
        approvalScopes: ["delete"],
      });
      const a = await ask(t.token, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      const b = await ask(t.token, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await revokeServiceToken(db(), { id: t.row.id });
      await expect(decide(a, "approve")).rejects.toMatchObject({ code: "conflict" });
      expect((await decide(b, "deny")).status).toBe("denied");
    });
  });

  describe("request_approval beyond the grant", () => {
    it("stays 403 without request_approval; 202 with it; approve and remember grants it for next time", async () => {
      const t = await h.createToken({ name: "github-agent", grants: { github: ["read"] } });
      const refused = await exchange(t.token, {
        provider: "github",
        scope: "write",
        intent: "open an issue for the bug",
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe("scope_not_granted");

      const id = await ask(t.token, {
        provider: "github",
        scope: "write",
        intent: "open an issue for the bug",
        request_approval: true,
      });
      expect(await row(id)).toMatchObject({ beyondGrant: true, scope: "write", provider: "github" });

      const decided = await decide(id, "approve_remember");
      expect(decided).toMatchObject({ status: "approved", remember: true });
      expect((await grantsOf(t.row.id)).github).toEqual(["read", "write"]);

      const res = await poll(t.token, id);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe("write");
      const call = await h.call(res.body.access_token as string, "POST", "github/repos/o/r/issues", {
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(call.status).toBe(200);
      await call.arrayBuffer();

      // remembered: the next exchange is granted straight away, no person asked
      const direct = await exchange(t.token, {
        provider: "github",
        scope: "write",
        intent: "open another issue",
        request_approval: true,
      });
      expect(direct.status).toBe(200);
      expect(direct.body.scope).toBe("write");

      const trail = await events(id);
      expect(trail.map((e) => e.event)).toEqual(["approval.requested", "approval.approved"]);
      expect(trail[1].reason).toBe(
        "Approved and remembered: write on github added to the grant (by the account holder, on the dashboard)",
      );
    });

    it("approve once does not change the grant", async () => {
      const t = await h.createToken({ name: "once-agent", grants: { github: ["read"] } });
      const id = await ask(t.token, {
        provider: "github",
        scope: "delete",
        intent: "delete a stale branch",
        request_approval: true,
      });
      await decide(id, "approve");
      expect((await poll(t.token, id)).status).toBe(200);
      expect((await grantsOf(t.row.id)).github).toEqual(["read"]);
      expect(
        (await exchange(t.token, { provider: "github", scope: "delete", intent: "delete a stale branch" })).status,
      ).toBe(403);
    });

    it("remembers a provider the token had no grant for at all, and scope all with its reason", async () => {
      const t = await h.createToken({ name: "all-agent", grants: { github: ["read"] } });
      const id = await ask(t.token, {
        provider: "trello",
        scope: "all",
        intent: "reorganise the board",
        reason: "moves, renames and archives in one pass",
        request_approval: true,
        ttl: 600,
      });
      const r = await row(id);
      expect(r).toMatchObject({ reason: "moves, renames and archives in one pass", ttl: 60, beyondGrant: true });
      const [requested] = await events(id);
      expect(requested.flags).toContain("all_scope");
      await decide(id, "approve_remember");
      expect(await grantsOf(t.row.id)).toEqual({ github: ["read"], trello: ["all"] });
      const res = await poll(t.token, id);
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(60);
      expect(decodeJwt(res.body.access_token as string).reason).toBe("moves, renames and archives in one pass");
    });

    it("refuses 'remember' for a scope the token already has (approval_scopes asks every time)", async () => {
      const id = await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
      await expect(decide(id, "approve_remember")).rejects.toMatchObject({ code: "invalid_request" });
      expect((await row(id)).status).toBe("pending");
    });

    it("adds grants atomically when several are remembered at once", async () => {
      const t = await h.createToken({ name: "grant-race", grants: { github: ["read"] } });
      await Promise.all(
        (["write", "update", "delete"] as const).map((scope) =>
          addGrant(db(), { id: t.row.id, provider: "github", scope }),
        ),
      );
      await addGrant(db(), { id: t.row.id, provider: "github", scope: "write" }); // idempotent
      expect([...(await grantsOf(t.row.id)).github].sort()).toEqual(["delete", "read", "update", "write"]);
      await expect(addGrant(db(), { id: "tok_missing", provider: "github", scope: "read" })).rejects.toMatchObject({
        code: "not_found",
      });
    });
  });

  describe("connections", () => {
    it("answers 409 not_connected before asking anyone", async () => {
      const t = await h.createToken({ name: "slack-agent", grants: { github: ["read"] } });
      const res = await exchange(t.token, {
        provider: "slack",
        scope: "read",
        intent: "read the channel",
        request_approval: true,
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe("not_connected");
      expect(await db().select().from(approvals).where(eq(approvals.serviceTokenId, t.row.id))).toHaveLength(0);
      const [denied] = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.serviceTokenId, t.row.id), eq(auditEvents.event, "token.denied")));
      expect(denied).toMatchObject({ error: "not_connected", status: 409 });
    });

    it("re-checks the connection at hand-out and keeps the approval for after a reconnect", async () => {
      await h.connect("notion");
      const t = await h.createToken({ name: "notion-agent", grants: { notion: ["read"] } });
      const id = await ask(t.token, {
        provider: "notion",
        scope: "update",
        intent: "rename the page",
        request_approval: true,
      });
      await decide(id, "approve");
      await deleteConnection({ db: db(), userId: h.user.id, provider: "notion" });
      const res = await poll(t.token, id);
      expect(res.status).toBe(409);
      expect(res.body.error).toBe("not_connected");
      expect((await row(id)).status).toBe("approved");
      await h.connect("notion");
      expect((await poll(t.token, id)).status).toBe(200);
    });
  });

  describe("flood control", () => {
    it(`caps pending requests at ${MAX_PENDING_PER_TOKEN} per token with 429 and Retry-After, exactly under concurrency`, async () => {
      const t = await h.createToken({ name: "noisy-agent", grants: { trello: ["read"] } });
      const results = await Promise.all(
        Array.from({ length: MAX_PENDING_PER_TOKEN + 5 }, (_, i) =>
          exchange(t.token, {
            provider: "trello",
            scope: "delete",
            intent: `delete card ${i}`,
            request_approval: true,
          }),
        ),
      );
      expect(results.filter((r) => r.status === 202)).toHaveLength(MAX_PENDING_PER_TOKEN);
      const limited = results.filter((r) => r.status === 429);
      expect(limited).toHaveLength(5);
      expect(limited[0].body.error).toBe("rate_limited");
      expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThan(800);
      expect(await db().select().from(approvals).where(eq(approvals.serviceTokenId, t.row.id))).toHaveLength(
        MAX_PENDING_PER_TOKEN,
      );
      const denied = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.serviceTokenId, t.row.id), eq(auditEvents.event, "token.denied")));
      expect(denied.filter((e) => e.error === "rate_limited")).toHaveLength(5);

      // deciding one frees a place; expired ones do not count either
      const first = results.find((r) => r.status === 202)!.body.approval_id as string;
      await decide(first, "deny");
      expect(
        (await exchange(t.token, { provider: "trello", scope: "delete", intent: "one more", request_approval: true }))
          .status,
      ).toBe(202);
      expect(
        (
          await exchange(t.token, {
            provider: "trello",
            scope: "delete",
            intent: "and another",
            request_approval: true,
          })
        ).status,
      ).toBe(429);
      await db()
        .update(approvals)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(approvals.serviceTokenId, t.row.id));
      expect(
        (
          await exchange(t.token, {
            provider: "trello",
            scope: "delete",
            intent: "after the flood",
            request_approval: true,
          })
        ).status,
      ).toBe(202);
    });
  });

  describe("listing", () => {
    it("counts and lists pending requests first", async () => {
      const other = await createHarness(db(), upstream.url);
      await other.connect("trello");
      const t = await other.createToken({ name: "lister", grants: { trello: ["read"] } });
      const a = await ask(t.token, { provider: "trello", scope: "delete", intent: "first", request_approval: true });
      const b = await ask(t.token, { provider: "trello", scope: "write", intent: "second", request_approval: true });
      const c = await ask(t.token, { provider: "trello", scope: "update", intent: "third", request_approval: true });
      await decideApproval(db(), { id: b, decision: "deny", userId: other.user.id });
      await expire(c);
      expect(await countPendingApprovals(db(), { userId: other.user.id })).toBe(1);
      const list = await listApprovals(db(), { userId: other.user.id });
      expect(list.map((x) => x.id)).toEqual([a, c, b]);
      expect(list.map((x) => x.agent)).toEqual(["lister", "lister", "lister"]);
      expect(list[1].lapsed).toBe(true);
    });
  });

  describe("webhook", () => {
    it("POSTs a signed description of each new request to the user's URL without delaying the 202", async () => {
      const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
      const server = http.createServer(async (req, res) => {
        let body = "";
        for await (const c of req) body += c;
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      try {
        const hook = await createHarness(db(), upstream.url);
        await hook.connect("trello");
        const port = (server.address() as AddressInfo).port;
        await setChannel(db(), {
          userId: hook.user.id,
          kind: "webhook",
          url: `http://127.0.0.1:${port}/hooks/okoro?secret=s3`,
          masterKeys: hook.env.masterKeys,
          rules: { privateNetwork: true },
        });
        const t = await hook.createToken({ name: "hooked-agent", grants: { trello: ["read"] } });
        deferred.length = 0;
        const id = await ask(t.token, {
          provider: "trello",
          scope: "delete",
          intent: "clean up archived cards",
          request_approval: true,
        });
        await Promise.all(deferred);
        expect(received).toHaveLength(1);
        const [{ headers, body }] = received;
        expect(headers["content-type"]).toBe("application/json");
        const secret = webhookSecret(hook.env.authSecret, hook.user.id);
        expect(verifyWebhookSignature(secret, headers[WEBHOOK_SIGNATURE_HEADER] as string, body)).toBe(true);
        expect(
          verifyWebhookSignature(secret, headers[WEBHOOK_SIGNATURE_HEADER] as string, body.replace("delete", "read")),
        ).toBe(false);
        expect(
          verifyWebhookSignature(
            webhookSecret(hook.env.authSecret, h.user.id),
            headers[WEBHOOK_SIGNATURE_HEADER] as string,
            body,
          ),
        ).toBe(false);
        const json = JSON.parse(body);
        expect(json).toMatchObject({
          type: "approval.requested",
          text: `hooked-agent wants to delete on Trello: “clean up archived cards” — ${OKORO_URL}/dashboard/approvals/${id}`,
          approval: {
            id,
            agent: "hooked-agent",
            provider: "trello",
            provider_name: "Trello",
            scope: "delete",
            intent: "clean up archived cards",
            beyond_grant: true,
            approval_url: `${OKORO_URL}/dashboard/approvals/${id}`,
          },
        });
        expect(body).not.toContain(t.token);

        // a user without a webhook: nothing is sent
        deferred.length = 0;
        await ask(svc, { provider: "trello", scope: "delete", intent: "clean up archived cards" });
        await Promise.all(deferred);
        expect(received).toHaveLength(1);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    });

    it("never fails the 202 when the webhook is unreachable", async () => {
      const hook = await createHarness(db(), upstream.url);
      await hook.connect("trello");
      await setChannel(db(), {
        userId: hook.user.id,
        kind: "webhook",
        url: "http://127.0.0.1:9/unreachable",
        masterKeys: hook.env.masterKeys,
        rules: { privateNetwork: true },
      });
      const t = await hook.createToken({ name: "hooked-agent", grants: { trello: ["read"] } });
      deferred.length = 0;
      await ask(t.token, { provider: "trello", scope: "delete", intent: "clean up", request_approval: true });
      await Promise.all(deferred);
      // recorded as a short reason to retry later, never the URL (its path and query can be a secret)
      const [delivery] = await listRecentDeliveries(db(), hook.user.id, 1);
      expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastError: "could not connect" });
      expect(JSON.stringify(delivery)).not.toContain("unreachable");
    });
  });

  it(`keeps every audit chain intact [${driver}]`, async () => {
    const check = await verifyChain(db(), h.user.id);
    expect(check.ok).toBe(true);
  });
});
