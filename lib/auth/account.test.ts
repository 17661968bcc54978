// E-mail verification rules on every database driver, with mail sent to a real local SMTP
// server (test/smtp.ts): single use, 24 hours, a newer link ends older ones, tampered and
// malformed links change nothing, resends are limited, unverified accounts are refused.
import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { accountTokens, auditEvents, users } from "@/db/schema";
import { issueLink, LINK_TTL_MS, peekLink, useLink } from "@/lib/auth/account-links";
import {
  confirmEmailLink,
  RESENDS_PER_HOUR,
  requireVerifiedEmail,
  resendVerification,
  sendVerification,
} from "@/lib/auth/verification";
import { isOkoroError } from "@/lib/errors";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";
import { useMailSink } from "@/test/use-mail";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { requestPasswordReset, resetPassword, RESETS_PER_ADDRESS_PER_HOUR } from "@/lib/auth/password-reset";
import { liveSession, startSession } from "@/lib/auth/sessions";
import { vi } from "vitest";
import { changePassword, updateName } from "@/lib/auth/account";
import { linkIn } from "@/test/smtp";

const req = { ip: "203.0.113.7", userAgent: "vitest" };
const sink = useMailSink();

function tokenOf(raw: string): string {
  const link = linkIn(raw, "/verify-email");
  expect(link).toBeDefined();
  return new URL(link!).searchParams.get("token")!;
}

function lastMailTo(to: string): string {
  const found = sink.messages.filter((m) => m.to.includes(to)).at(-1);
  expect(found, `a message to ${to}`).toBeDefined();
  return found!.raw;
}

describeDatabases("e-mail verification", (db) => {
  const signUp = (email: string) => createUser(db().db, { email, passwordHash: "x", emailUnverified: true });

  it("sign-up's link arrives by SMTP, confirms the address once, and is audited", async () => {
    const u = await signUp("v-once@example.com");
    expect(() => requireVerifiedEmail(u)).toThrowError(expect.objectContaining({ code: "email_unverified" }));
    try {
      requireVerifiedEmail(u);
    } catch (e) {
      expect(isOkoroError(e) && e.status).toBe(403);
    }
    await sendVerification(db().db, u);
    const raw = lastMailTo("v-once@example.com");
    expect(raw).toContain("Subject: Confirm your e-mail address for okoro");
    const token = tokenOf(raw);
    // only the hash is stored
    const [row] = await db().db.select().from(accountTokens).where(eq(accountTokens.userId, u.id));
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(LINK_TTL_MS.verify_email - 60_000);

    expect(await peekLink(db().db, token, ["verify_email"])).toBe("ok");
    expect(await confirmEmailLink(db().db, token, req)).toEqual({ ok: true, userId: u.id });
    const [after] = await db().db.select().from(users).where(eq(users.id, u.id));
    expect(after.emailUnverified).toBe(false);
    expect(after.emailVerified).toBeInstanceOf(Date);
    expect(() => requireVerifiedEmail(after)).not.toThrow();
    const events = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.email_verified")));
    expect(events).toHaveLength(1);
    expect(events[0].ip).toBe(req.ip);

    // reuse: refused, and nothing new is written
    expect(await confirmEmailLink(db().db, token, req)).toEqual({ ok: false, state: "used" });
    const again = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.email_verified")));
    expect(again).toHaveLength(1);
  });

  it("expired, tampered and malformed links change nothing", async () => {
    const u = await signUp("v-bad@example.com");
    const old = await issueLink(db().db, {
      userId: u.id,
      purpose: "verify_email",
      now: new Date(Date.now() - LINK_TTL_MS.verify_email - 1000),
    });
    expect(await confirmEmailLink(db().db, old, req)).toEqual({ ok: false, state: "expired" });
    const fresh = await issueLink(db().db, { userId: u.id, purpose: "verify_email" });
    const tampered = `${fresh.slice(0, -1)}${fresh.endsWith("A") ? "B" : "A"}`;
    for (const bad of [tampered, "", "x".repeat(10_000), "../../etc/passwd", null, 42, { token: fresh }]) {
      expect(await confirmEmailLink(db().db, bad, req)).toEqual({ ok: false, state: "invalid" });
    }
    // a reset link is no verification link
    const reset = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });
    expect(await confirmEmailLink(db().db, reset, req)).toEqual({ ok: false, state: "invalid" });
    const [still] = await db().db.select().from(users).where(eq(users.id, u.id));
    expect(still.emailUnverified).toBe(true);
    // the genuine one still works afterwards
    expect((await confirmEmailLink(db().db, fresh, req)).ok).toBe(true);
  });

  it("a newer link ends the older ones", async () => {
    const u = await signUp("v-newer@example.com");
    const first = await issueLink(db().db, { userId: u.id, purpose: "verify_email" });
    const second = await issueLink(db().db, { userId: u.id, purpose: "verify_email" });
    expect(await confirmEmailLink(db().db, first, req)).toEqual({ ok: false, state: "used" });
    expect((await confirmEmailLink(db().db, second, req)).ok).toBe(true);
  });

  it("two concurrent uses of one link: exactly one wins", async () => {
    const u = await signUp("v-race@example.com");
    const token = await issueLink(db().db, { userId: u.id, purpose: "verify_email" });
    const results = await Promise.all([1, 2, 3].map(() => useLink(db().db, token, ["verify_email"])));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("resend mails a new link, is limited per account, and does nothing for verified accounts", async () => {
    const u = await signUp("v-resend@example.com");
    const before = sink.messages.length;
    for (let i = 0; i < RESENDS_PER_HOUR; i++) expect(await resendVerification(db().db, u.id)).toEqual({ ok: true });
    expect(sink.messages.length - before).toBe(RESENDS_PER_HOUR);
    expect(await resendVerification(db().db, u.id)).toEqual({ ok: false, reason: "rate_limited" });
    // only the newest one works
    const newest = tokenOf(lastMailTo("v-resend@example.com"));
    expect((await confirmEmailLink(db().db, newest, req)).ok).toBe(true);
    expect(await resendVerification(db().db, u.id)).toEqual({ ok: false, reason: "verified" });
    // accounts made by the CLI or by GitHub/Google sign-in count as verified
    const oauth = await createUser(db().db, { email: "v-oauth@example.com", emailVerified: new Date() });
    expect(oauth.emailUnverified).toBe(false);
    expect(() => requireVerifiedEmail(oauth)).not.toThrow();
  });
});

