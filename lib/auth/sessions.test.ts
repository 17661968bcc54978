// Sessions as rows: what ends a session, whose sessions a user can end, idle expiry, and
// step-up with the password (its window, its limit, its audit events).
import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents, userSessions } from "@/db/schema";
import { setUserStatus } from "@/db/queries/users";
import { IP_LIMITS } from "@/lib/auth/ip-limits";
import { hashPassword } from "@/lib/auth/password";
import {
  describeDevice,
  isRecentlyVerified,
  listSessions,
  liveSession,
  revokeAllSessions,
  revokeOtherSessions,
  revokeSession,
  STEP_UP_WINDOW_MS,
  startSession,
  stepUpWithPassword,
} from "@/lib/auth/sessions";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";

const req = { ip: "203.0.113.9", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/130.0 Safari/537.36" };

describeDatabases("dashboard sessions", (db) => {
  async function user(email: string, password?: string) {
    return createUser(db().db, { email, passwordHash: password ? await hashPassword(password) : null });
  }

  it("a started session is live until revoked, and only for its own user", async () => {
    const alice = await user("s-alice@example.com");
    const bob = await user("s-bob@example.com");
    const sid = await startSession(db().db, { userId: alice.id, method: "password", ...req });
    expect((await liveSession(db().db, { sid, userId: alice.id, ip: req.ip }))?.user.id).toBe(alice.id);
    // a cookie naming alice's session but bob's id opens nothing
    expect(await liveSession(db().db, { sid, userId: bob.id, ip: req.ip })).toBeUndefined();
    // bob cannot end alice's session by naming it
    expect(await revokeSession(db().db, bob.id, sid, req)).toBe(0);
    expect(await liveSession(db().db, { sid, userId: alice.id, ip: req.ip })).toBeDefined();
    expect(await revokeSession(db().db, alice.id, sid, req)).toBe(1);
    expect(await liveSession(db().db, { sid, userId: alice.id, ip: req.ip })).toBeUndefined();
  });

  it("sign out everywhere else keeps the caller's session and audits how many ended", async () => {
    const u = await user("s-everywhere@example.com");
    const mine = await startSession(db().db, { userId: u.id, method: "password", ...req });
    const a = await startSession(db().db, { userId: u.id, method: "github", ...req });
    const b = await startSession(db().db, { userId: u.id, method: "password", ip: null, userAgent: null });
    expect(await revokeOtherSessions(db().db, u.id, mine, "signed_out_everywhere", req)).toBe(2);
    expect((await listSessions(db().db, u.id)).map((s) => s.id)).toEqual([mine]);
    for (const sid of [a, b]) expect(await liveSession(db().db, { sid, userId: u.id, ip: null })).toBeUndefined();
    const [event] = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.session_revoked")));
    expect(event).toMatchObject({ count: 2, error: "signed_out_everywhere", ip: req.ip });
    // a reset ends every session, the caller's too
    expect(await revokeAllSessions(db().db, u.id, "password_reset")).toBe(1);
    expect(await liveSession(db().db, { sid: mine, userId: u.id, ip: null })).toBeUndefined();
  });

  it("a session idle for longer than a week, or of a disabled user, is over", async () => {
    const u = await user("s-idle@example.com");
    const sid = await startSession(db().db, { userId: u.id, method: "password", ...req });
    await db()
      .db.update(userSessions)
      .set({ lastSeenAt: new Date(Date.now() - 8 * 86_400_000) })
      .where(eq(userSessions.id, sid));
    expect(await liveSession(db().db, { sid, userId: u.id, ip: null })).toBeUndefined();
    const sid2 = await startSession(db().db, { userId: u.id, method: "password", ...req });
    await setUserStatus(db().db, { userId: u.id, status: "disabled" });
    expect(await liveSession(db().db, { sid: sid2, userId: u.id, ip: null })).toBeUndefined();
  });

  it("step-up with the password: wrong changes nothing, right opens a 10-minute window", async () => {
    const u = await user("s-stepup@example.com", "correct horse battery");
    const sid = await startSession(db().db, { userId: u.id, method: "password", ...req });
    const old = new Date(Date.now() - STEP_UP_WINDOW_MS - 1000);
    await db().db.update(userSessions).set({ verifiedAt: old }).where(eq(userSessions.id, sid));
    const stale = await liveSession(db().db, { sid, userId: u.id, ip: null });
    expect(stale && isRecentlyVerified(stale.session)).toBe(false);

    const wrong = await stepUpWithPassword(db().db, { userId: u.id, sessionId: sid, password: "nope", ...req });
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    const still = await liveSession(db().db, { sid, userId: u.id, ip: null });
    expect(still && isRecentlyVerified(still.session)).toBe(false);

    const right = await stepUpWithPassword(db().db, {
      userId: u.id,
      sessionId: sid,
      password: "correct horse battery",
      ...req,
    });
    expect(right).toEqual({ ok: true });
    const fresh = await liveSession(db().db, { sid, userId: u.id, ip: null });
    expect(fresh && isRecentlyVerified(fresh.session)).toBe(true);
    const events = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, u.id));
    expect(events.map((e) => e.event).filter((e) => e.startsWith("auth.step_up"))).toEqual([
      "auth.step_up_failed",
      "auth.step_up",
    ]);
  });

  it("step-up guesses count against the sign-in limit per address", async () => {
    const u = await user("s-guess@example.com", "correct horse battery");
    const sid = await startSession(db().db, { userId: u.id, method: "password", ...req });
    const ip = "198.51.100.77";
    // the limit's windows are aligned to whole 10 minutes: do not straddle a boundary
    const windowMs = IP_LIMITS.signin.window.seconds * 1000;
    const left = windowMs - (Date.now() % windowMs);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100));
    for (let i = 0; i < IP_LIMITS.signin.limit; i++) {
      await stepUpWithPassword(db().db, { userId: u.id, sessionId: sid, password: `guess ${i}`, ip, userAgent: null });
    }
    const refused = await stepUpWithPassword(db().db, {
      userId: u.id,
      sessionId: sid,
      password: "correct horse battery",
      ip,
      userAgent: null,
    });
    expect(refused.ok === false && refused.reason).toBe("rate_limited");
  });

  it("an account without a password cannot step up with one", async () => {
    const u = await user("s-oauth-only@example.com");
    const sid = await startSession(db().db, { userId: u.id, method: "github", ...req });
    expect(await stepUpWithPassword(db().db, { userId: u.id, sessionId: sid, password: "anything", ...req })).toEqual({
      ok: false,
      reason: "no_password",
    });
  });
});

it("names devices from their user agent", () => {
  expect(describeDevice(req.userAgent)).toBe("Chrome on macOS");
  expect(describeDevice("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
    "Firefox on Linux",
  );
  expect(describeDevice(null)).toBe("Unknown device");
});
