// Deleting an account on every database driver (docs/dashboard.md#delete-account): the
// typed address must match, everything the account held goes in one transaction, the
// audit log stays (with `account.deleted`), and the agents' tokens stop working at once.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { approvals, auditEvents, connections, serviceTokens, users } from "@/db/schema";
import { deleteAccount } from "@/lib/auth/account";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();
const req = { ip: "203.0.113.9", userAgent: "vitest" };

describeDatabases("delete account", (getDb) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses a mismatched confirmation and changes nothing", async () => {
    expect(await deleteAccount(h.db, { userId: h.user.id, confirmEmail: "someone-else@example.com", ...req })).toEqual({
      ok: false,
      reason: "confirmation_mismatch",
    });
    expect(await deleteAccount(h.db, { userId: h.user.id, confirmEmail: 42, ...req })).toMatchObject({ ok: false });
    expect(await h.db.select().from(users).where(eq(users.id, h.user.id))).toHaveLength(1);
  });

  it("removes tokens and credentials, keeps the audit log, and the agent's next call gets 401", async () => {
    const { token, row } = await h.createToken({ grants: { github: ["read", "delete"] } });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list my repositories" });
    expect((await h.call(op, "GET", "github/user/repos")).status).toBe(200);
    const before = await h.db.select().from(auditEvents).where(eq(auditEvents.chain, h.user.id));
    expect(before.length).toBeGreaterThan(0);
    const sent = upstream.received.length;

    // the address as typed: case and spaces do not matter
    expect(
      await deleteAccount(h.db, { userId: h.user.id, confirmEmail: ` ${h.user.email.toUpperCase()} `, ...req }),
    ).toEqual({ ok: true });

    expect(await h.db.select().from(users).where(eq(users.id, h.user.id))).toHaveLength(0);
    expect(await h.db.select().from(serviceTokens).where(eq(serviceTokens.id, row.id))).toHaveLength(0);
    expect(await h.db.select().from(connections).where(eq(connections.userId, h.user.id))).toHaveLength(0);
    expect(await h.db.select().from(approvals).where(eq(approvals.userId, h.user.id))).toHaveLength(0);
    const after = await h.db.select().from(auditEvents).where(eq(auditEvents.chain, h.user.id));
    expect(after.length).toBe(before.length + 1);
    expect(
      await h.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, h.user.id), eq(auditEvents.event, "account.deleted"))),
    ).toHaveLength(1);

    expect(
      (await h.exchange(token, { provider: "github", scope: "read", intent: "list my repositories" })).status,
    ).toBe(401);
    // an operation token issued before: refused, and nothing reaches the provider
    expect((await h.call(op, "GET", "github/user/repos")).status).toBe(401);
    expect(upstream.received.length).toBe(sent);
    expect(await deleteAccount(h.db, { userId: h.user.id, confirmEmail: h.user.email, ...req })).toEqual({
      ok: false,
      reason: "not_found",
    });
  });
});
