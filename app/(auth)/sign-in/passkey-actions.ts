"use server";
// "Sign in with a passkey" (docs/dashboard.md#two-factor-authentication): a usernameless
// WebAuthn sign-in through next-auth's `passkey` provider. The passkey must have checked
// its owner (user verification), so it stands for both factors.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, type TooManyAttempts } from "@/lib/auth/auth";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { safeNextPath } from "@/lib/auth/request-checks";
import { isSameOrigin } from "@/lib/auth/session";
import { passkeySignInOptions } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/serve/database";

export async function passkeySignInOptionsAction(): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  if (!(await isSameOrigin())) return null;
  return passkeySignInOptions(await getDb());
}

export async function passkeySignInAction(response: string, next: string): Promise<{ error?: string }> {
  if (!(await isSameOrigin())) return { error: "Reload the page and try again." };
  if (typeof response !== "string" || response.length > 64_000) return { error: "That passkey did not work." };
  try {
    await signIn("passkey", { passkey: response, redirectTo: safeNextPath(next) });
  } catch (e) {
    if (e instanceof CredentialsSignin || (e as { type?: string })?.type === "CredentialsSignin") {
      const refusal = e as CredentialsSignin & Partial<TooManyAttempts>;
      if (refusal.code === "rate_limited") return { error: tooManyAttemptsMessage(refusal.retryAfterSeconds ?? 600) };
      if (refusal.code === "account_disabled") return { error: "This account has been disabled." };
      return { error: "That passkey is not known here. Sign in with your email and password." };
    }
    if (e instanceof AuthError) {
      console.error(`[okoro] passkey sign-in failed: ${e.type}`);
      return { error: "We could not sign you in just now. Please try again in a moment." };
    }
    throw e;
  }
  return { error: "We could not sign you in just now. Please try again in a moment." };
}
