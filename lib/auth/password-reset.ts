// Password reset (docs/dashboard.md#password-reset): a single-use link for 30 minutes,
// ended by its use, by a newer link and by a password change. Asking answers the same
// whether or not the address has an account, after the same work: the link is made and
// hashed either way, and the mail goes out after the answer. Using it sets the password
// and signs out every session.
import "server-only";
import { createHash } from "node:crypto";
import type { Database } from "@/db/client";
import { endAccountTokens } from "@/db/queries/account-tokens";
import { hitWindow } from "@/db/queries/limits";
import { findUserByEmail, markEmailVerified, normalizeEmail, setPasswordHash } from "@/db/queries/users";
import { appendAudit, appendAuditInTx } from "@/lib/audit/append";
import { hashLinkToken, issueLink, type LinkState, peekLink, useLink } from "@/lib/auth/account-links";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { afterResponse } from "@/lib/http/after-response";
import { addressBucket } from "@/lib/http/address-bucket";
import { resetPasswordMessage } from "@/lib/mail/messages";
import { sendMailQuietly } from "@/lib/mail/send";
import { randomBytes } from "node:crypto";

/** Requests per address per hour (silently dropped beyond) and per client address per hour (refused). */
export const RESETS_PER_ADDRESS_PER_HOUR = 3;
export const RESETS_PER_IP_PER_HOUR = 10;

type Request = { ip: string | null; userAgent: string | null };

export type ResetRequestResult = { ok: true } | { ok: false; reason: "rate_limited" };

export function resetUrl(token: string): string {
  return `${getEnv().url}/reset-password?token=${token}`;
}

/**
 * "Forgot password?": the same answer for every address. Only the per-client-address
 * limit is ever said out loud; it says nothing about any account.
 */
export async function requestPasswordReset(
  db: Database,
  input: { email: string },
  request: Request,
): Promise<ResetRequestResult> {
  const hour = { kind: "seconds", seconds: 3600 } as const;
  const byIp = await hitWindow(db, `ip:reset:${addressBucket(request.ip)}`, RESETS_PER_IP_PER_HOUR, hour);
  if (!byIp.allowed) return { ok: false, reason: "rate_limited" };
  const email = normalizeEmail(input.email);
  const addressKey = createHash("sha256").update(email).digest("hex").slice(0, 32);
  const byAddress = await hitWindow(db, `addr:reset:${addressKey}`, RESETS_PER_ADDRESS_PER_HOUR, hour);
  const user = await findUserByEmail(db, { email });
  if (!user || user.status !== "active" || !byAddress.allowed) {
    // the same work as below: a token made and hashed, one audit append
    hashLinkToken(randomBytes(32).toString("base64url"));
    await appendAudit(db, {
      event: "auth.reset_requested",
      userId: user?.id ?? null,
      outcome: "denied",
      error: !user ? "unknown_email" : !byAddress.allowed ? "rate_limited" : "account_disabled",
      ip: request.ip,
      userAgent: request.userAgent,
    });
    return { ok: true };
  }
  const token = await issueLink(db, { userId: user.id, purpose: "reset_password" });
  await appendAudit(db, {
    event: "auth.reset_requested",
    userId: user.id,
    outcome: "allowed",
    ip: request.ip,
    userAgent: request.userAgent,
  });
  afterResponse(() => sendMailQuietly(resetPasswordMessage(user.email, resetUrl(token))));
  return { ok: true };
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
