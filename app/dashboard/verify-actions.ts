"use server";
// "Resend the link" on the verification notice.
import { dashboardAction } from "@/lib/auth/action-context";
import { resendVerification } from "@/lib/auth/verification";
import { getDb } from "@/lib/serve/database";

export type ResendState = { message?: string };

const MESSAGES = {
  verified: "Your address is already confirmed.",
  rate_limited: "Several links went out already; check your inbox and spam folder, or try again in an hour.",
  mail_failed: "okoro could not send the message just now. Please try again in a moment.",
};

export async function resendVerificationAction(_prev: ResendState): Promise<ResendState> {
  const ctx = await dashboardAction();
  if (!ctx) return { message: "This form must be sent from okoro's own page. Reload and try again." };
  const result = await resendVerification(await getDb(), ctx.user.id);
  return { message: result.ok ? `A new link is on its way to ${ctx.user.email}.` : MESSAGES[result.reason] };
}
