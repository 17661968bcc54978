// Two-factor rules on every database driver: TOTP enrolment and its codes (wrong, replayed),
// single-use hashed recovery codes, the sign-in ticket (single use, burnt after five wrong
// codes, per-user attempt limit), step-up with a code, and the audit events.
import { and, eq } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import { expect, it } from "vitest";
import { sweepTwoFactor } from "@/db/queries/two-factor";
import {
  auditEvents,
  limitCounters,
  recoveryCodes,
  signInTickets,
  userSessions,
  userTotp,
  webauthnChallenges,
} from "@/db/schema";
import { startSession, STEP_UP_WINDOW_MS } from "@/lib/auth/sessions";
import {
  checkCode,
  completeSignInWithCode,
  confirmTotpEnrolment,
  issueSignInTicket,
  oauthSecondFactorTicket,
  regenerateRecoveryCodes,
  removeTotp,
  startTotpEnrolment,
  stepUpWithCode,
  TICKET_MAX_FAILURES,
  ticketHash,
  ticketUser,
  twoFactorStatus,
  USER_ATTEMPTS,
} from "@/lib/auth/two-factor";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";

const req = { ip: "203.0.113.7", userAgent: "vitest" };

function codeAt(secret: string, timestamp = Date.now()): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp,
  });
}

/** A code that is not valid now nor one step either side. */
function wrongCode(secret: string): string {
  const near = new Set([-1, 0, 1].map((d) => codeAt(secret, Date.now() + d * 30_000)));
  for (let i = 0; ; i++) {
    const c = String(i).padStart(6, "0");
    if (!near.has(c)) return c;
  }
}

