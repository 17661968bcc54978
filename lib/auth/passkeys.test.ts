// Passkey rules on every database driver, with a software authenticator answering as a
// browser would: registration, challenges single-use and bound to purpose, user or ticket
// and origin, the second sign-in step, sign-in with a passkey alone, step-up, hostile input.
import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents, passkeys, userSessions, webauthnChallenges } from "@/db/schema";
import {
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  registerPasskey,
  relyingParty,
  removePasskey,
  renameUserPasskey,
  verifyPasskeyAssertion,
} from "@/lib/auth/passkeys";
import { startSession, STEP_UP_WINDOW_MS } from "@/lib/auth/sessions";
import {
  completeSignInWithPasskey,
  issueSignInTicket,
  passkeySignIn,
  passkeySignInOptions,
  signInPasskeyOptions,
  stepUpPasskeyOptions,
  stepUpWithPasskey,
  twoFactorStatus,
} from "@/lib/auth/two-factor";
import { createUser } from "@/lib/users";
import { describeDatabases } from "@/test/databases";
import { type SoftAuthenticator, softAuthenticator } from "@/test/webauthn-authenticator";

const req = { ip: "203.0.113.8", userAgent: "vitest" };

describeDatabases("passkeys", (db) => {
  const rp = relyingParty();

  async function withPasskey(email: string, key: SoftAuthenticator = softAuthenticator()) {
    const user = await createUser(db().db, { email, passwordHash: null });
    const options = await passkeyRegistrationOptions(db().db, { userId: user.id, email });
    const result = await registerPasskey(db().db, {
      userId: user.id,
      response: JSON.stringify(key.register(options.challenge, rp.id, rp.origin)),
      name: "Laptop",
      ...req,
    });
    if (!result.ok) throw new Error(`registration failed: ${result.reason}`);
    return { user, key };
  }

  it("registers a passkey for our RP ID and origin, once per challenge, and audits it", async () => {
    const user = await createUser(db().db, { email: "pk-register@example.com", passwordHash: null });
    const key = softAuthenticator();
    const options = await passkeyRegistrationOptions(db().db, { userId: user.id, email: user.email });
    expect(options.rp.id).toBe(rp.id);
    const response = key.register(options.challenge, rp.id, rp.origin);
    const ok = await registerPasskey(db().db, { userId: user.id, response, name: " My\u0000 key ", ...req });
    expect(ok).toMatchObject({ ok: true, passkey: { id: key.id, name: "My key" } });
    // the same answer again: its challenge is spent
    expect(await registerPasskey(db().db, { userId: user.id, response, name: "again", ...req })).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await twoFactorStatus(db().db, user.id)).toMatchObject({ enrolled: true, totp: false });
    const events = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.event, "auth.2fa_enrolled")));
    expect(events).toHaveLength(1);
    expect(events[0].reason).toBe("passkey");
  });

  it("refuses a registration made for another origin or RP ID, or answering another user's challenge", async () => {
    const user = await createUser(db().db, { email: "pk-origin@example.com", passwordHash: null });
    const other = await createUser(db().db, { email: "pk-origin-other@example.com", passwordHash: null });
    const key = softAuthenticator();
    let options = await passkeyRegistrationOptions(db().db, { userId: user.id, email: user.email });
    const evil = key.register(options.challenge, rp.id, "https://okoro.evil.example");
    expect(await registerPasskey(db().db, { userId: user.id, response: evil, name: "x", ...req })).toEqual({
      ok: false,
      reason: "invalid",
    });
    // the failed answer spent the challenge: a correct one for it is refused too
    const late = key.register(options.challenge, rp.id, rp.origin);
    expect(await registerPasskey(db().db, { userId: user.id, response: late, name: "x", ...req })).toEqual({
      ok: false,
      reason: "challenge",
    });
    options = await passkeyRegistrationOptions(db().db, { userId: user.id, email: user.email });
    const wrongRp = key.register(options.challenge, "evil.example", rp.origin);
    expect(await registerPasskey(db().db, { userId: user.id, response: wrongRp, name: "x", ...req })).toMatchObject({
      ok: false,
    });
    // a challenge issued to one user cannot register a passkey for another
    options = await passkeyRegistrationOptions(db().db, { userId: user.id, email: user.email });
    const stolen = key.register(options.challenge, rp.id, rp.origin);
    expect(await registerPasskey(db().db, { userId: other.id, response: stolen, name: "x", ...req })).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await db().db.select().from(passkeys).where(eq(passkeys.id, key.id))).toHaveLength(0);
  });

  it("hostile input: malformed, oversized and wrong-typed answers are refused without throwing", async () => {
    const user = await createUser(db().db, { email: "pk-hostile@example.com", passwordHash: null });
    for (const response of [
      "",
      "{",
      "null",
      "x".repeat(70_000),
      JSON.stringify({ id: "a", rawId: "a", type: "public-key", response: { clientDataJSON: "!!" } }),
      { id: "a".repeat(5000), rawId: "a", type: "public-key", response: {} },
      JSON.stringify({
        id: "a",
        rawId: "a",
        type: "public-key",
        response: { clientDataJSON: "bm90IGpzb24", attestationObject: "AA" },
      }),
    ]) {
      expect(await registerPasskey(db().db, { userId: user.id, response, name: "x", ...req })).toMatchObject({
        ok: false,
      });
      expect(await verifyPasskeyAssertion(db().db, { purpose: "passkey_sign_in", response })).toMatchObject({
        ok: false,
      });
    }
  });

  it("assertions: single-use challenges, bound to purpose, user and origin; the counter moves", async () => {
    const { user, key } = await withPasskey("pk-assert@example.com");
    const other = await withPasskey("pk-assert-other@example.com");

    let options = await passkeyAuthenticationOptions(db().db, { purpose: "step_up", userId: user.id });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([key.id]);
    const answer = key.authenticate(options.challenge, rp.id, rp.origin);
    // a step-up challenge does not sign in
    expect(await verifyPasskeyAssertion(db().db, { purpose: "passkey_sign_in", response: answer })).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await verifyPasskeyAssertion(db().db, { purpose: "step_up", userId: user.id, response: answer })).toEqual({
      ok: true,
      userId: user.id,
      passkeyId: key.id,
    });
    // replayed
    expect(await verifyPasskeyAssertion(db().db, { purpose: "step_up", userId: user.id, response: answer })).toEqual({
      ok: false,
      reason: "challenge",
    });
    const [row] = await db().db.select().from(passkeys).where(eq(passkeys.id, key.id));
    expect(row.counter).toBe(1);
    expect(row.lastUsedAt).not.toBeNull();

    // another origin
    options = await passkeyAuthenticationOptions(db().db, { purpose: "step_up", userId: user.id });
    const phished = key.authenticate(options.challenge, rp.id, "https://okoro-login.evil.example");
    expect(
      await verifyPasskeyAssertion(db().db, { purpose: "step_up", userId: user.id, response: phished }),
    ).toMatchObject({ ok: false });

    // another user's passkey answering this user's challenge
    options = await passkeyAuthenticationOptions(db().db, { purpose: "step_up", userId: user.id });
    const foreign = other.key.authenticate(options.challenge, rp.id, rp.origin);
    expect(await verifyPasskeyAssertion(db().db, { purpose: "step_up", userId: user.id, response: foreign })).toEqual({
      ok: false,
      reason: "unknown_passkey",
    });

    // expired
    options = await passkeyAuthenticationOptions(db().db, { purpose: "step_up", userId: user.id });
    await db()
      .db.update(webauthnChallenges)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(webauthnChallenges.challenge, options.challenge));
    const stale = key.authenticate(options.challenge, rp.id, rp.origin);
    expect(await verifyPasskeyAssertion(db().db, { purpose: "step_up", userId: user.id, response: stale })).toEqual({
      ok: false,
      reason: "challenge",
    });
  });

  it("second sign-in step with a passkey: bound to the ticket, which it spends", async () => {
    const { user, key } = await withPasskey("pk-ticket@example.com");
    const ticket = await issueSignInTicket(db().db, user.id);
    const otherTicket = await issueSignInTicket(db().db, user.id);
    const options = await signInPasskeyOptions(db().db, ticket);
    if (!options) throw new Error("no options");
    const answer = key.authenticate(options.challenge, rp.id, rp.origin);
    // the challenge belongs to the first ticket only
    expect(await completeSignInWithPasskey(db().db, { ticket: otherTicket, response: answer, ...req })).toEqual({
      ok: false,
      reason: "invalid",
      attemptsLeft: 4,
    });
    const options2 = await signInPasskeyOptions(db().db, ticket);
    if (!options2) throw new Error("no options");
    const answer2 = key.authenticate(options2.challenge, rp.id, rp.origin);
    expect(await completeSignInWithPasskey(db().db, { ticket, response: answer2, ...req })).toEqual({
      ok: true,
      userId: user.id,
      via: "passkey",
      method: "password",
    });
    expect(await signInPasskeyOptions(db().db, ticket)).toBeUndefined();
    expect(await signInPasskeyOptions(db().db, "sit_unknown")).toBeUndefined();
  });

  it("sign-in with a passkey alone needs user verification", async () => {
    const { user, key } = await withPasskey("pk-alone@example.com");
    const options = await passkeySignInOptions(db().db);
    expect(options.allowCredentials ?? []).toEqual([]);
    const result = await passkeySignIn(db().db, {
      response: key.authenticate(options.challenge, rp.id, rp.origin),
      ...req,
    });
    expect(result).toMatchObject({ ok: true, user: { id: user.id } });

    const careless = softAuthenticator({ userVerified: false });
    const { user: u2 } = await withPasskey("pk-alone-uv@example.com", careless);
    const o2 = await passkeySignInOptions(db().db);
    expect(
      await passkeySignIn(db().db, { response: careless.authenticate(o2.challenge, rp.id, rp.origin), ...req }),
    ).toEqual({ ok: false, reason: "invalid" });
    // as a second factor, after the password, presence is enough
    const o3 = await stepUpPasskeyOptions(db().db, u2.id);
    expect(
      await verifyPasskeyAssertion(db().db, {
        purpose: "step_up",
        userId: u2.id,
        response: careless.authenticate(o3.challenge, rp.id, rp.origin),
      }),
    ).toMatchObject({ ok: true });
  });

  it("step-up with a passkey opens the 10-minute window", async () => {
    const { user, key } = await withPasskey("pk-stepup@example.com");
    const sid = await startSession(db().db, { userId: user.id, method: "password", ...req });
    const old = new Date(Date.now() - STEP_UP_WINDOW_MS - 1000);
    await db().db.update(userSessions).set({ verifiedAt: old }).where(eq(userSessions.id, sid));
    const options = await stepUpPasskeyOptions(db().db, user.id);
    expect(
      await stepUpWithPasskey(db().db, {
        userId: user.id,
        sessionId: sid,
        response: key.authenticate(options.challenge, rp.id, "http://127.0.0.1:3000"),
        ...req,
      }),
    ).toEqual({ ok: false, reason: "invalid" });
    const fresh = await stepUpPasskeyOptions(db().db, user.id);
    expect(
      await stepUpWithPasskey(db().db, {
        userId: user.id,
        sessionId: sid,
        response: key.authenticate(fresh.challenge, rp.id, rp.origin),
        ...req,
      }),
    ).toEqual({ ok: true });
    const [row] = await db().db.select().from(userSessions).where(eq(userSessions.id, sid));
    expect(Date.now() - row.verifiedAt.getTime()).toBeLessThan(60_000);
  });

  it("rename and remove act only on the user's own passkeys; removal is audited", async () => {
    const { user, key } = await withPasskey("pk-own@example.com");
    const other = await createUser(db().db, { email: "pk-own-other@example.com", passwordHash: null });
    expect(await renameUserPasskey(db().db, { userId: other.id, id: key.id, name: "mine now" })).toBe(false);
    expect(await removePasskey(db().db, { userId: other.id, id: key.id, ...req })).toBe(false);
    expect(await renameUserPasskey(db().db, { userId: user.id, id: key.id, name: "" })).toBe(false);
    expect(await renameUserPasskey(db().db, { userId: user.id, id: key.id, name: "x".repeat(500) })).toBe(true);
    const [row] = await db().db.select().from(passkeys).where(eq(passkeys.id, key.id));
    expect(row.name).toHaveLength(60);
    expect(await removePasskey(db().db, { userId: user.id, id: key.id, ...req })).toBe(true);
    expect((await twoFactorStatus(db().db, user.id)).enrolled).toBe(false);
    const removed = await db()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, user.id), eq(auditEvents.event, "auth.2fa_removed")));
    expect(removed).toHaveLength(1);
  });
});