describeDatabases("password reset", (db, driver) => {
  const at = (local: string) => `${local}-${driver}@example.com`;
  const ip = (n: number) => ({ ip: `198.51.100.${n}`, userAgent: "vitest" });
  async function mailed(to: string, count: number): Promise<string> {
    await vi.waitFor(() => expect(sink.messages.filter((m) => m.to.includes(to)).length).toBe(count), {
      timeout: 5000,
    });
    const raw = lastMailTo(to);
    return new URL(linkIn(raw, "/reset-password")!).searchParams.get("token")!;
  }

  it("the same answer whether or not the address exists; a mailed link resets once and signs out everywhere", async () => {
    const u = await createUser(db().db, {
      email: at("r-owner"),
      passwordHash: await hashPassword("old password 123"),
    });
    const s1 = await startSession(db().db, { userId: u.id, method: "password", ...ip(1) });
    const known = await requestPasswordReset(db().db, { email: ` ${at("r-owner").toUpperCase()} ` }, ip(1));
    const unknown = await requestPasswordReset(db().db, { email: at("r-nobody") }, ip(1));
    expect(known).toEqual(unknown);
    const token = await mailed(at("r-owner"), 1);
    expect(sink.messages.some((m) => m.to.includes(at("r-nobody")))).toBe(false);

    expect(await resetPassword(db().db, { token, password: "short" }, ip(1))).toEqual({
      ok: false,
      state: "weak_password",
    });
    expect((await resetPassword(db().db, { token, password: "new password 456" }, ip(1))).ok).toBe(true);
    const [row] = await db().db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(row.passwordHash!, "new password 456")).toBe(true);
    expect(await liveSession(db().db, { sid: s1, userId: u.id, ip: null })).toBeUndefined();
    // used once
    expect(await resetPassword(db().db, { token, password: "third password 789" }, ip(1))).toEqual({
      ok: false,
      state: "used",
    });
    const events = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.reset")));
    expect(events).toHaveLength(1);
  });

  it("expired, superseded and tampered reset links change nothing", async () => {
    const u = await createUser(db().db, {
      email: at("r-bad"),
      passwordHash: await hashPassword("old password 123"),
    });
    const expired = await issueLink(db().db, {
      userId: u.id,
      purpose: "reset_password",
      now: new Date(Date.now() - LINK_TTL_MS.reset_password - 1000),
    });
    expect(await resetPassword(db().db, { token: expired, password: "new password 456" }, ip(2))).toEqual({
      ok: false,
      state: "expired",
    });
    const older = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });
    const newer = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });
    expect((await resetPassword(db().db, { token: older, password: "new password 456" }, ip(2))).ok).toBe(false);
    const tampered = `${newer.slice(0, -1)}${newer.endsWith("A") ? "B" : "A"}`;
    expect(await resetPassword(db().db, { token: tampered, password: "new password 456" }, ip(2))).toEqual({
      ok: false,
      state: "invalid",
    });
    // a verification link is no reset link
    const verify = await issueLink(db().db, { userId: u.id, purpose: "verify_email" });
    expect((await resetPassword(db().db, { token: verify, password: "new password 456" }, ip(2))).ok).toBe(false);
    const [row] = await db().db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(row.passwordHash!, "old password 123")).toBe(true);
  });

  it("answers before anything about the address is looked up, so its timing cannot tell", async () => {
    const u = await createUser(db().db, {
      email: at("r-timing"),
      passwordHash: await hashPassword("old password 123"),
    });
    const deferred: (() => Promise<void>)[] = [];
    const defer = (work: () => Promise<void>) => deferred.push(work);
    const resetRows = () =>
      db()
        .db.select()
        .from(accountTokens)
        .where(and(eq(accountTokens.userId, u.id), eq(accountTokens.purpose, "reset_password")));
    const requested = () =>
      db()
        .db.select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.reset_requested")));

    // the answer is given with the account untouched: no link made, no event, no mail
    expect(await requestPasswordReset(db().db, { email: at("r-timing") }, ip(20), defer)).toEqual({ ok: true });
    expect(deferred).toHaveLength(1);
    expect(await resetRows()).toHaveLength(0);
    expect(await requested()).toHaveLength(0);
    await deferred[0]();
    expect(await resetRows()).toHaveLength(1);
    expect(await requested()).toHaveLength(1);
    await mailed(at("r-timing"), 1);

    // measured: an address with an account and one without, alternating
    const known: number[] = [];
    const unknown: number[] = [];
    const skip = () => {};
    for (let i = 0; i < 15; i++) {
      for (const [email, times] of [
        [at("r-timing"), known],
        [at(`r-timing-nobody-${i}`), unknown],
      ] as const) {
        const start = performance.now();
        await requestPasswordReset(db().db, { email }, ip(30 + i), skip);
        times.push(performance.now() - start);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [k, n] = [median(known), median(unknown)];
    console.log(`[timing] reset answer p50, ${driver}: known ${k.toFixed(2)} ms, unknown ${n.toFixed(2)} ms`);
    expect(Math.abs(k - n)).toBeLessThan(Math.max(3, 0.5 * Math.max(k, n)));
  });

  it("limited per address (silently) and per client address (said)", async () => {
    await createUser(db().db, { email: at("r-limit"), passwordHash: "x" });
    for (let i = 0; i < RESETS_PER_ADDRESS_PER_HOUR + 2; i++)
      expect(await requestPasswordReset(db().db, { email: at("r-limit") }, ip(10 + i))).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.messages.filter((m) => m.to.includes(at("r-limit"))).length).toBe(RESETS_PER_ADDRESS_PER_HOUR);
    let last: unknown;
    for (let i = 0; i < 11; i++) last = await requestPasswordReset(db().db, { email: at(`r-ip-${i}`) }, ip(99));
    expect(last).toEqual({ ok: false, reason: "rate_limited" });
  });
});

