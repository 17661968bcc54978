// Changing the account's e-mail address (docs/dashboard.md#e-mail-change): after step-up,
// a single-use link goes to the new address and a notice to the current one; the address
// changes only when the link is used. Whether another account already has the new address
// is never said to the requester: the answer, the notice and the work are the same, and
// only the mailbox of that address learns that nothing changes.
import "server-only";
import type { Database } from "@/db/client";
import { endAccountTokens, findAccountToken, findPendingAccountToken } from "@/db/queries/account-tokens";
import { hitWindow } from "@/db/queries/limits";
import { findUserByEmail, findUserById, setUserEmail } from "@/db/queries/users";
import { appendAuditInTx } from "@/lib/audit/append";
import { hashLinkToken, issueLink, type LinkState, peekLink, useLink } from "@/lib/auth/account-links";
import { emailField } from "@/lib/auth/forms";
import { type RequestInfo, revokeOtherSessions } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { afterResponse } from "@/lib/http/after-response";
import {
  changeEmailMessage,
  emailChangedNotice,
  emailChangeRequestedNotice,
  emailTakenMessage,
} from "@/lib/mail/messages";
import { sendMailQuietly } from "@/lib/mail/send";

/** Requests per account per hour: enough for a typo or a lost message, too few to flood an inbox. */
export const EMAIL_CHANGES_PER_HOUR = 5;

export function emailChangeUrl(token: string): string {
  return `${getEnv().url}/confirm-email-change?token=${token}`;
}

export type EmailChangeRequestResult =
  | { ok: true; email: string }
  | { ok: false; reason: "invalid_email" | "same_email" | "rate_limited" | "not_found" };

/**
 * Asks to move the account to `newEmail`. The caller checks step-up first. Whether or not
 * another account holds the address, a link is made and stored (it ends the older ones;
 * for a taken address it is never sent, so it can never be used), two messages go out
 * after the answer, and the answer is `{ ok: true, email }`.
 */
export async function requestEmailChange(
  db: Database,
  input: { userId: string; newEmail: unknown } & RequestInfo,
): Promise<EmailChangeRequestResult> {
  const user = await findUserById(db, { id: input.userId });
  if (user?.status !== "active") return { ok: false, reason: "not_found" };
  const parsed = emailField.safeParse(input.newEmail);
  if (!parsed.success) return { ok: false, reason: "invalid_email" };
  const email = parsed.data;
  if (email === user.email) return { ok: false, reason: "same_email" };
  const limit = await hitWindow(db, `mail:change-email:${user.id}`, EMAIL_CHANGES_PER_HOUR, {
    kind: "seconds",
    seconds: 3600,
  });
  if (!limit.allowed) return { ok: false, reason: "rate_limited" };

  const holder = await findUserByEmail(db, { email });
  const taken = holder !== undefined && holder.id !== user.id;
  const token = await issueLink(db, { userId: user.id, purpose: "change_email", newEmail: email });
  const url = getEnv().url;
  const toNew = taken ? emailTakenMessage(email, `${url}/sign-in`) : changeEmailMessage(email, emailChangeUrl(token));
  // the current address hears of it only if it was ever proven to be the person's: an
  // unconfirmed one (a typo at sign-up, the usual reason to change) may be a stranger's
  const toOld = user.emailUnverified
    ? null
    : emailChangeRequestedNotice(user.email, email, `${url}/dashboard/settings`);
  afterResponse(async () => {
    await sendMailQuietly(toNew);
    if (toOld) await sendMailQuietly(toOld);
  });
  return { ok: true, email };
}

/** The change waiting for its link, if any (the settings page shows it). */
export async function pendingEmailChange(
  db: Database,
  userId: string,
): Promise<{ newEmail: string; expiresAt: Date } | null> {
  const row = await findPendingAccountToken(db, { userId, purpose: "change_email" });
  return row?.newEmail ? { newEmail: row.newEmail, expiresAt: row.expiresAt } : null;
}

/** Ends the pending change: its link stops working. Returns whether there was one. */
export async function cancelEmailChange(db: Database, userId: string): Promise<boolean> {
  return (await endAccountTokens(db, { userId, purpose: "change_email" })) > 0;
}

export type EmailChangeLinkState = { state: "ok"; newEmail: string } | { state: LinkState };

/** What opening a link shows before anything is used: the new address, or why not. */
export async function checkEmailChangeLink(db: Database, token: unknown): Promise<EmailChangeLinkState> {
  const state = await peekLink(db, token, ["change_email"]);
  if (state !== "ok") return { state };
  const row = await findAccountToken(db, { tokenHash: hashLinkToken(token as string), purposes: ["change_email"] });
  return row?.newEmail ? { state: "ok", newEmail: row.newEmail } : { state: "invalid" };
}

export type EmailChangeConfirmResult =
  | { ok: true; userId: string; email: string; signedOut: number }
  | { ok: false; state: LinkState | "taken" };

/** Thrown inside the transaction to undo it: the address went to another account meanwhile. */
class AddressTaken extends Error {}

/**
 * Uses a change link. In one transaction: the link (single use), the address (if still
 * free; otherwise everything is undone and the answer is `taken`), confirmed, every other
 * mailed link of the account ended, and `auth.email_changed`. Then every other session is
 * signed out — all of them unless `session` is one of this account's (the link opened
 * where the person is signed in) — and the old address, if it was confirmed, is told.
 */
export async function confirmEmailChange(
  db: Database,
  input: { token: unknown; session: { userId: string; sessionId: string } | null } & RequestInfo,
): Promise<EmailChangeConfirmResult> {
  let moved: { userId: string; email: string; oldEmail: string; oldConfirmed: boolean };
  try {
    const outcome = await db.transaction(async (tx) => {
      const used = await useLink(tx, input.token, ["change_email"]);
      if (!used.ok) return used;
      const { userId, newEmail } = used.link;
      const before = await findUserById(tx, { id: userId });
      if (before?.status !== "active" || !newEmail) return { ok: false, state: "invalid" } as const;
      const after = await setUserEmail(tx, { userId, email: newEmail });
      if (!after) throw new AddressTaken();
      // links mailed to the old address (a reset, a verification) must not outlive it
      await endAccountTokens(tx, { userId });
      await appendAuditInTx(tx, {
        event: "auth.email_changed",
        userId,
        outcome: "allowed",
        ip: input.ip,
        userAgent: input.userAgent,
      });
      return {
        ok: true,
        moved: { userId, email: after.email, oldEmail: before.email, oldConfirmed: !before.emailUnverified },
      } as const;
    });
    if (!outcome.ok) return outcome;
    moved = outcome.moved;
  } catch (e) {
    if (e instanceof AddressTaken) return { ok: false, state: "taken" };
    throw e;
  }
  const keep = input.session?.userId === moved.userId ? input.session.sessionId : null;
  const signedOut = await revokeOtherSessions(db, moved.userId, keep, "email_changed", input);
  if (moved.oldConfirmed) {
    const notice = emailChangedNotice(moved.oldEmail, moved.email, `${getEnv().url}/sign-in`);
    afterResponse(() => sendMailQuietly(notice));
  }
  return { ok: true, userId: moved.userId, email: moved.email, signedOut };
}
