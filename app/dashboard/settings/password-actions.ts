"use server";
// Changing the password from /dashboard/settings (docs/dashboard.md#password-reset).
import { revalidatePath } from "next/cache";
import { dashboardAction } from "@/lib/auth/action-context";
import { changePassword } from "@/lib/auth/account";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { currentSession } from "@/lib/auth/session";
import { getDb } from "@/lib/serve/database";

export type PasswordState = { error?: string; done?: string; attempt: number };

const MESSAGES = {
  wrong_password: "That is not your current password.",
  no_password: "This account signs in with GitHub or Google and has no password; use “Forgot password?” to set one.",
  weak_password: "Use between 10 and 256 characters for the new password.",
};

export async function changePasswordAction(prev: PasswordState, formData: FormData): Promise<PasswordState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current)
    return { error: "This form must be sent from okoro's own page. Reload and try again.", attempt };
  const result = await changePassword(await getDb(), {
    userId: ctx.user.id,
    sessionId: current.session.id,
    current: formData.get("current"),
    next: formData.get("next"),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  revalidatePath("/dashboard/settings");
  if (result.ok)
    return {
      done: `Password changed.${result.signedOut ? ` ${result.signedOut} other session${result.signedOut === 1 ? " was" : "s were"} signed out.` : ""}`,
      attempt,
    };
  if (result.reason === "rate_limited") return { error: tooManyAttemptsMessage(result.retryAfterSeconds), attempt };
  return { error: MESSAGES[result.reason], attempt };
}
