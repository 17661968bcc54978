import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { findUserByAccount, findUserByEmail, setUserStatus } from "@/db/queries/users";
import { createUser } from "@/lib/users";
import { githubVerifiedEmail, oauthSignIn, type OAuthIdentity } from "@/lib/auth/oauth-sign-in";
import { describeDatabases } from "@/test/databases";

const ctx = { ip: "192.0.2.10", userAgent: "vitest" };
const identity = (over: Partial<OAuthIdentity>): OAuthIdentity => ({
  provider: "google",
  providerAccountId: Math.random().toString(36).slice(2),
  email: null,
  emailVerified: true,
  ...over,
});

describeDatabases("OAuth sign-in", (db) => {
  it("creates a user for a new verified address and links the identity", async () => {
    const id = identity({ email: "New@Example.com", name: "New Person" });
    const result = await oauthSignIn(db().db, id, ctx);
    expect(result.ok && result.created).toBe(true);
    const user = await findUserByEmail(db().db, { email: "new@example.com" });
    expect(user?.emailVerified).toBeInstanceOf(Date);
    expect(user?.passwordHash).toBeNull();
    expect((await findUserByAccount(db().db, id))?.id).toBe(user?.id);
    const events = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, user!.id));
    expect(events.map((e) => e.event)).toEqual(["auth.signin"]);
  });

  it("signs a linked identity in again without creating anything", async () => {
    const id = identity({ email: "again@example.com" });
    const first = await oauthSignIn(db().db, id, ctx);
    const second = await oauthSignIn(db().db, { ...id, email: "changed@example.com" }, ctx);
    expect(second.ok && !second.created && first.ok && second.user.id === first.user.id).toBe(true);
  });

  it("refuses an address the provider has not verified", async () => {
    expect(
      await oauthSignIn(db().db, identity({ email: "unverified@example.com", emailVerified: false }), ctx),
    ).toEqual({
      ok: false,
      reason: "unverified_email",
    });
    expect(await findUserByEmail(db().db, { email: "unverified@example.com" })).toBeUndefined();
  });

  it("links to an existing account whose address was verified", async () => {
    const user = await createUser(db().db, { email: "verified@example.com", emailVerified: new Date() });
    const result = await oauthSignIn(db().db, identity({ provider: "github", email: "verified@example.com" }), ctx);
    expect(result.ok && result.user.id).toBe(user.id);
  });

  it("never links to a password account nobody verified (pre-account takeover)", async () => {
    const squatter = await createUser(db().db, { email: "victim@example.com", passwordHash: "$argon2id$placeholder" });
    const id = identity({ email: "victim@example.com" });
    expect(await oauthSignIn(db().db, id, ctx)).toEqual({ ok: false, reason: "not_linked" });
    expect(await findUserByAccount(db().db, id)).toBeUndefined();
    const events = await db().db.select().from(auditEvents).where(eq(auditEvents.chain, squatter.id));
    expect(events.map((e) => [e.event, e.error])).toEqual([["auth.signin_failed", "oauth_not_linked"]]);
  });

  it("refuses a disabled account", async () => {
    const id = identity({ email: "disabled@example.com" });
    const first = await oauthSignIn(db().db, id, ctx);
    await setUserStatus(db().db, { userId: first.ok ? first.user.id : "", status: "disabled" });
    expect(await oauthSignIn(db().db, id, ctx)).toEqual({ ok: false, reason: "disabled" });
  });
});

it("takes GitHub's primary address only when GitHub verified it", async () => {
  const fake = (body: unknown, status = 200) =>
    (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
  expect(
    await githubVerifiedEmail(
      "t",
      fake([
        { email: "a@x.io", primary: false, verified: true },
        { email: "b@x.io", primary: true, verified: true },
      ]),
    ),
  ).toBe("b@x.io");
  expect(await githubVerifiedEmail("t", fake([{ email: "b@x.io", primary: true, verified: false }]))).toBeNull();
  expect(await githubVerifiedEmail("t", fake({ message: "Bad credentials" }, 401))).toBeNull();
});
