"use server";
// Settings → Profile (docs/dashboard.md#profile): the name, and asking to change the
// e-mail address (docs/dashboard.md#e-mail-change), which needs a recent confirmation.
import { revalidatePath } from "next/cache";
import { dashboardAction } from "@/lib/auth/action-context";
import { updateName } from "@/lib/auth/account";
import { cancelEmailChange, EMAIL_CHANGES_PER_HOUR, requestEmailChange } from "@/lib/auth/email-change";
import { emailField, nameField } from "@/lib/auth/forms";
import { requireStepUpOrRedirect } from "@/lib/auth/step-up";
import { getDb } from "@/lib/serve/database";

const NOT_OURS = "This form must be sent from okoro's own page. Reload and try again.";

/** `value`: what was typed, given back with an error so the field keeps it. */
export type NameState = { error?: string; done?: string; value?: string; attempt: number };

export async function updateNameAction(prev: NameState, formData: FormData): Promise<NameState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx) return { error: NOT_OURS, attempt };
  const typed = formData.get("name");
  const value = typeof typed === "string" ? typed.slice(0, 300) : "";
  const parsed = nameField.safeParse(value);
  if (!parsed.success) return { error: parsed.error.issues[0].message, value, attempt };
  const result = await updateName(await getDb(), ctx.user.id, parsed.data);
  if (!result.ok) return { error: "Keep your name under 100 characters.", value, attempt };
  // the header and the overview's greeting show it too
  revalidatePath("/dashboard", "layout");
  return { done: parsed.data ? "Name saved." : "Name removed.", attempt };
}

export type EmailChangeState = { error?: string; sent?: string; value?: string; attempt: number };

/** Where step-up sends the person back to: this page with the change form open. */
const RETURN_TO = "/dashboard/settings?change_email=1#email";

export async function requestEmailChangeAction(prev: EmailChangeState, formData: FormData): Promise<EmailChangeState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx) return { error: NOT_OURS, attempt };
  const typed = formData.get("new_email");
  const value = typeof typed === "string" ? typed.slice(0, 300) : "";
  const parsed = emailField.safeParse(value);
  if (!parsed.success) return { error: parsed.error.issues[0].message, value, attempt };
  // the typed address is not carried through the confirmation: a link that fills it in
  // would help someone talk a person into moving their account to the wrong address
  await requireStepUpOrRedirect(RETURN_TO);
  const result = await requestEmailChange(await getDb(), {
    userId: ctx.user.id,
    newEmail: parsed.data,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (result.ok) {
    revalidatePath("/dashboard/settings");
    return {
      sent: `We sent a link to ${result.email} — open it to finish. Until then, your address stays ${ctx.user.email}.`,
      attempt,
    };
  }
  switch (result.reason) {
    case "same_email":
      return { error: "That is already your address.", value, attempt };
    case "rate_limited":
      return {
        error: `You asked for ${EMAIL_CHANGES_PER_HOUR} changes in the last hour. Try again later, or use the newest link you have.`,
        attempt,
      };
    case "invalid_email":
      return { error: "Enter a valid email address, like you@example.com.", value, attempt };
    case "not_found":
      return { error: "This account no longer exists.", attempt };
  }
}

export async function cancelEmailChangeAction(): Promise<void> {
  const ctx = await dashboardAction();
  if (!ctx) return;
  await cancelEmailChange(await getDb(), ctx.user.id);
  revalidatePath("/dashboard/settings");
}
