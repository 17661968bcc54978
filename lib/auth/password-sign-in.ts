// E-mail + password sign-in: the per-IP limit, the argon2id check and the audit events
// (auth.signin on the user's chain; auth.signin_failed on the user's chain when the
// e-mail has an account, else on the system chain). The Credentials provider calls this,
// so it holds for the sign-in form and for direct POSTs to /api/auth alike.
// The password is never logged, audited or returned.
import "server-only";
import type { Database } from "@/db/client";
import type { User } from "@/db/schema";
import { findUserByEmail } from "@/db/queries/users";
import { hitIpLimit } from "@/lib/auth/ip-limits";
import { burnVerification, verifyPassword } from "@/lib/auth/password";
import { hasSecondFactor, issueSignInTicket } from "@/lib/auth/two-factor";
import { appendAudit } from "@/lib/audit/append";

export type SignInContext = {
  ip: string | null;
  userAgent: string | null;
  /** the auth endpoint's path, recorded with the event */
  path?: string | null;
};

export type PasswordSignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "disabled" }
  /** the password was right and a second factor is enrolled: no session yet, a ticket for step two */
  | { ok: false; reason: "second_factor"; ticket: string }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export async function passwordSignIn(
  db: Database,
  input: { email: string; password: string },
  context: SignInContext,
): Promise<PasswordSignInResult> {
  const audit = (event: "auth.signin" | "auth.signin_failed", userId: string | null, error?: string) =>
    appendAudit(db, {
      event,
      userId,
      outcome: event === "auth.signin" ? "allowed" : "denied",
      error: error ?? null,
      method: "POST",
      path: context.path ?? null,
      ip: context.ip,
      userAgent: context.userAgent,
    });

  const limit = await hitIpLimit(db, "signin", context.ip);
  if (!limit.allowed) {
    // one event per address and window: a flood of refusals must not flood the log
    if (limit.firstRefusal) {
      const user = await findUserByEmail(db, { email: input.email });
      await audit("auth.signin_failed", user?.id ?? null, "rate_limited");
    }
    return { ok: false, reason: "rate_limited", retryAfterSeconds: limit.retryAfterSeconds };
  }

  const user = await findUserByEmail(db, { email: input.email });
  if (!user?.passwordHash) {
    await burnVerification(input.password);
    await audit("auth.signin_failed", user?.id ?? null, user ? "no_password" : "unknown_email");
    return { ok: false, reason: "invalid" };
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await audit("auth.signin_failed", user.id, "wrong_password");
    return { ok: false, reason: "invalid" };
  }
  if (user.status !== "active") {
    await audit("auth.signin_failed", user.id, "account_disabled");
    return { ok: false, reason: "disabled" };
  }
  // docs/dashboard.md#two-factor-authentication: auth.signin is written when step two succeeds
  if (await hasSecondFactor(db, user.id))
    return { ok: false, reason: "second_factor", ticket: await issueSignInTicket(db, user.id) };
  await audit("auth.signin", user.id);
  return { ok: true, user };
}
