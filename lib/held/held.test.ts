// Held requests end to end (docs/agent-api.md#held-requests), through the functions the
// routes call: the agent's request is held (202), a person decides, okoro sends the stored
// bytes exactly once, the agent's poll gets the upstream's answer once. On every driver.
import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { approvals, auditEvents, heldRequests } from "@/db/schema";
import { recordDecision } from "@/db/queries/approvals";
import { setUserStatus } from "@/db/queries/users";
import { decideApproval, type Decision } from "@/lib/approvals/decide";
import { handleApprovalPoll } from "@/lib/approvals/poll";
import { verifyChain } from "@/lib/audit/verify";
import { deleteConnection } from "@/lib/connect/connections";
import { recoverHeld } from "@/lib/held/execute";
import { handleHeldPoll } from "@/lib/held/poll";
import { describeDatabases } from "@/test/databases";
import { CANARY, createHarness, OKORO_URL, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

type Json = Record<string, unknown>;

describeDatabases("held requests", (getDb) => {
  let h: Harness;
  const db = () => getDb().db;
  let svc: string;
  let tokenId: string;
  let other: string;

  beforeAll(async () => {
    // a short upstream timeout, for the case where the provider never answers
    h = await createHarness(db(), upstream.url, { OKORO_UPSTREAM_TIMEOUT_MS: "800" });
    await h.connect("github");
    await h.connect("trello");
    const created = await h.createToken({
      name: "cleanup-agent",
      grants: { github: ["read", "write", "delete", "all"], trello: ["delete"] },
      holdScopes: ["delete", "write"],
    });
    svc = created.token;
    tokenId = created.row.id;
    other = (await h.createToken({ name: "other-agent", grants: { github: ["read"] } })).token;
  });

  const execute = () => ({ env: h.env });
  const ctx = () => ({ db: db(), url: OKORO_URL, ip: "127.0.0.1", userAgent: "vitest", execute: execute() });

  const op = (scope: string, intent = "tidy up the repository") =>
    h.operationToken(svc, { provider: "github", scope, intent });

  /** Sends a request that the token holds; returns the 202 body. */
  const hold = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const token = await op(method === "DELETE" ? "delete" : "write");
    const res = await h.call(token, method, `github${path}`, { body, headers });
    const json = (await res.json()) as Json;
    expect(res.status, JSON.stringify(json)).toBe(202);
    return json;
  };

  const poll = async (id: string, token: string | null = svc) =>
    handleHeldPoll(
      new Request(`${OKORO_URL}/api/held/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
      ctx(),
      id,
    );

  const decide = (id: string, decision: Decision, options: { steppedUp?: boolean; userId?: string } = {}) =>
    decideApproval(db(), {
      id,
      decision,
      userId: options.userId ?? h.user.id,
      steppedUp: options.steppedUp ?? true,
      execute: execute(),
    });

  const heldRow = async (id: string) => (await db().select().from(heldRequests).where(eq(heldRequests.id, id)))[0];
  const approvalRow = async (id: string) => (await db().select().from(approvals).where(eq(approvals.id, id)))[0];
  const events = async (id: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.requestId, id)).orderBy(asc(auditEvents.seq));
  const sentTo = (path: string) => upstream.received.filter((r) => r.url === `/github${path}`);

  describe("holding", () => {
    it("answers 202 with approval_id, approval_url, poll_url and digest; sends nothing; audits the digest", async () => {
      upstream.reset();
      const body = JSON.stringify({ title: "stale issue", body: "close it" });
      const res = await hold("POST", "/repos/o/r/issues", body, { "content-type": "application/json" });
      const id = res.approval_id as string;
      expect(id).toMatch(/^apr_[0-9A-Za-z]{22}$/);
      expect(res).toEqual({
        status: "held",
        approval_id: id,
        approval_url: `${OKORO_URL}/dashboard/approvals/${id}`,
        poll_url: `${OKORO_URL}/api/held/${id}`,
        interval: 2,
        expires_in: 900,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      expect(upstream.received).toHaveLength(0);
      const stored = await heldRow(id);
      // encrypted: the body is nowhere in clear
      expect(JSON.stringify(stored.request)).not.toContain("stale issue");
      expect(stored).toMatchObject({ method: "POST", path: "/repos/o/r/issues", state: "held", digest: res.digest });
      const [requested] = await events(id);
      expect(requested).toMatchObject({ event: "approval.requested", status: 202, method: "POST" });
      expect(requested.reason).toContain(res.digest as string);
      const pending = await poll(id);
      expect(pending.status).toBe(202);
      expect(await pending.json()).toMatchObject({ status: "held", approval_id: id, digest: res.digest });
    });

    it("the same request again returns the same approval; a different body gets another digest", async () => {
      const body = JSON.stringify({ title: "dedupe me" });
      const a = await hold("POST", "/repos/o/r/issues", body, { "content-type": "application/json" });
      const b = await hold("POST", "/repos/o/r/issues", body, { "content-type": "application/json" });
      expect(b.approval_id).toBe(a.approval_id);
      expect(b.digest).toBe(a.digest);
      const c = await hold("POST", "/repos/o/r/issues", JSON.stringify({ title: "dedupe me!" }), {
        "content-type": "application/json",
      });
      expect(c.approval_id).not.toBe(a.approval_id);
      expect(c.digest).not.toBe(a.digest);
      const d = await hold("POST", "/repos/o/r/issues?x=1", body, { "content-type": "application/json" });
      expect(d.digest).not.toBe(a.digest);
    });

    it("a scope the token does not hold goes straight through", async () => {
      upstream.reset();
      const res = await h.call(await op("read"), "GET", "github/repos/o/r");
      expect(res.status).toBe(200);
      expect(upstream.received).toHaveLength(1);
    });

    it("refuses a held body over 1 MiB with 413 and stores nothing", async () => {
      const before = (await db().select().from(heldRequests)).length;
      const big = "x".repeat(1024 * 1024 + 1);
      const token = await op("write");
      const declared = await h.call(token, "POST", "github/repos/o/r/issues", { body: big });
      expect(declared.status).toBe(413);
      expect((await declared.json()).error).toBe("payload_too_large");
      // no Content-Length: refused as the stream passes the limit
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 17; i++) c.enqueue(new Uint8Array(64 * 1024));
          c.close();
        },
      });
      const streamed = await h.call(token, "POST", "github/repos/o/r/issues", { body: stream });
      expect(streamed.status).toBe(413);
      expect((await db().select().from(heldRequests)).length).toBe(before);
    });

    it("a disabled account's agent queues nothing: 401, no held request, no approval", async () => {
      const before = (await db().select().from(heldRequests)).length;
      const pending = (await db().select().from(approvals)).length;
      const token = await op("delete");
      await setUserStatus(db(), { userId: h.user.id, status: "disabled" });
      try {
        const res = await h.call(token, "DELETE", "github/repos/o/r/labels/disabled");
        expect(res.status).toBe(401);
        expect((await db().select().from(heldRequests)).length).toBe(before);
        expect((await db().select().from(approvals)).length).toBe(pending);
      } finally {
        await setUserStatus(db(), { userId: h.user.id, status: "active" });
      }
    });
  });

  describe("approving", () => {
    it("sends the stored bytes exactly once, even with 10 concurrent approvals and polls; the poll gets the answer once", async () => {
      upstream.reset();
      upstream.respond((req, res) => {
        res.writeHead(201, { "content-type": "application/json", etag: '"v1"', "set-cookie": "a=b" });
        res.end(JSON.stringify({ created: true, echo: req.body.toString() }));
      });
      const body = '{"title":"exactly once","labels":["x"]}';
      const held = await hold("POST", "/repos/o/r/issues?assignee=me", body, {
        "content-type": "application/json",
        "x-custom": "kept?",
      });
      const id = held.approval_id as string;

      const decisions = Array.from({ length: 10 }, () =>
        decide(id, "approve").then(
          () => "ok",
          (e: Error) => e.message,
        ),
      );
      const polls = Array.from({ length: 10 }, () => poll(id));
      const [decided, answers] = await Promise.all([Promise.all(decisions), Promise.all(polls)]);
      expect(decided.filter((d) => d === "ok")).toHaveLength(1);

      const sent = sentTo("/repos/o/r/issues?assignee=me");
      expect(sent).toHaveLength(1);
      expect(sent[0].method).toBe("POST");
      expect(sent[0].body.toString()).toBe(body);
      expect(sent[0].headers.authorization).toBe(`Bearer ${(CANARY.github as { access_token: string }).access_token}`);
      expect(sent[0].headers["content-type"]).toBe("application/json");

      // every poll so far: still waiting, or the answer (at most one of them)
      const statuses = answers.map((r) => r.status);
      const got = answers.filter((r) => r.status === 201);
      expect(got.length).toBeLessThanOrEqual(1);
      expect(
        statuses.every((s) => s === 202 || s === 201 || s === 410),
        String(statuses),
      ).toBe(true);

      const collect = got.length ? [] : [await poll(id)];
      const answer = got[0] ?? collect[0];
      expect(answer.status).toBe(201);
      expect(answer.headers.get("okoro-approval-id")).toBe(id);
      expect(answer.headers.get("etag")).toBe('"v1"');
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("set-cookie")).toBeNull();
      expect(await answer.json()).toEqual({ created: true, echo: body });

      const later = await Promise.all(Array.from({ length: 5 }, () => poll(id)));
      for (const r of later) {
        expect(r.status).toBe(410);
        expect((await r.json()).error).toBe("approval_used");
      }
      expect(sentTo("/repos/o/r/issues?assignee=me")).toHaveLength(1);

      const trail = (await events(id)).map((e) => e.event);
      expect(trail).toEqual(["approval.requested", "approval.approved", "proxy.request", "proxy.response"]);
      for (const e of await events(id)) expect(e.reason).toContain(held.digest as string);
      expect((await verifyChain(db(), h.user.id)).ok).toBe(true);
    });

    it("deny: 403 approval_denied, nothing sent", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/9");
      await decide(held.approval_id as string, "deny");
      const res = await poll(held.approval_id as string);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toBe("approval_denied");
      expect(upstream.received).toHaveLength(0);
    });

    it("expiry: 410 approval_expired, nothing sent, and it can no longer be approved", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/10");
      const id = held.approval_id as string;
      await db().update(approvals).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(approvals.id, id));
      const res = await poll(id);
      expect(res.status).toBe(410);
      expect((await res.json()).error).toBe("approval_expired");
      await expect(decide(id, "approve")).rejects.toMatchObject({ code: "approval_expired" });
      expect(upstream.received).toHaveLength(0);
      expect((await approvalRow(id)).status).toBe("expired");
    });

    it("approving an already decided request shows its state and changes nothing", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/11");
      const id = held.approval_id as string;
      await decide(id, "approve");
      expect(upstream.received).toHaveLength(1);
      await expect(decide(id, "approve")).rejects.toMatchObject({ code: "conflict" });
      await expect(decide(id, "deny")).rejects.toMatchObject({ code: "conflict" });
      expect(upstream.received).toHaveLength(1);
      expect((await poll(id)).status).toBe(200);
    });

    it("approving a held delete from the dashboard needs a recent sign-in; approve and remember is refused", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/12");
      const id = held.approval_id as string;
      await expect(decide(id, "approve", { steppedUp: false })).rejects.toMatchObject({ code: "step_up_required" });
      await expect(decide(id, "approve_remember")).rejects.toMatchObject({ code: "invalid_request" });
      expect((await approvalRow(id)).status).toBe("pending");
      expect(upstream.received).toHaveLength(0);
      // the CLI speaks for the operator (no user): no step-up there
      await decideApproval(db(), { id, decision: "approve", execute: execute() });
      expect(upstream.received).toHaveLength(1);
    });
  });

  describe("faults", () => {
    it("the upstream times out during execution: recorded, never retried; the poll gets 504 once, then 410", async () => {
      upstream.reset();
      upstream.respond(async (_req, res) => {
        await new Promise((r) => setTimeout(r, 1500));
        res.writeHead(200);
        res.end("late");
      });
      const held = await hold("DELETE", "/repos/o/r/slow");
      const id = held.approval_id as string;
      await decide(id, "approve");
      const row = await heldRow(id);
      expect(row).toMatchObject({ state: "failed", outcome: "upstream_timeout" });
      const answers = await Promise.all(Array.from({ length: 5 }, () => poll(id)));
      const timeouts = answers.filter((r) => r.status === 504);
      expect(timeouts).toHaveLength(1);
      expect((await timeouts[0].json()).error).toBe("upstream_timeout");
      expect(answers.filter((r) => r.status === 410)).toHaveLength(4);
      await recoverHeld(db(), execute());
      await new Promise((r) => setTimeout(r, 1000));
      expect(sentTo("/repos/o/r/slow")).toHaveLength(1);
      const response = (await events(id)).find((e) => e.event === "proxy.response");
      expect(response).toMatchObject({ outcome: "error", error: "upstream_timeout", requestId: id });
    });

    it("a restart with a pending hold: nothing lost; an approval recorded but not sent is sent once", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/20");
      const id = held.approval_id as string;
      // a fresh okoro on the same database (the old process is gone)
      const restarted = await createHarness(db(), upstream.url, { OKORO_UPSTREAM_TIMEOUT_MS: "800" });
      try {
        const pending = await poll(id);
        expect(pending.status).toBe(202);
        // the decision committed, then the process died before sending
        await recordDecision(db(), { id, userId: h.user.id, status: "approved", remember: false });
        expect(upstream.received).toHaveLength(0);
        const [a, b, c] = await Promise.all([poll(id), poll(id), recoverHeld(db(), { env: restarted.env })]);
        expect(c.sent + [a, b].filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
        expect(sentTo("/repos/o/r/issues/20")).toHaveLength(1);
        const statuses = [a.status, b.status];
        const collected = statuses.includes(200) ? 1 : (await poll(id)).status === 200 ? 1 : 0;
        expect(collected).toBe(1);
        expect((await poll(id)).status).toBe(410);
        expect(sentTo("/repos/o/r/issues/20")).toHaveLength(1);
      } finally {
        await restarted.close();
      }
    });

    it("an execution interrupted by a restart is marked so, never sent again", async () => {
      upstream.reset();
      const held = await hold("DELETE", "/repos/o/r/issues/21");
      const id = held.approval_id as string;
      await recordDecision(db(), { id, userId: h.user.id, status: "approved", remember: false });
      // claimed by a process that died mid-send, long ago
      await db()
        .update(heldRequests)
        .set({ state: "executing", claimedAt: sql`now() - interval '1 hour'` })
        .where(eq(heldRequests.id, id));
      const res = await poll(id);
      expect(res.status).toBe(502);
      expect((await res.json()).error_description).toMatch(/does not send it again/);
      expect(upstream.received).toHaveLength(0);
    });

    it("a connection revoked between hold and approval: refused not_connected; re-connected: the current credential", async () => {
      upstream.reset();
      const first = await hold("DELETE", "/repos/o/r/issues/30");
      const second = await hold("DELETE", "/repos/o/r/issues/31");
      await deleteConnection({ db: db(), userId: h.user.id, provider: "github" });
      await decide(first.approval_id as string, "approve");
      const refused = await poll(first.approval_id as string);
      expect(refused.status).toBe(409);
      expect((await refused.json()).error).toBe("not_connected");
      expect(upstream.received).toHaveLength(0);

      await h.connect("github", { access_token: "CANARYgithubNEWtoken1234" } as never);
      await decide(second.approval_id as string, "approve");
      const sent = sentTo("/repos/o/r/issues/31");
      expect(sent).toHaveLength(1);
      expect(sent[0].headers.authorization).toBe("Bearer CANARYgithubNEWtoken1234");
      await h.connect("github");
    });
  });

  describe("hostile polls", () => {
    it("another agent's token gets 404, a bad token 401, a malformed id 404; the exchange poll does not know held ids", async () => {
      const held = await hold("DELETE", "/repos/o/r/issues/40");
      const id = held.approval_id as string;
      const foreign = await poll(id, other);
      expect(foreign.status).toBe(404);
      expect((await poll(id, `svc_${"A".repeat(38)}`)).status).toBe(401);
      expect((await poll(id, null)).status).toBe(401);
      expect((await poll(id, "eyJhbGciOiJFZERTQSJ9.e30.AAAA")).status).toBe(401);
      expect((await poll("apr_../../etc")).status).toBe(404);
      const viaExchange = await handleApprovalPoll(
        new Request(`${OKORO_URL}/api/token/approvals/${id}`, { headers: { authorization: `Bearer ${svc}` } }),
        ctx(),
        id,
      );
      expect(viaExchange.status).toBe(404);
      // the agent's own operation token works too
      const withOp = await poll(id, await op("delete"));
      expect(withOp.status).toBe(202);
      // another user's approval id cannot be decided
      await expect(decide(id, "approve", { userId: "usr_someoneelse" })).rejects.toMatchObject({ code: "not_found" });
      expect(tokenId).toBeTruthy();
    });
  });
});
