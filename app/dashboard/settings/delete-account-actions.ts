"use server";
// Settings → Delete account (docs/dashboard.md#delete-account): a recent confirmation
// (step-up), the address typed again, then everything the account holds goes at once and
// the person is signed out.
import { deleteAccount } from "@/lib/auth/account";
import { dashboardAction } from "@/lib/auth/action-context";
import { signOut } from "@/lib/auth/auth";
import { requireStepUpOrRedirect } from "@/lib/auth/step-up";
import { getDb } from "@/lib/serve/database";

export type DeleteAccountState = { error?: string; attempt: number };

export async function deleteAccountAction(prev: DeleteAccountState, formData: FormData): Promise<DeleteAccountState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx) return { error: "This form must be sent from okoro's own page. Reload and try again.", attempt };
  await requireStepUpOrRedirect("/dashboard/settings#delete-account");
  const result = await deleteAccount(await getDb(), {
    userId: ctx.user.id,
    confirmEmail: formData.get("confirm_email"),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (!result.ok)
    return {
      error:
        result.reason === "confirmation_mismatch"
          ? "Type your account's e-mail address exactly to confirm."
          : "This account no longer exists.",
      attempt,
    };
  await signOut({ redirectTo: "/sign-in?deleted=1" });
  return { attempt };
}
