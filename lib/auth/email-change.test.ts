// Changing the account's e-mail address on every database driver, with mail sent to a real
// local SMTP server (test/smtp.ts): the link goes to the new address and a notice to the
// old one; confirming moves the account in one transaction (audited, other sessions and
// links ended); used, expired, superseded and tampered links change nothing; an address
// another account has gets the same answer and nothing changes, also when it is taken
// between the request and the confirmation; requests are limited per account.
import { and, eq } from "drizzle-orm";
import { expect, it, vi } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { changePassword } from "@/lib/auth/account";
import { issueLink, LINK_TTL_MS, peekLink } from "@/lib/auth/account-links";
import {
  cancelEmailChange,
  checkEmailChangeLink,
  confirmEmailChange,
  EMAIL_CHANGES_PER_HOUR,
  pendingEmailChange,
  requestEmailChange,
} from "@/lib/auth/email-change";
import { hashPassword } from "@/lib/auth/password";
import { resetPassword } from "@/lib/auth/password-reset";
import { passwordSignIn } from "@/lib/auth/password-sign-in";
import { liveSession, startSession } from "@/lib/auth/sessions";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";
import { useMailSink } from "@/test/use-mail";
import { decodeMail, linkIn } from "@/test/smtp";

const PASSWORD = "correct horse battery";
const sink = useMailSink();

const mailsTo = (to: string) => sink.messages.filter((m) => m.to.includes(to));

/** Waits for the `count`th message to `to` (mail goes out after the answer) and returns it decoded. */
async function mailed(to: string, count: number): Promise<string> {
  await vi.waitFor(() => expect(mailsTo(to).length).toBeGreaterThanOrEqual(count), { timeout: 5000 });
  return decodeMail(mailsTo(to)[count - 1].raw);
}

/** The confirmation token in a message already decoded by `mailed` (linkIn would decode it twice). */
function tokenIn(mail: string): string {
  const link = mail.match(/https?:\/\/[^\s"<>]+\/confirm-email-change[^\s"<>]*/)?.[0]?.replace(/&amp;/g, "&");
  expect(link, "a /confirm-email-change link").toBeDefined();
  return new URL(link!).searchParams.get("token")!;
}

