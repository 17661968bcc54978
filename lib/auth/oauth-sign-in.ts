// GitHub / Google sign-in: find or create the user by a *verified* e-mail address and link
// the identity in `accounts`. An existing password account whose address nobody has
// proven is never linked automatically: otherwise whoever signed up first with someone
// else's address (and knows that password) would share the real owner's account once
// the owner signs in with Google — a pre-account-takeover. Its owner signs in with the
// password instead.
import "server-only";
import type { Database } from "@/db/client";
import type { User } from "@/db/schema";
import { findUserByAccount, findUserByEmail, linkAccount } from "@/db/queries/users";
import { createUser } from "@/lib/users";
import type { SignInContext } from "@/lib/auth/password-sign-in";
import { appendAudit } from "@/lib/audit/append";
import { isOkoroError } from "@/lib/errors";

export type OAuthIdentity = {
  provider: "github" | "google";
  providerAccountId: string;
  email: string | null;
  emailVerified: boolean;
  name?: string | null;
  image?: string | null;
};

export type OAuthSignInResult =
  | { ok: true; user: User; created: boolean }
  | { ok: false; reason: "unverified_email" | "not_linked" | "disabled" };

export async function oauthSignIn(
  db: Database,
  identity: OAuthIdentity,
  context: SignInContext,
): Promise<OAuthSignInResult> {
  const audit = (event: "auth.signin" | "auth.signin_failed", userId: string | null, error?: string) =>
    appendAudit(db, {
      event,
      userId,
      outcome: event === "auth.signin" ? "allowed" : "denied",
      error: error ?? null,
      method: "GET",
      path: context.path ?? `/api/auth/callback/${identity.provider}`,
      ip: context.ip,
      userAgent: context.userAgent,
    });
  const refuse = async (reason: "unverified_email" | "not_linked" | "disabled", userId: string | null) => {
    await audit("auth.signin_failed", userId, reason === "disabled" ? "account_disabled" : `oauth_${reason}`);
    return { ok: false, reason } as const;
  };
  const admit = async (user: User, created: boolean) => {
    await audit("auth.signin", user.id);
    return { ok: true, user, created } as const;
  };

  const linked = await findUserByAccount(db, identity);
  if (linked) return linked.status === "active" ? admit(linked, false) : refuse("disabled", linked.id);

  if (!identity.email || !identity.emailVerified) return refuse("unverified_email", null);

  const existing = await findUserByEmail(db, { email: identity.email });
  if (existing) {
    if (existing.status !== "active") return refuse("disabled", existing.id);
    if (!existing.emailVerified) return refuse("not_linked", existing.id);
    await linkAccount(db, {
      userId: existing.id,
      provider: identity.provider,
      providerAccountId: identity.providerAccountId,
    });
    return admit(existing, false);
  }

  try {
    const user = await db.transaction(async (tx) => {
      const created = await createUser(tx, {
        email: identity.email!,
        name: identity.name,
        image: identity.image,
        emailVerified: new Date(),
      });
      await linkAccount(tx, {
        userId: created.id,
        provider: identity.provider,
        providerAccountId: identity.providerAccountId,
      });
      return created;
    });
    return admit(user, true);
  } catch (e) {
    // a concurrent sign-in created the account first: start over, it links this time
    if (isOkoroError(e) && e.code === "conflict") return oauthSignIn(db, identity, context);
    throw e;
  }
}

type GitHubEmail = { email: string; primary: boolean; verified: boolean };

/**
 * GitHub's profile e-mail is whatever the user made public and says nothing about
 * verification; /user/emails does (the provider asks for the user:email scope).
 * Returns the primary address when verified, else null.
 */
export async function githubVerifiedEmail(
  accessToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string | null> {
  const res = await fetchImpl("https://api.github.com/user/emails", {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "okoro" },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) return null;
  const emails = (await res.json()) as GitHubEmail[];
  const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
  return primary?.email ?? null;
}