describeDatabases("two-factor", (db) => {
  async function enrolled(email: string) {
    const user = await createUser(db().db, { email, passwordHash: null });
    const enrolment = await startTotpEnrolment(db().db, { userId: user.id, email });
    // the step before now: the first sign-in code below is then a later step
    const result = await confirmTotpEnrolment(db().db, {
      userId: user.id,
      code: codeAt(enrolment.secret, Date.now() - 30_000),
      ...req,
    });
    if (!result.ok) throw new Error(`enrolment failed: ${result.reason}`);
    return { user, secret: enrolment.secret, recoveryCodes: result.recoveryCodes };
  }

  it("enrolment: a pending secret does not count, a wrong code does not confirm, a right one does", async () => {
    const user = await createUser(db().db, { email: "tf-enrol@example.com", passwordHash: null });
    const enrolment = await startTotpEnrolment(db().db, { userId: user.id, email: user.email });
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/okoro:/);
    // the secret is stored sealed, never as the base32 text
    const [row] = await db().db.select().from(userTotp).where(eq(userTotp.userId, user.id));
    expect(JSON.stringify(row.secret)).not.toContain(enrolment.secret);
    expect((await twoFactorStatus(db().db, user.id)).enrolled).toBe(false);

    expect(await confirmTotpEnrolment(db().db, { userId: user.id, code: wrongCode(enrolment.secret), ...req })).toEqual(
      { ok: false, reason: "invalid" },
    );
    const ok = await confirmTotpEnrolment(db().db, { userId: user.id, code: codeAt(enrolment.secret), ...req });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.recoveryCodes).toHaveLength(10);
    expect(new Set(ok.recoveryCodes).size).toBe(10);
    const status = await twoFactorStatus(db().db, user.id);
    expect(status).toMatchObject({ totp: true, enrolled: true, recoveryCodesLeft: 10 });
    // recovery codes are stored hashed
    const stored = await db().db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    for (const c of ok.recoveryCodes) {
      expect(stored.some((s) => s.codeHash.includes(c.replace("-", "")))).toBe(false);
    }
    // a second enrolment cannot overwrite the confirmed secret
    await expect(startTotpEnrolment(db().db, { userId: user.id, email: user.email })).rejects.toMatchObject({
      code: "conflict",
    });
    const events = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.event, "auth.2fa_enrolled")));
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(enrolment.secret);
  });

  it("a code is accepted once: the same 30-second window again is a replay", async () => {
    const { user, secret } = await enrolled("tf-replay@example.com");
    const code = codeAt(secret);
    expect(await checkCode(db().db, { userId: user.id, code })).toEqual({ ok: true, via: "totp" });
    expect(await checkCode(db().db, { userId: user.id, code })).toEqual({ ok: false, reason: "replayed" });
    // an older step (still within drift) is refused too once a later one was used
    expect(await checkCode(db().db, { userId: user.id, code: codeAt(secret, Date.now() - 30_000) })).toEqual({
      ok: false,
      reason: "replayed",
    });
    expect(await checkCode(db().db, { userId: user.id, code: wrongCode(secret) })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("concurrent uses of one code: exactly one wins", async () => {
    const { user, secret } = await enrolled("tf-race@example.com");
    const code = codeAt(secret);
    const results = await Promise.all(Array.from({ length: 4 }, () => checkCode(db().db, { userId: user.id, code })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("recovery codes are single-use, with or without the dash, and regenerating voids the old ones", async () => {
    const { user, recoveryCodes: codes } = await enrolled("tf-recovery@example.com");
    expect(await checkCode(db().db, { userId: user.id, code: codes[0] })).toEqual({ ok: true, via: "recovery_code" });
    expect(await checkCode(db().db, { userId: user.id, code: codes[0] })).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCode(db().db, { userId: user.id, code: ` ${codes[1].replace("-", "").toUpperCase()} ` })).toEqual(
      { ok: true, via: "recovery_code" },
    );
    expect((await twoFactorStatus(db().db, user.id)).recoveryCodesLeft).toBe(8);
    const fresh = await regenerateRecoveryCodes(db().db, { userId: user.id, ...req });
    expect(await checkCode(db().db, { userId: user.id, code: codes[2] })).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCode(db().db, { userId: user.id, code: fresh[0] })).toMatchObject({ ok: true });
    // another user's code opens nothing
    const other = await enrolled("tf-recovery-other@example.com");
    expect(await checkCode(db().db, { userId: user.id, code: other.recoveryCodes[0] })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("sign-in ticket: a right code spends it; it cannot be used twice", async () => {
    const { user, secret } = await enrolled("tf-ticket@example.com");
    const ticket = await issueSignInTicket(db().db, user.id);
    // stored hashed
    const rows = await db().db.select().from(signInTickets).where(eq(signInTickets.userId, user.id));
    expect(rows[0].ticketHash).not.toContain(ticket);
    const ok = await completeSignInWithCode(db().db, { ticket, code: codeAt(secret), ...req });
    expect(ok).toEqual({ ok: true, userId: user.id, via: "totp", method: "password" });
    const again = await completeSignInWithCode(db().db, { ticket, code: codeAt(secret, Date.now() + 30_000), ...req });
    expect(again).toEqual({ ok: false, reason: "expired" });
    expect(await completeSignInWithCode(db().db, { ticket: "sit_forged", code: "123456", ...req })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(
      await completeSignInWithCode(db().db, { ticket: "x".repeat(10_000), code: "1".repeat(10_000), ...req }),
    ).toEqual({ ok: false, reason: "expired" });
  });

  it("a GitHub or Google sign-in with a factor enrolled gets a ticket, and the session records the provider", async () => {
    const plain = await createUser(db().db, { email: "tf-oauth-plain@example.com", passwordHash: null });
    expect(await oauthSecondFactorTicket(db().db, plain.id, "github")).toBeNull();
    const { user, secret } = await enrolled("tf-oauth@example.com");
    const ticket = await oauthSecondFactorTicket(db().db, user.id, "github");
    expect(ticket).toMatch(/^sit_/);
    expect(await completeSignInWithCode(db().db, { ticket: ticket as string, code: codeAt(secret), ...req })).toEqual({
      ok: true,
      userId: user.id,
      via: "totp",
      method: "github",
    });
  });

  it("a ticket is burnt after five wrong codes, even if the next code is right", async () => {
    const { user, secret } = await enrolled("tf-burn@example.com");
    const ticket = await issueSignInTicket(db().db, user.id);
    const bad = wrongCode(secret);
    for (let i = 1; i < TICKET_MAX_FAILURES; i++) {
      expect(await completeSignInWithCode(db().db, { ticket, code: bad, ...req })).toEqual({
        ok: false,
        reason: "invalid",
        attemptsLeft: TICKET_MAX_FAILURES - i,
      });
    }
    expect(await completeSignInWithCode(db().db, { ticket, code: bad, ...req })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await completeSignInWithCode(db().db, { ticket, code: codeAt(secret), ...req })).toEqual({
      ok: false,
      reason: "expired",
    });
    const failed = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.event, "auth.signin_failed")));
    expect(failed.length).toBe(TICKET_MAX_FAILURES);
  });

  it("attempts per user are limited across tickets", async () => {
    const { user, secret } = await enrolled("tf-limit@example.com");
    const bad = wrongCode(secret);
    let limited = false;
    for (let i = 0; i < USER_ATTEMPTS.limit + 2 && !limited; i++) {
      const ticket = await issueSignInTicket(db().db, user.id);
      const r = await completeSignInWithCode(db().db, { ticket, code: bad, ...req });
      limited = r.ok === false && r.reason === "rate_limited";
    }
    expect(limited).toBe(true);
    // even the right code is refused while limited
    const ticket = await issueSignInTicket(db().db, user.id);
    expect(await completeSignInWithCode(db().db, { ticket, code: codeAt(secret), ...req })).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
    // one audit event for the refusals of a window, not one each
    const limitedEvents = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.error, "rate_limited")));
    expect(limitedEvents).toHaveLength(1);
    await db()
      .db.delete(limitCounters)
      .where(eq(limitCounters.key, `2fa:user:${user.id}`));
  });

  it("step-up with a code opens the 10-minute window; a wrong one does not", async () => {
    const { user, secret } = await enrolled("tf-stepup@example.com");
    const sid = await startSession(db().db, { userId: user.id, method: "password", ...req });
    const old = new Date(Date.now() - STEP_UP_WINDOW_MS - 1000);
    await db().db.update(userSessions).set({ verifiedAt: old }).where(eq(userSessions.id, sid));
    const input = { userId: user.id, sessionId: sid, ...req };
    expect(await stepUpWithCode(db().db, { ...input, code: wrongCode(secret) })).toEqual({
      ok: false,
      reason: "invalid",
    });
    let [row] = await db().db.select().from(userSessions).where(eq(userSessions.id, sid));
    expect(row.verifiedAt.getTime()).toBe(old.getTime());
    expect(await stepUpWithCode(db().db, { ...input, code: codeAt(secret) })).toEqual({ ok: true });
    [row] = await db().db.select().from(userSessions).where(eq(userSessions.id, sid));
    expect(Date.now() - row.verifiedAt.getTime()).toBeLessThan(60_000);
  });

  it("removing the app removes its recovery codes and is audited", async () => {
    const { user, recoveryCodes: codes } = await enrolled("tf-remove@example.com");
    expect(await removeTotp(db().db, { userId: user.id, ...req })).toBe(true);
    expect((await twoFactorStatus(db().db, user.id)).enrolled).toBe(false);
    expect(await checkCode(db().db, { userId: user.id, code: codes[0] })).toEqual({ ok: false, reason: "invalid" });
    const removed = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.event, "auth.2fa_removed")));
    expect(removed).toHaveLength(1);
  });

  it("the sweep removes expired challenges and tickets, and keeps live ones", async () => {
    const { user } = await enrolled("tf-sweep@example.com");
    const live = await issueSignInTicket(db().db, user.id);
    const dead = await issueSignInTicket(db().db, user.id);
    await db()
      .db.update(signInTickets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(signInTickets.ticketHash, ticketHash(dead)));
    await db()
      .db.insert(webauthnChallenges)
      .values([
        { challenge: "old-challenge", purpose: "step_up", userId: user.id, expiresAt: new Date(Date.now() - 1000) },
        { challenge: "new-challenge", purpose: "step_up", userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
      ]);
    expect(await sweepTwoFactor(db().db, { limit: 100 })).toBeGreaterThanOrEqual(2);
    const challenges = await db().db.select().from(webauthnChallenges);
    expect(challenges.map((c) => c.challenge)).toContain("new-challenge");
    expect(challenges.map((c) => c.challenge)).not.toContain("old-challenge");
    expect(await ticketUser(db().db, live)).toBe(user.id);
    const left = await db()
      .db.select()
      .from(signInTickets)
      .where(eq(signInTickets.ticketHash, ticketHash(dead)));
    expect(left).toHaveLength(0);
  });
});
