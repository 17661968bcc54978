import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { users, auditEvents } from "@/db/schema";
import { describeDatabases } from "@/test/databases";

describeDatabases("database", (db) => {
  it("is migrated and round-trips a row", async () => {
    await db().db.insert(users).values({ id: "usr_a", email: "a@example.com" });
    const rows = await db().db.select().from(users);
    expect(rows.map((r) => r.email)).toEqual(["a@example.com"]);
  });

  it("runs transactions and rolls them back on error", async () => {
    await expect(
      db().db.transaction(async (tx) => {
        await tx.insert(users).values({ id: "usr_b", email: "b@example.com" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const rows = await db().db.select().from(users).where(sql`${users.id} = 'usr_b'`);
    expect(rows).toHaveLength(0);
  });

  it("refuses UPDATE, DELETE and TRUNCATE on the audit log", async () => {
    await db().db.insert(auditEvents).values({
      chain: "usr_a",
      seq: 1,
      id: "evt_1",
      at: new Date(),
      userId: "usr_a",
      event: "auth.signin",
      prevHash: "",
      hash: "x",
    });
    await expect(db().db.execute(sql`UPDATE audit_events SET event = 'x'`)).rejects.toThrow();
    await expect(db().db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
    await expect(db().db.execute(sql`TRUNCATE audit_events`)).rejects.toThrow();
    const rows = await db().db.select().from(auditEvents);
    expect(rows).toHaveLength(1);
    expect(rows[0].event).toBe("auth.signin");
  });
});
