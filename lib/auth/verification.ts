// E-mail verification (docs/dashboard.md#e-mail-verification): a password sign-up gets a
// single-use link for 24 hours; until it is used the account cannot connect providers or
// create service tokens. GitHub and Google sign-ins vouch for their address themselves.
import "server-only";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { findUserById, markEmailVerified } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { appendAuditInTx } from "@/lib/audit/append";
import { issueLink, type LinkState, useLink } from "@/lib/auth/account-links";
import { getEnv } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { verifyEmailMessage } from "@/lib/mail/messages";
import { sendMail } from "@/lib/mail/send";

/** Resends per account per hour: enough for a lost message, too few to flood a stranger's inbox. */
export const RESENDS_PER_HOUR = 5;

export function isEmailVerified(user: Pick<User, "emailUnverified">): boolean {
  return !user.emailUnverified;
}

/** Throws 403 `email_unverified` for an account whose address is not confirmed yet. */
export function requireVerifiedEmail(user: Pick<User, "emailUnverified">): void {
  if (user.emailUnverified) throw new OkoroError("email_unverified");
}

export function verifyUrl(token: string): string {
  return `${getEnv().url}/verify-email?token=${token}`;
}

/** Mails a new verification link (ending the older ones). Nothing for a verified account. */
export async function sendVerification(db: Database, user: Pick<User, "id" | "email" | "emailUnverified">) {
  if (!user.emailUnverified) return;
  const token = await issueLink(db, { userId: user.id, purpose: "verify_email" });
  await sendMail(verifyEmailMessage(user.email, verifyUrl(token)));
}

export type ResendResult = { ok: true } | { ok: false; reason: "verified" | "rate_limited" | "mail_failed" };

/** "Resend" from the dashboard notice, limited per account. */
export async function resendVerification(db: Database, userId: string): Promise<ResendResult> {
  const user = await findUserById(db, { id: userId });
  if (!user?.emailUnverified) return { ok: false, reason: "verified" };
  const limit = await hitWindow(db, `mail:verify:${userId}`, RESENDS_PER_HOUR, { kind: "seconds", seconds: 3600 });
  if (!limit.allowed) return { ok: false, reason: "rate_limited" };
  try {
    await sendVerification(db, user);
  } catch (e) {
    console.error("[okoro] could not send a verification message:", (e as Error).message);
    return { ok: false, reason: "mail_failed" };
  }
  return { ok: true };
}

export type ConfirmResult = { ok: true; userId: string } | { ok: false; state: LinkState };

/**
 * Uses a verification link: the account counts as verified from now on. Expired, used or
 * tampered links change nothing. One transaction: the link, the flag and the audit event.
 */
export async function confirmEmailLink(
  db: Database,
  token: unknown,
  request: { ip: string | null; userAgent: string | null },
): Promise<ConfirmResult> {
  return db.transaction(async (tx) => {
    const used = await useLink(tx, token, ["verify_email"]);
    if (!used.ok) return used;
    await markEmailVerified(tx, { userId: used.link.userId });
    await appendAuditInTx(tx, {
      event: "auth.email_verified",
      userId: used.link.userId,
      outcome: "allowed",
      ip: request.ip,
      userAgent: request.userAgent,
    });
    return { ok: true, userId: used.link.userId } as const;
  });
}
