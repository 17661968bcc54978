"use server";
// Step two of a two-factor sign-in (docs/dashboard.md#two-factor-authentication): the
// ticket from the password step (a cookie) plus a code or a passkey, through next-auth's
// `second-factor` provider, so a direct POST to /api/auth gets the same rules.
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { type SecondFactorRefused, signIn } from "@/lib/auth/auth";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { safeNextPath } from "@/lib/auth/request-checks";
import { isSameOrigin } from "@/lib/auth/session";
import { clearTicketCookie, readTicketCookie } from "@/lib/auth/ticket-cookie";
import { signInPasskeyOptions } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/serve/database";

export type SecondFactorState = { error?: string; attempt: number };

const CROSS_SITE = "This form must be sent from okoro's own page. Reload and try again.";
const EXPIRED = "/sign-in?error=SecondFactorExpired";

async function secondStep(credentials: { code?: string; passkey?: string }, next: string): Promise<string> {
  const ticket = await readTicketCookie();
  if (!ticket) redirect(EXPIRED);
  try {
    await signIn("second-factor", { ticket, ...credentials, redirectTo: next });
  } catch (e) {
    if (e instanceof CredentialsSignin || (e as { type?: string })?.type === "CredentialsSignin") {
      const refusal = e as SecondFactorRefused;
      if (refusal.code === "expired" || refusal.code === "account_disabled") {
        await clearTicketCookie();
        redirect(refusal.code === "expired" ? EXPIRED : "/sign-in?error=AccountDisabled");
      }
      if (refusal.code === "rate_limited") return tooManyAttemptsMessage(refusal.retryAfterSeconds ?? 600);
      if (refusal.code === "replayed")
        return "That code was already used. Wait for the next one in your app and enter it.";
      const left = refusal.attemptsLeft;
      const wrong = credentials.passkey ? "That passkey did not work." : "That code is not right.";
      return left ? `${wrong} ${left} ${left === 1 ? "attempt" : "attempts"} left.` : wrong;
    }
    if (e instanceof AuthError) {
      console.error(`[okoro] second-factor sign-in failed: ${e.type}`);
      return "We could not sign you in just now. Please try again in a moment.";
    }
    // the success redirect: the ticket is spent, its cookie goes too
    await clearTicketCookie();
    throw e;
  }
  return "We could not sign you in just now. Please try again in a moment.";
}

export async function secondFactorCodeAction(prev: SecondFactorState, formData: FormData): Promise<SecondFactorState> {
  const attempt = prev.attempt + 1;
  if (!(await isSameOrigin())) return { error: CROSS_SITE, attempt };
  const code = formData.get("code");
  if (typeof code !== "string" || code.trim() === "") return { error: "Enter the code.", attempt };
  if (code.length > 64) return { error: "That code is not right.", attempt };
  const error = await secondStep({ code }, safeNextPath(formData.get("next")));
  return { error, attempt };
}

/** A challenge for the ticket holder's passkeys (spent by the answer below). */
export async function secondFactorPasskeyOptionsAction(): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  if (!(await isSameOrigin())) return null;
  const ticket = await readTicketCookie();
  if (!ticket) return null;
  return (await signInPasskeyOptions(await getDb(), ticket)) ?? null;
}

export async function secondFactorPasskeyAction(response: string, next: string): Promise<SecondFactorState> {
  if (!(await isSameOrigin())) return { error: CROSS_SITE, attempt: 0 };
  if (typeof response !== "string" || response.length > 64_000)
    return { error: "That passkey did not work.", attempt: 0 };
  const error = await secondStep({ passkey: response }, safeNextPath(next));
  return { error, attempt: 0 };
}
