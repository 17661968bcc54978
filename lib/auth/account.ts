// The account's own settings (docs/dashboard.md#password-reset): changing the password
// needs the current one, ends every reset link and pending e-mail change, and signs out
// every other session.
import "server-only";
import type { Database } from "@/db/client";
import { endAccountTokens } from "@/db/queries/account-tokens";
import { deleteUserRow, findUserById, normalizeEmail, setPasswordHash, setUserName } from "@/db/queries/users";
import { appendAudit, appendAuditInTx } from "@/lib/audit/append";
import { hitIpLimit } from "@/lib/auth/ip-limits";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "@/lib/auth/password";
import { markVerified, type RequestInfo, revokeOtherSessions } from "@/lib/auth/sessions";

export async function updateName(db: Database, userId: string, name: unknown): Promise<{ ok: boolean }> {
  if (typeof name !== "string" || name.trim().length > 100) return { ok: false };
  await setUserName(db, { userId, name: name.trim() || null });
  return { ok: true };
}

export type ChangePasswordResult =
  | { ok: true; signedOut: number }
  | { ok: false; reason: "wrong_password" | "no_password" | "weak_password" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export async function changePassword(
  db: Database,
  input: { userId: string; sessionId: string; current: unknown; next: unknown } & RequestInfo,
): Promise<ChangePasswordResult> {
  const { current, next } = input;
  if (typeof next !== "string" || next.length < PASSWORD_MIN_LENGTH || next.length > PASSWORD_MAX_LENGTH)
    return { ok: false, reason: "weak_password" };
  // wrong guesses here count against the same per-address limit as sign-in
  const limit = await hitIpLimit(db, "signin", input.ip);
  if (!limit.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: limit.retryAfterSeconds };
  const user = await findUserById(db, { id: input.userId });
  if (!user?.passwordHash) return { ok: false, reason: "no_password" };
  if (
    typeof current !== "string" ||
    current.length > PASSWORD_MAX_LENGTH ||
    !(await verifyPassword(user.passwordHash, current))
  )
    return { ok: false, reason: "wrong_password" };
  await setPasswordHash(db, { userId: user.id, passwordHash: await hashPassword(next) });
  await endAccountTokens(db, { userId: user.id, purpose: "reset_password" });
  // an e-mail change asked for from a session the person did not know about dies with it
  // (docs/dashboard.md#e-mail-change)
  await endAccountTokens(db, { userId: user.id, purpose: "change_email" });
  await appendAudit(db, {
    event: "auth.password_changed",
    userId: user.id,
    outcome: "allowed",
    ip: input.ip,
    userAgent: input.userAgent,
  });
  const signedOut = await revokeOtherSessions(db, user.id, input.sessionId, "password_changed", input);
  await markVerified(db, input.sessionId);
  return { ok: true, signedOut };
}

export type DeleteAccountResult = { ok: true } | { ok: false; reason: "confirmation_mismatch" | "not_found" };

/**
 * Deletes the account (docs/dashboard.md#delete-account) in one transaction: the
 * `account.deleted` event, then the user's row, whose removal takes every service token,
 * connection credential, approval, session and factor with it — so the next call of any
 * of the user's agents gets 401. The audit log is kept: it is a hash chain other users'
 * events depend on, and it is the record of what the agents did. The caller checks
 * step-up first; `confirmEmail` is the address the person typed.
 */
export async function deleteAccount(
  db: Database,
  input: { userId: string; confirmEmail: unknown } & RequestInfo,
): Promise<DeleteAccountResult> {
  const user = await findUserById(db, { id: input.userId });
  if (!user) return { ok: false, reason: "not_found" };
  if (typeof input.confirmEmail !== "string" || normalizeEmail(input.confirmEmail) !== user.email)
    return { ok: false, reason: "confirmation_mismatch" };
  const deleted = await db.transaction(async (tx) => {
    await appendAuditInTx(tx, {
      event: "account.deleted",
      userId: user.id,
      outcome: "allowed",
      ip: input.ip,
      userAgent: input.userAgent,
    });
    return deleteUserRow(tx, { userId: user.id });
  });
  return deleted ? { ok: true } : { ok: false, reason: "not_found" };
}
