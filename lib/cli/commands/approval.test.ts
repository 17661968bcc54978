// `okoro approval list | approve | deny` as an operator runs them: the real binary, a
// child process, against a database this test process owns, while an agent asks and
// polls through the same functions the routes call.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { approvals, auditEvents, serviceTokens } from "@/db/schema";
import { createApprovalGate } from "@/lib/approvals/gate";
import { handleApprovalPoll } from "@/lib/approvals/poll";
import { freshPostgresDatabase, runOkoro } from "@/lib/cli/testing";
import { handleExchange } from "@/lib/exchange";
import { TEST_DATABASE_URL } from "@/test/databases";
import { createHarness, OKORO_URL, testEnvSource, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

type Backend = {
  name: string;
  open: () => Promise<{ handle: DbHandle; env: Record<string, string>; cleanup: () => Promise<void> }>;
};
const backends: Backend[] = [
  {
    name: "pglite",
    open: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-approvalcli-"));
      const pgliteDir = path.join(dir, "pglite");
      const handle = await openDatabase({ driver: "pglite", pgliteDir, migrate: true });
      return {
        handle,
        env: { DATABASE_URL: `pglite:${pgliteDir}` },
        cleanup: async () => {
          await handle.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
if (TEST_DATABASE_URL) {
  backends.push({
    name: "pg",
    open: async () => {
      const server = await freshPostgresDatabase(TEST_DATABASE_URL!);
      const handle = await openDatabase({ driver: "pg", url: server.url, migrate: true });
      return {
        handle,
        env: { DATABASE_URL: server.url },
        cleanup: async () => {
          await handle.close();
          await server.drop();
        },
      };
    },
  });
}

type ApprovalJson = Record<string, unknown> & { id: string; status: string };

describe.each(backends)("approval commands [$name]", (backend) => {
  let store: Awaited<ReturnType<Backend["open"]>>;
  let h: Harness;
  let env: Record<string, string>;
  let svc: string;
  let tokenId: string;
  const dataDirs: string[] = [];
  const okoro = (args: string[]) => runOkoro(args, { env, timeoutMs: 40_000 });
  const db = () => store.handle.db;
  const ctx = () => ({ db: db(), url: OKORO_URL, ip: "127.0.0.1", userAgent: "vitest" });
  const gate = createApprovalGate({ defer: () => {} });

  const ask = async (body: Record<string, unknown>) => {
    const res = await handleExchange(
      new Request(`${OKORO_URL}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${svc}` },
        body: JSON.stringify(body),
      }),
      ctx(),
      gate,
    );
    expect(res.status).toBe(202);
    return ((await res.json()) as { approval_id: string }).approval_id;
  };
  const poll = async (id: string) =>
    (
      await handleApprovalPoll(
        new Request(`${OKORO_URL}/api/token/approvals/${id}`, { headers: { authorization: `Bearer ${svc}` } }),
        ctx(),
        id,
      )
    ).status;
  const statusOf = async (id: string) =>
    (await db().select({ status: approvals.status }).from(approvals).where(eq(approvals.id, id)))[0].status;

  beforeAll(async () => {
    store = await backend.open();
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
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "okoro-approvalcli-data-"));
    dataDirs.push(dataDir);
    env = { ...testEnvSource(upstream.url), ...store.env, NODE_ENV: "development", OKORO_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await store.cleanup();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  });

  let first: string;
  let second: string;
  let third: string;

  it("approval list shows pending requests first, as JSON and as a table", async () => {
    first = await ask({ provider: "trello", scope: "delete", intent: "clean up archived cards" });
    second = await ask({
      provider: "github",
      scope: "write",
      intent: "open an issue for the flaky test",
      request_approval: true,
    });
    third = await ask({ provider: "trello", scope: "delete", intent: "delete the old board" });
    const done = await ask({ provider: "trello", scope: "delete", intent: "an old request" });
    await db().update(approvals).set({ status: "denied", decidedAt: new Date() }).where(eq(approvals.id, done));

    const r = await okoro(["approval", "list", "--user", h.user.email, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as ApprovalJson[];
    expect(list.map((a) => a.id)).toEqual([third, second, first, done]);
    expect(list.map((a) => a.status)).toEqual(["pending", "pending", "pending", "denied"]);
    for (const key of ["id", "agent", "provider", "scope", "intent", "reason", "status", "created_at", "expires_at"])
      expect(list[0]).toHaveProperty(key);
    expect(list[1]).toMatchObject({
      agent: "research-agent",
      provider: "github",
      scope: "write",
      intent: "open an issue for the flaky test",
      reason: null,
      beyond_grant: true,
      service_token_id: tokenId,
      approval_url: `${OKORO_URL}/dashboard/approvals/${second}`,
    });
    expect(new Date(list[0].expires_at as string).getTime() - new Date(list[0].created_at as string).getTime()).toBe(
      900_000,
    );
    expect(r.stdout).not.toContain(svc);

    const text = await okoro(["approval", "list", "--user", h.user.email]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+AGENT\s+PROVIDER\s+SCOPE\s+REQUEST\s+INTENT/);
    expect(lines[1]).toContain(third);
    expect(lines[1]).toContain("pending");
    expect(lines[4]).toContain("denied");
  });

  it("approval approve lets the agent collect its token once", async () => {
    const r = await okoro(["approval", "approve", first]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `Approved once. research-agent may delete on Trello this one time; it collects its token when it next checks. (${first})\n`,
    );
    expect(await poll(first)).toBe(200);
    expect(await poll(first)).toBe(410);

    const again = await okoro(["approval", "approve", first]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe("okoro: This request was already approved and the agent has collected its token.\n");

    const [event] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.requestId, first), eq(auditEvents.event, "approval.approved")));
    expect(event).toMatchObject({
      userId: h.user.id,
      agent: "research-agent",
      outcome: "allowed",
      userAgent: "okoro-cli",
      reason: "Approved once (by an operator, with the CLI)",
    });
  });

  it("approval approve --remember adds the scope to the grant", async () => {
    const r = await okoro(["approval", "approve", second, "--remember", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      id: second,
      status: "approved",
      remember: true,
      scope: "write",
      provider: "github",
    });
    const [token] = await db().select().from(serviceTokens).where(eq(serviceTokens.id, tokenId));
    expect(token.grants.github).toEqual(["read", "write"]);
    expect(await poll(second)).toBe(200);

    // a scope the token already has (approval_scopes) cannot be "remembered"
    const refused = await okoro(["approval", "approve", third, "--remember"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^okoro: research-agent is already granted delete on Trello; .*Approve once instead\.\n$/,
    );
    expect(await statusOf(third)).toBe("pending");
  });

  it("approval deny makes the agent's next poll 403", async () => {
    const r = await okoro(["approval", "deny", third, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: third, status: "denied" });
    expect(await poll(third)).toBe(403);
    expect(await statusOf(third)).toBe("denied");
  });

  it("explains what cannot be done", async () => {
    const missing = await okoro(["approval", "deny", "apr_doesnotexist0000000000"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("okoro: No such approval request.\n");
    const noId = await okoro(["approval", "approve"]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain("missing ID");
    const nobody = await okoro(["approval", "list", "--user", "nobody@example.com"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe("okoro: no user with e-mail nobody@example.com\n");
    const expired = await ask({ provider: "trello", scope: "delete", intent: "too late" });
    await db()
      .update(approvals)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(approvals.id, expired));
    const late = await okoro(["approval", "approve", expired]);
    expect(late.code).toBe(1);
    expect(late.stderr).toBe("okoro: This request expired before anyone decided. The agent has to ask again.\n");
    const help = await okoro(["approval", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("approval approve");
  });
});
