"use server";
// "Forgot password?": one answer for every address (docs/dashboard.md#password-reset).
import { headers } from "next/headers";
import { isSameOrigin } from "@/lib/auth/session";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { clientIp } from "@/lib/http/client-ip";
import { getDb } from "@/lib/serve/database";

export type ForgotState = { sent?: boolean; error?: string };

export async function forgotPasswordAction(_prev: ForgotState, formData: FormData): Promise<ForgotState> {
  if (!(await isSameOrigin())) return { error: "This form must be sent from okoro's own page. Reload and try again." };
  const email = formData.get("email");
  if (typeof email !== "string" || email.trim() === "" || email.length > 254 || !email.includes("@"))
    return { error: "Enter the e-mail address of your account." };
  const h = await headers();
  const result = await requestPasswordReset(
    await getDb(),
    { email },
    { ip: clientIp(h), userAgent: h.get("user-agent") },
  );
  if (!result.ok) return { error: tooManyAttemptsMessage(3600) };
  return { sent: true };
}
