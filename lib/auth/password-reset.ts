// Password reset (docs/dashboard.md#password-reset): a single-use link for 30 minutes,
// ended by its use, by a newer link and by a password change. Asking answers the same
// whether or not the address has an account, and before anything about it is looked up.
// Using it sets the password and signs out every session.
import "server-only";
import type { Database } from "@/db/client";
import { endAccountTokens } from "@/db/queries/account-tokens";
import { hitWindow } from "@/db/queries/limits";
import { findUserByEmail, markEmailVerified, normalizeEmail, setPasswordHash } from "@/db/queries/users";
import { appendAudit, appendAuditInTx } from "@/lib/audit/append";
import { addressLimitKey, issueLink, type LinkState, peekLink, useLink } from "@/lib/auth/account-links";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { afterResponse } from "@/lib/http/after-response";
import { addressBucket } from "@/lib/http/address-bucket";
import { resetPasswordMessage } from "@/lib/mail/messages";
import { sendMailQuietly } from "@/lib/mail/send";

/** Requests per address per hour (silently dropped beyond) and per client address per hour (refused). */
export const RESETS_PER_ADDRESS_PER_HOUR = 3;
export const RESETS_PER_IP_PER_HOUR = 10;

type Request = { ip: string | null; userAgent: string | null };

export type ResetRequestResult = { ok: true } | { ok: false; reason: "rate_limited" };

export function resetUrl(token: string): string {
  return `${getEnv().url}/reset-password?token=${token}`;
}

/**
 * "Forgot password?": the same answer for every address, given before anything about the
 * address is looked up, so its timing cannot tell them apart either. Only the
 * per-client-address limit is checked first, and only it is ever said out loud; the rest
 * (`mailReset`) runs after the answer. `defer` is afterResponse; a test passes its own to
 * see what the answer waited for.
 */
export async function requestPasswordReset(
  db: Database,
  input: { email: string },
  request: Request,
  defer: (work: () => Promise<void>) => void = afterResponse,
): Promise<ResetRequestResult> {
  const byIp = await hitWindow(db, `ip:reset:${addressBucket(request.ip)}`, RESETS_PER_IP_PER_HOUR, HOUR);
  if (!byIp.allowed) return { ok: false, reason: "rate_limited" };
  const email = normalizeEmail(input.email);
  defer(() =>
    mailReset(db, email, request).catch((e) =>
      console.error("[okoro] a password reset request failed:", (e as Error).message),
    ),
  );
  return { ok: true };
}

const HOUR = { kind: "seconds", seconds: 3600 } as const;

/** After the answer: the per-address limit, the account, the link, the audit event, the mail. */
async function mailReset(db: Database, email: string, request: Request): Promise<void> {
  const byAddress = await hitWindow(db, `addr:reset:${addressLimitKey(email)}`, RESETS_PER_ADDRESS_PER_HOUR, HOUR);
  const user = await findUserByEmail(db, { email });
  if (!user || user.status !== "active" || !byAddress.allowed) {
    await appendAudit(db, {
      event: "auth.reset_requested",
      userId: user?.id ?? null,
      outcome: "denied",
      error: !user ? "unknown_email" : !byAddress.allowed ? "rate_limited" : "account_disabled",
      ip: request.ip,
      userAgent: request.userAgent,
    });
    return;
  }
  const token = await issueLink(db, { userId: user.id, purpose: "reset_password" });
  await appendAudit(db, {
    event: "auth.reset_requested",
    userId: user.id,
    outcome: "allowed",
    ip: request.ip,
    userAgent: request.userAgent,
  });
  await sendMailQuietly(resetPasswordMessage(user.email, resetUrl(token)));
}

export function checkResetLink(db: Database, token: unknown): Promise<"ok" | LinkState> {
  return peekLink(db, token, ["reset_password"]);
}

export type ResetResult =
  | { ok: true; userId: string }
  | { ok: false; state: LinkState }
  | { ok: false; state: "weak_password" };

/** Sets a new password with a reset link; every session of the account ends. */
export async function resetPassword(
  db: Database,
  input: { token: unknown; password: unknown },
  request: Request,
): Promise<ResetResult> {
  const password = input.password;
  if (typeof password !== "string" || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    return { ok: false, state: "weak_password" };
  const before = await peekLink(db, input.token, ["reset_password"]);
  if (before !== "ok") return { ok: false, state: before };
  const passwordHash = await hashPassword(password);
  const result = await db.transaction(async (tx) => {
    const used = await useLink(tx, input.token, ["reset_password"]);
    if (!used.ok) return used;
    const userId = used.link.userId;
    await setPasswordHash(tx, { userId, passwordHash });
    await endAccountTokens(tx, { userId, purpose: "reset_password" });
    // and a pending e-mail change: the owner of the current address has spoken
    await endAccountTokens(tx, { userId, purpose: "change_email" });
    // the mailbox answered: the address is proven too
    await markEmailVerified(tx, { userId });
    await appendAuditInTx(tx, {
      event: "auth.reset",
      userId,
      outcome: "allowed",
      ip: request.ip,
      userAgent: request.userAgent,
    });
    return { ok: true, userId } as const;
  });
  if (result.ok) await revokeAllSessions(db, result.userId, "password_reset", request);
  return result;
}
