// Password sign-up (docs/dashboard.md#sign-up): the answer never says whether the address
// already has an account. Either way the password is hashed, one insert is tried, and the
// answer is "check your inbox"; what the inbox then holds differs. A new account gets its
// verification link; an existing one gets a note that someone tried to sign up with the
// address, with the ways back in (sign in, reset the password). Nobody is signed in by
// sign-up: the person signs in once the address is confirmed, as anyone would.
import "server-only";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { findUserByEmail, normalizeEmail } from "@/db/queries/users";
import { addressLimitKey } from "@/lib/auth/account-links";
import { hashPassword } from "@/lib/auth/password";
import { sendVerification } from "@/lib/auth/verification";
import { getEnv } from "@/lib/env";
import { isOkoroError } from "@/lib/errors";
import { accountExistsMessage } from "@/lib/mail/messages";
import { sendMailQuietly } from "@/lib/mail/send";
import { createUser } from "@/lib/users";

/** "Someone tried to sign up with your address" notes per address per hour, silently dropped beyond. */
export const EXISTS_NOTICES_PER_HOUR = 3;

export type SignUpRequest = { email: string; name?: string; password: string };

/**
 * Creates the account if the address is free. Returns the mail to send after the answer
 * (the caller hands it to afterResponse), so a slow mail server cannot hold sign-up and
 * the answer's timing does not depend on which message goes out.
 */
export async function signUpWithPassword(db: Database, input: SignUpRequest): Promise<() => Promise<void>> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await createUser(db, {
      email: input.email,
      name: input.name,
      passwordHash,
      emailUnverified: true,
    });
    return () => sendVerificationQuietly(db, user);
  } catch (e) {
    if (!(isOkoroError(e) && e.code === "conflict")) throw e;
    return () => tellExistingAccount(db, input.email);
  }
}

async function sendVerificationQuietly(db: Database, user: Parameters<typeof sendVerification>[1]) {
  try {
    await sendVerification(db, user);
  } catch (e) {
    console.error("[okoro] could not send a verification message:", (e as Error).message);
  }
}

async function tellExistingAccount(db: Database, rawEmail: string): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const limit = await hitWindow(db, `mail:exists:${addressLimitKey(email)}`, EXISTS_NOTICES_PER_HOUR, {
    kind: "seconds",
    seconds: 3600,
  });
  if (!limit.allowed) return;
  const user = await findUserByEmail(db, { email });
  if (!user || user.status !== "active") return;
  const url = getEnv().url;
  await sendMailQuietly(
    accountExistsMessage(user.email, {
      signInUrl: `${url}/sign-in`,
      resetUrl: `${url}/forgot-password`,
      unverified: user.emailUnverified,
    }),
  );
  // someone who lost the first message and signed up again: the link once more
  if (user.emailUnverified) await sendVerificationQuietly(db, user);
}
