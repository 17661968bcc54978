import { asc, eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { verifyChain, verifyChains } from "@/lib/audit/verify";
import { describeDatabases } from "@/test/databases";

describeDatabases("audit append", (db) => {
  it("chains events per user with gap-free seq", async () => {
    const a = await appendAudit(db().db, { event: "auth.signin", userId: "usr_1", ip: "127.0.0.1" });
    const b = await appendAudit(db().db, { event: "token.issued", userId: "usr_1", provider: "github", scope: "read" });
    const c = await appendAudit(db().db, { event: "auth.signin", userId: "usr_2" });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 1]);
    expect(b.prevHash).toBe(a.hash);
    expect((await verifyChain(db().db, "usr_1")).ok).toBe(true);
  });

  it("keeps one unbroken chain under 200 concurrent appends", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        appendAudit(db().db, {
          event: "proxy.request",
          userId: i % 5 === 0 ? "usr_other" : "usr_busy",
          path: `/x/${i}`,
        }),
      ),
    );
    const busy = results
      .filter((r) => r.userId === "usr_busy")
      .map((r) => r.seq)
      .sort((x, y) => x - y);
    expect(busy).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    const checks = await verifyChains(db().db);
    expect(checks.every((c) => c.ok)).toBe(true);
    const rows = await db()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.chain, "usr_busy"))
      .orderBy(asc(auditEvents.seq));
    expect(rows).toHaveLength(160);
  });

  it("names the first altered seq", async () => {
    for (let i = 0; i < 5; i++)
      await appendAudit(db().db, { event: "proxy.request", userId: "usr_tamper", path: `/p/${i}` });
    // a superuser can bypass the append-only trigger; the chain still shows it
    await db().db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.execute(sql`UPDATE audit_events SET path = '/p/changed' WHERE chain = 'usr_tamper' AND seq = 3`);
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    const check = await verifyChain(db().db, "usr_tamper");
    expect(check).toMatchObject({ ok: false, firstBadSeq: 3, verifiedThrough: 2 });
  });

  it("notices rows cut off the end of a chain", async () => {
    for (let i = 0; i < 3; i++) await appendAudit(db().db, { event: "proxy.request", userId: "usr_cut" });
    await db().db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await tx.execute(sql`DELETE FROM audit_events WHERE chain = 'usr_cut' AND seq = 3`);
      await tx.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    expect(await verifyChain(db().db, "usr_cut")).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
