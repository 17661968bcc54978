import { asc, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { setUserStatus } from "@/db/queries/users";
import { createUser } from "@/lib/users";
import { IP_LIMITS } from "@/lib/auth/ip-limits";
import { hashPassword } from "@/lib/auth/password";
import { passwordSignIn } from "@/lib/auth/password-sign-in";
import { describeDatabases } from "@/test/databases";

const ctx = (ip: string) => ({ ip, userAgent: "vitest", path: "/api/auth/callback/credentials" });

describeDatabases("password sign-in", (db) => {
  it("hashes with argon2id", async () => {
    expect(await hashPassword("correct horse battery")).toMatch(/^\$argon2id\$/);
  });

  it("signs in with the right password and audits on the user's chain", async () => {
    const user = await createUser(db().db, {
      email: "ok@example.com",
      passwordHash: await hashPassword("correct horse battery"),
    });
    const result = await passwordSignIn(
      db().db,
      { email: "OK@example.com", password: "correct horse battery" },
      ctx("198.51.100.1"),
    );
    expect(result.ok && result.user.id).toBe(user.id);
    const events = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, user.id));
    expect(events.map((e) => e.event)).toEqual(["auth.signin"]);
    expect(events[0]).toMatchObject({ ip: "198.51.100.1", userAgent: "vitest", outcome: "allowed" });
  });

  it("refuses a wrong password and an unknown e-mail alike, auditing where it can", async () => {
    const user = await createUser(db().db, {
      email: "wrong@example.com",
      passwordHash: await hashPassword("correct horse battery"),
    });
    const wrong = await passwordSignIn(
      db().db,
      { email: "wrong@example.com", password: "not the password" },
      ctx("198.51.100.2"),
    );
    const unknown = await passwordSignIn(
      db().db,
      { email: "nobody@example.com", password: "not the password" },
      ctx("198.51.100.2"),
    );
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });

    const mine = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, user.id));
    expect(mine.map((e) => [e.event, e.error])).toEqual([["auth.signin_failed", "wrong_password"]]);
    const system = await db()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.chain, "_system"))
      .orderBy(asc(auditEvents.seq));
    expect(system.at(-1)).toMatchObject({ event: "auth.signin_failed", userId: null, error: "unknown_email" });
    // the password is stored nowhere in the log
    for (const e of [...mine, ...system]) expect(JSON.stringify(e)).not.toContain("not the password");
  });

  it("refuses a disabled account", async () => {
    const user = await createUser(db().db, {
      email: "off@example.com",
      passwordHash: await hashPassword("correct horse battery"),
    });
    await setUserStatus(db().db, { userId: user.id, status: "disabled" });
    expect(
      await passwordSignIn(
        db().db,
        { email: "off@example.com", password: "correct horse battery" },
        ctx("198.51.100.3"),
      ),
    ).toEqual({
      ok: false,
      reason: "disabled",
    });
  });

  it("limits attempts per address and audits only the first refusal", async () => {
    const { limit } = IP_LIMITS.signin;
    const user = await createUser(db().db, {
      email: "flood@example.com",
      passwordHash: await hashPassword("correct horse battery"),
    });
    const ip = "203.0.113.77";
    for (let i = 0; i < limit; i++) {
      expect((await passwordSignIn(db().db, { email: "flood@example.com", password: "guess " + i }, ctx(ip))).ok).toBe(
        false,
      );
    }
    const refused = await passwordSignIn(
      db().db,
      { email: "flood@example.com", password: "correct horse battery" },
      ctx(ip),
    );
    expect(refused.ok === false && refused.reason).toBe("rate_limited");
    await passwordSignIn(db().db, { email: "flood@example.com", password: "correct horse battery" }, ctx(ip));
    const events = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, user.id));
    expect(events.filter((e) => e.error === "rate_limited")).toHaveLength(1);
    // another address is unaffected
    expect(
      (
        await passwordSignIn(
          db().db,
          { email: "flood@example.com", password: "correct horse battery" },
          ctx("203.0.113.78"),
        )
      ).ok,
    ).toBe(true);
  });
});
