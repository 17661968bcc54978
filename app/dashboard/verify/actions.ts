"use server";
// Confirming it is you (step-up): the password, or with two-factor authentication on, a
// code from the app, a recovery code or a passkey.
import { redirect } from "next/navigation";
import { dashboardAction } from "@/lib/auth/action-context";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { safeNextPath } from "@/lib/auth/request-checks";
import { currentSession } from "@/lib/auth/session";
import { stepUpWithPassword } from "@/lib/auth/sessions";
import { getDb } from "@/lib/serve/database";
import { stepUpPasskeyOptions, stepUpWithCode, stepUpWithPasskey } from "@/lib/auth/two-factor";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";

export type VerifyState = { error?: string; attempt: number };

export async function verifyPasswordAction(prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current)
    return { error: "This form must be sent from okoro's own page. Reload and try again.", attempt };
  const password = formData.get("password");
  if (typeof password !== "string" || password.length === 0) return { error: "Enter your password.", attempt };
  if (password.length > 1024) return { error: "Wrong password.", attempt };

  const result = await stepUpWithPassword(await getDb(), {
    userId: ctx.user.id,
    sessionId: current.session.id,
    password,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (result.ok) redirect(safeNextPath(formData.get("next")));
  if (result.reason === "rate_limited") return { error: tooManyAttemptsMessage(result.retryAfterSeconds), attempt };
  if (result.reason === "no_password")
    return { error: "This account has no password: sign in again instead.", attempt };
  if (result.reason === "second_factor_required")
    return { error: "Two-factor authentication is on: confirm with your code or passkey.", attempt };
  return { error: "Wrong password.", attempt };
}

// ─── With a second factor (docs/dashboard.md#two-factor-authentication) ───

export async function verifyCodeAction(prev: VerifyState, formData: FormData): Promise<VerifyState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current)
    return { error: "This form must be sent from okoro's own page. Reload and try again.", attempt };
  const code = formData.get("code");
  if (typeof code !== "string" || code.trim() === "") return { error: "Enter the code.", attempt };
  if (code.length > 64) return { error: "That code is not right.", attempt };
  const result = await stepUpWithCode(await getDb(), {
    userId: ctx.user.id,
    sessionId: current.session.id,
    code,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (result.ok) redirect(safeNextPath(formData.get("next")));
  if (result.reason === "rate_limited") return { error: tooManyAttemptsMessage(result.retryAfterSeconds), attempt };
  if (result.reason === "replayed")
    return { error: "That code was already used. Wait for the next one in your app.", attempt };
  return { error: "That code is not right.", attempt };
}

export async function verifyPasskeyOptionsAction(): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const ctx = await dashboardAction();
  if (!ctx) return null;
  return stepUpPasskeyOptions(await getDb(), ctx.user.id);
}

export async function verifyPasskeyAction(response: string, next: string): Promise<VerifyState> {
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current)
    return { error: "This form must be sent from okoro's own page. Reload and try again.", attempt: 0 };
  if (typeof response !== "string" || response.length > 64_000)
    return { error: "That passkey did not work.", attempt: 0 };
  const result = await stepUpWithPasskey(await getDb(), {
    userId: ctx.user.id,
    sessionId: current.session.id,
    response,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (result.ok) redirect(safeNextPath(next));
  if (result.reason === "rate_limited") return { error: tooManyAttemptsMessage(result.retryAfterSeconds), attempt: 0 };
  return { error: "That passkey did not work. Try again.", attempt: 0 };
}