describeDatabases("e-mail change", (db, driver) => {
  const at = (local: string) => `${local}-${driver}@example.com`;
  let ipCounter = 0;
  const req = () => ({ ip: `198.51.100.${++ipCounter}`, userAgent: "vitest" });

  const account = (local: string, options: { unverified?: boolean } = {}) =>
    hashPassword(PASSWORD).then((passwordHash) =>
      createUser(db().db, {
        email: at(local),
        passwordHash,
        ...(options.unverified ? { emailUnverified: true } : { emailVerified: new Date() }),
      }),
    );
  const userRow = async (id: string) => (await db().db.select().from(users).where(eq(users.id, id)))[0];
  const events = (userId: string, event: "auth.email_changed" | "auth.session_revoked") =>
    db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, userId), eq(auditEvents.event, event)));

  it("mails a link to the new address and a notice to the old; confirming moves the account", async () => {
    const u = await account("move-old");
    const mine = await startSession(db().db, { userId: u.id, method: "password", ...req() });
    const other = await startSession(db().db, { userId: u.id, method: "password", ...req() });
    const reset = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });

    const asked = await requestEmailChange(db().db, {
      userId: u.id,
      newEmail: `  ${at("move-new").toUpperCase()} `,
      ...req(),
    });
    expect(asked).toEqual({ ok: true, email: at("move-new") });

    const toNew = await mailed(at("move-new"), 1);
    expect(toNew).toContain("Subject: Confirm your new e-mail address for okoro");
    const token = tokenIn(toNew);
    const toOld = await mailed(at("move-old"), 1);
    expect(toOld).toContain("change of your okoro account's e-mail address was requested");
    expect(toOld).toContain(at("move-new"));
    expect(linkIn(toOld, "/confirm-email-change")).toBeUndefined();

    // nothing changes until the link is used
    expect((await userRow(u.id)).email).toBe(at("move-old"));
    expect(await pendingEmailChange(db().db, u.id)).toMatchObject({ newEmail: at("move-new") });
    expect(await checkEmailChangeLink(db().db, token)).toEqual({ state: "ok", newEmail: at("move-new") });

    const confirmed = await confirmEmailChange(db().db, {
      token,
      session: { userId: u.id, sessionId: mine },
      ...req(),
    });
    expect(confirmed).toEqual({ ok: true, userId: u.id, email: at("move-new"), signedOut: 1 });
    const after = await userRow(u.id);
    expect(after.email).toBe(at("move-new"));
    expect(after.emailUnverified).toBe(false);
    expect(after.emailVerified).toBeInstanceOf(Date);
    expect(await events(u.id, "auth.email_changed")).toHaveLength(1);
    expect((await events(u.id, "auth.session_revoked")).map((e) => e.error)).toEqual(["email_changed"]);
    // the session the link was used in stays; every other one ends
    expect(await liveSession(db().db, { sid: mine, userId: u.id, ip: null })).toBeDefined();
    expect(await liveSession(db().db, { sid: other, userId: u.id, ip: null })).toBeUndefined();
    // a reset link mailed to the old address died with it
    expect(await resetPassword(db().db, { token: reset, password: "another password 123" }, req())).toEqual({
      ok: false,
      state: "used",
    });
    expect(await pendingEmailChange(db().db, u.id)).toBeNull();

    // the old address is told it changed
    const changed = await mailed(at("move-old"), 2);
    expect(changed).toContain("Subject: Your okoro account's e-mail address changed");
    expect(changed).toContain(`is now ${at("move-new")}`);

    // sign-in: the new address works, the old one no longer does
    expect(await passwordSignIn(db().db, { email: at("move-new"), password: PASSWORD }, req())).toMatchObject({
      ok: true,
      user: { id: u.id },
    });
    expect(await passwordSignIn(db().db, { email: at("move-old"), password: PASSWORD }, req())).toEqual({
      ok: false,
      reason: "invalid",
    });

    // used once: a second use changes nothing and writes nothing
    expect(await confirmEmailChange(db().db, { token, session: null, ...req() })).toEqual({
      ok: false,
      state: "used",
    });
    expect(await events(u.id, "auth.email_changed")).toHaveLength(1);
  });

  it("signed out everywhere when the link is used outside the account's sessions", async () => {
    const u = await account("away-old");
    const s1 = await startSession(db().db, { userId: u.id, method: "password", ...req() });
    const stranger = await account("away-stranger");
    const theirs = await startSession(db().db, { userId: stranger.id, method: "password", ...req() });
    await requestEmailChange(db().db, { userId: u.id, newEmail: at("away-new"), ...req() });
    const token = tokenIn(await mailed(at("away-new"), 1));
    // a session of another account does not count as "this one"
    const done = await confirmEmailChange(db().db, {
      token,
      session: { userId: stranger.id, sessionId: theirs },
      ...req(),
    });
    expect(done).toMatchObject({ ok: true, signedOut: 1 });
    expect(await liveSession(db().db, { sid: s1, userId: u.id, ip: null })).toBeUndefined();
    expect(await liveSession(db().db, { sid: theirs, userId: stranger.id, ip: null })).toBeDefined();
  });

  it("expired, superseded, cancelled and tampered links change nothing", async () => {
    const u = await account("bad-old");
    const expired = await issueLink(db().db, {
      userId: u.id,
      purpose: "change_email",
      newEmail: at("bad-new"),
      now: new Date(Date.now() - LINK_TTL_MS.change_email - 1000),
    });
    expect(await checkEmailChangeLink(db().db, expired)).toEqual({ state: "expired" });
    expect(await confirmEmailChange(db().db, { token: expired, session: null, ...req() })).toEqual({
      ok: false,
      state: "expired",
    });

    await requestEmailChange(db().db, { userId: u.id, newEmail: at("bad-first"), ...req() });
    const first = tokenIn(await mailed(at("bad-first"), 1));
    await requestEmailChange(db().db, { userId: u.id, newEmail: at("bad-second"), ...req() });
    const second = tokenIn(await mailed(at("bad-second"), 1));
    // the newer request ends the older link
    expect(await confirmEmailChange(db().db, { token: first, session: null, ...req() })).toEqual({
      ok: false,
      state: "used",
    });
    const tampered = `${second.slice(0, -1)}${second.endsWith("A") ? "B" : "A"}`;
    for (const bad of [tampered, "", "x".repeat(10_000), "../../etc/passwd", null, 42, { token: second }]) {
      expect(await confirmEmailChange(db().db, { token: bad, session: null, ...req() })).toEqual({
        ok: false,
        state: "invalid",
      });
    }
    // a verification or reset link is no change link
    for (const purpose of ["verify_email", "reset_password"] as const) {
      const other = await issueLink(db().db, { userId: u.id, purpose });
      expect(await confirmEmailChange(db().db, { token: other, session: null, ...req() })).toEqual({
        ok: false,
        state: "invalid",
      });
    }
    expect((await userRow(u.id)).email).toBe(at("bad-old"));
    expect(await events(u.id, "auth.email_changed")).toHaveLength(0);

    // cancelling ends the pending one; so does a password change
    expect(await cancelEmailChange(db().db, u.id)).toBe(true);
    expect(await checkEmailChangeLink(db().db, second)).toEqual({ state: "used" });
    await requestEmailChange(db().db, { userId: u.id, newEmail: at("bad-third"), ...req() });
    const third = tokenIn(await mailed(at("bad-third"), 1));
    const sid = await startSession(db().db, { userId: u.id, method: "password", ...req() });
    expect(
      await changePassword(db().db, {
        userId: u.id,
        sessionId: sid,
        current: PASSWORD,
        next: "a brand new password",
        ...req(),
      }),
    ).toMatchObject({ ok: true });
    expect(await confirmEmailChange(db().db, { token: third, session: null, ...req() })).toEqual({
      ok: false,
      state: "used",
    });
    expect((await userRow(u.id)).email).toBe(at("bad-old"));
  });

  it("an address another account has: the same answer and notice, a mail that says nothing changes", async () => {
    const u = await account("taken-old");
    const holder = await account("taken-holder");
    const free = await requestEmailChange(db().db, { userId: u.id, newEmail: at("taken-free"), ...req() });
    const taken = await requestEmailChange(db().db, { userId: u.id, newEmail: at("taken-holder"), ...req() });
    expect(free).toEqual({ ok: true, email: at("taken-free") });
    expect(taken).toEqual({ ok: true, email: at("taken-holder") });
    // the requester's side looks the same: the pending change and the notice to the old address
    expect(await pendingEmailChange(db().db, u.id)).toMatchObject({ newEmail: at("taken-holder") });
    // (the two notices go out concurrently, in either order)
    await mailed(at("taken-old"), 2);
    const notices = mailsTo(at("taken-old")).map((m) => decodeMail(m.raw));
    for (const addr of [at("taken-free"), at("taken-holder")]) {
      const notice = notices.find((n) => n.includes(`address to ${addr}.`));
      expect(notice, `the notice about ${addr}`).toBeDefined();
      expect(notice).toContain("Subject: A change of your okoro account's e-mail address was requested");
      expect(notice).toContain(`change its e-mail address to ${addr}. Nothing changes until the link`);
    }

    const toHolder = await mailed(at("taken-holder"), 1);
    expect(toHolder).toContain("Subject: Confirm your new e-mail address for okoro");
    expect(toHolder).toContain("already has an okoro account of its own, so nothing changes");
    expect(linkIn(toHolder, "/confirm-email-change")).toBeUndefined();

    // even a link for it (none was sent) cannot move the account there, and is not spent
    const forged = await issueLink(db().db, { userId: u.id, purpose: "change_email", newEmail: at("taken-holder") });
    expect(await confirmEmailChange(db().db, { token: forged, session: null, ...req() })).toEqual({
      ok: false,
      state: "taken",
    });
    expect(await peekLink(db().db, forged, ["change_email"])).toBe("ok");
    expect((await userRow(u.id)).email).toBe(at("taken-old"));
    expect((await userRow(holder.id)).email).toBe(at("taken-holder"));
    expect(await events(u.id, "auth.email_changed")).toHaveLength(0);
  });

  it("taken between the request and the confirmation: refused, nothing changes", async () => {
    const u = await account("race-old");
    const sid = await startSession(db().db, { userId: u.id, method: "password", ...req() });
    await requestEmailChange(db().db, { userId: u.id, newEmail: at("race-new"), ...req() });
    const token = tokenIn(await mailed(at("race-new"), 1));
    const reset = await issueLink(db().db, { userId: u.id, purpose: "reset_password" });
    // someone signs up with the address meanwhile
    await account("race-new");
    expect(await confirmEmailChange(db().db, { token, session: null, ...req() })).toEqual({
      ok: false,
      state: "taken",
    });
    expect((await userRow(u.id)).email).toBe(at("race-old"));
    expect(await events(u.id, "auth.email_changed")).toHaveLength(0);
    expect(await liveSession(db().db, { sid, userId: u.id, ip: null })).toBeDefined();
    // the transaction was undone: the other links are untouched
    expect(await peekLink(db().db, reset, ["reset_password"])).toBe("ok");
    await new Promise((r) => setTimeout(r, 200));
    expect(mailsTo(at("race-old")).filter((m) => m.raw.includes("address changed"))).toHaveLength(0);
  });

  it("limited per account; the same address and malformed ones are refused before counting", async () => {
    const u = await account("limit-old");
    expect(await requestEmailChange(db().db, { userId: u.id, newEmail: at("limit-old"), ...req() })).toEqual({
      ok: false,
      reason: "same_email",
    });
    for (const bad of ["not an address", "", null, "two@at@example.com", `${"x".repeat(250)}@example.com`]) {
      expect(await requestEmailChange(db().db, { userId: u.id, newEmail: bad, ...req() })).toEqual({
        ok: false,
        reason: "invalid_email",
      });
    }
    for (let i = 0; i < EMAIL_CHANGES_PER_HOUR; i++)
      expect(await requestEmailChange(db().db, { userId: u.id, newEmail: at(`limit-${i}`), ...req() })).toMatchObject({
        ok: true,
      });
    expect(await requestEmailChange(db().db, { userId: u.id, newEmail: at("limit-over"), ...req() })).toEqual({
      ok: false,
      reason: "rate_limited",
    });
    await mailed(at(`limit-${EMAIL_CHANGES_PER_HOUR - 1}`), 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(mailsTo(at("limit-over"))).toHaveLength(0);
    // another account has its own allowance
    const v = await account("limit-other");
    expect(await requestEmailChange(db().db, { userId: v.id, newEmail: at("limit-other-new"), ...req() })).toEqual({
      ok: true,
      email: at("limit-other-new"),
    });
  });

  it("an unconfirmed address (a typo at sign-up) is moved without mailing it, and the new one counts as confirmed", async () => {
    const u = await account("typo-old", { unverified: true });
    expect(await requestEmailChange(db().db, { userId: u.id, newEmail: at("typo-new"), ...req() })).toMatchObject({
      ok: true,
    });
    const token = tokenIn(await mailed(at("typo-new"), 1));
    expect(await confirmEmailChange(db().db, { token, session: null, ...req() })).toMatchObject({ ok: true });
    const after = await userRow(u.id);
    expect(after.email).toBe(at("typo-new"));
    expect(after.emailUnverified).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(mailsTo(at("typo-old"))).toHaveLength(0);
  });
});