describeDatabases("password change and profile", (db) => {
  const req2 = { ip: "192.0.2.44", userAgent: "vitest" };
  it("needs the current password, ends reset links and every other session", async () => {
    const u = await createUser(db().db, {
      email: "c-owner@example.com",
      passwordHash: await hashPassword("old password 123"),
    });
    const mine = await startSession(db().db, { userId: u.id, method: "password", ...req2 });
    const other = await startSession(db().db, { userId: u.id, method: "password", ...req2 });
    const reset = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });
    const base = { userId: u.id, sessionId: mine, ...req2 };
    expect(await changePassword(db().db, { ...base, current: "wrong one", next: "new password 456" })).toEqual({
      ok: false,
      reason: "wrong_password",
    });
    expect(await changePassword(db().db, { ...base, current: "old password 123", next: "short" })).toEqual({
      ok: false,
      reason: "weak_password",
    });
    expect(await changePassword(db().db, { ...base, current: "old password 123", next: "new password 456" })).toEqual({
      ok: true,
      signedOut: 1,
    });
    expect(await liveSession(db().db, { sid: mine, userId: u.id, ip: null })).toBeDefined();
    expect(await liveSession(db().db, { sid: other, userId: u.id, ip: null })).toBeUndefined();
    // the reset link mailed before the change no longer works
    expect(await resetPassword(db().db, { token: reset, password: "third password 789" }, req2)).toEqual({
      ok: false,
      state: "used",
    });
    const events = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, u.id), eq(auditEvents.event, "auth.password_changed")));
    expect(events).toHaveLength(1);
    expect(await updateName(db().db, u.id, "x".repeat(101))).toEqual({ ok: false });
    expect(await updateName(db().db, u.id, "  Ada  ")).toEqual({ ok: true });
    const [row] = await db().db.select().from(users).where(eq(users.id, u.id));
    expect(row.name).toBe("Ada");
  });
});
