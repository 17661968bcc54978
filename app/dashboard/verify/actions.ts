"use server";
// Confirming it is you (step-up): the password, for now the one factor every password
// account has. Two-factor accounts answer with their second factor here too.
import { redirect } from "next/navigation";
import { dashboardAction } from "@/lib/auth/action-context";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { safeNextPath } from "@/lib/auth/request-checks";
import { currentSession } from "@/lib/auth/session";
import { stepUpWithPassword } from "@/lib/auth/sessions";
import { getDb } from "@/lib/serve/database";

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
  return { error: "Wrong password.", attempt };
}
