"use server";
// Sign-up and sign-in form actions. Each checks the origin, validates with zod, and
// answers with inline errors; the password is never sent back, logged or audited.
// Sign-in itself (limit, argon2id check, audit) happens in the Credentials provider,
// see lib/auth/password-sign-in.ts, so a direct POST to /api/auth gets the same rules.
import { getDb } from "@/lib/serve/database";
import { AuthError, CredentialsSignin } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AuthFormState } from "@/app/(auth)/form-state";
import { type SecondFactorRequired, signIn, type TooManyAttempts } from "@/lib/auth/auth";
import { fieldErrors, signInSchema, signUpSchema } from "@/lib/auth/forms";
import { hitIpLimit, tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { safeNextPath } from "@/lib/auth/request-checks";
import { isSameOrigin } from "@/lib/auth/session";
import { setTicketCookie } from "@/lib/auth/ticket-cookie";
import { getEnv } from "@/lib/env";
import { afterResponse } from "@/lib/http/after-response";
import { clientIp } from "@/lib/http/client-ip";
import { signUpWithPassword } from "@/lib/auth/sign-up";

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

function crossSiteMessage(): string {
  return `This form can only be submitted from ${getEnv().origin}. Reload the page and try again.`;
}

/** Signs in through next-auth; on success this redirects (throws), else returns the refusal. */
async function signInOrExplain(email: string, password: string, redirectTo: string): Promise<string> {
  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (e) {
    // by type and code rather than class alone: next-auth may hand back its own copy
    if (e instanceof CredentialsSignin || (e as { type?: string })?.type === "CredentialsSignin") {
      const refusal = e as CredentialsSignin & Partial<TooManyAttempts>;
      if (refusal.code === "rate_limited") return tooManyAttemptsMessage(refusal.retryAfterSeconds ?? 600);
      // two-factor accounts: on to step two (docs/dashboard.md#two-factor-authentication)
      const ticket = (e as Partial<SecondFactorRequired>).ticket;
      if (refusal.code === "second_factor" && typeof ticket === "string") {
        await setTicketCookie(ticket);
        redirect(`/sign-in/second-factor?next=${encodeURIComponent(redirectTo)}`);
      }
      return refusal.code === "account_disabled" ? "This account has been disabled." : "Wrong email or password.";
    }
    if (e instanceof AuthError) {
      console.error(`[okoro] sign-in failed: ${e.type}`);
      return "We could not sign you in just now. Please try again in a moment.";
    }
    throw e; // the success redirect, or a real failure for the error page
  }
  return "We could not sign you in just now. Please try again in a moment.";
}

export async function signInAction(prev: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const values = { email: text(formData.get("email")).trim() };
  const attempt = prev.attempt + 1;
  if (!(await isSameOrigin())) return { error: crossSiteMessage(), values, attempt };

  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values, attempt };

  const error = await signInOrExplain(parsed.data.email, parsed.data.password, safeNextPath(formData.get("next")));
  return { error, values, attempt };
}

export async function signUpAction(prev: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const values = { email: text(formData.get("email")).trim(), name: text(formData.get("name")).trim() };
  const attempt = prev.attempt + 1;
  if (!(await isSameOrigin())) return { error: crossSiteMessage(), values, attempt };

  const parsed = signUpSchema.safeParse({
    name: formData.get("name") ?? undefined,
    email: formData.get("email"),
    password: formData.get("password"),
  });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values, attempt };

  const db = await getDb();
  const limit = await hitIpLimit(db, "signup", clientIp(await headers()));
  if (!limit.allowed) return { error: tooManyAttemptsMessage(limit.retryAfterSeconds), values, attempt };

  if (getEnv().signup === "closed")
    return { error: "This okoro does not accept new accounts. Ask whoever runs it for one.", values, attempt };
  // the same answer whether or not the address has an account (docs/dashboard.md#sign-up)
  const mail = await signUpWithPassword(db, parsed.data);
  afterResponse(mail);
  return { sentTo: parsed.data.email, values, attempt };
}

/** "Continue with GitHub/Google": starts the provider's OAuth flow. */
export async function oauthSignInAction(formData: FormData): Promise<void> {
  const provider = formData.get("provider");
  const env = getEnv();
  const configured = (provider === "github" && env.authGithub) || (provider === "google" && env.authGoogle);
  if (!configured || !(await isSameOrigin())) return;
  await signIn(provider, { redirectTo: safeNextPath(formData.get("next")) });
}
