"use server";
// The person's decision on an approval request: approve once, approve and remember, deny.
// Checks the session and the origin like every mutating action; decides only the
// signed-in user's own requests; asks for an explicit confirmation before approving scope
// `all`. On success it redirects back with ?decided=…, so the outcome survives the page
// re-rendering (the request moves from "waiting" to "recent decisions").
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import type { DecisionState } from "@/app/dashboard/approvals/decision-state";
import { heldNeedsStepUp, isDecision } from "@/lib/approvals/decide";
import { hasRecentVerification } from "@/lib/auth/step-up";
import { approvalForUser, decideAsUser } from "@/lib/approvals/dashboard";
import { dashboardAction } from "@/lib/auth/action-context";
import { requireStepUpOrRedirect } from "@/lib/auth/step-up";
import { isOkoroError } from "@/lib/errors";

export async function decideApprovalAction(prev: DecisionState, formData: FormData): Promise<DecisionState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx)
    return { error: "This decision can only be made from okoro's own page. Reload the page and try again.", attempt };

  const id = String(formData.get("id") ?? "");
  const decision = formData.get("decision");
  if (!isDecision(decision)) return { error: "Choose approve once, approve and remember, or deny.", attempt };

  const approval = await approvalForUser(ctx.user.id, id);
  if (!approval) return { error: "This request does not exist, or it is not yours.", attempt };
  // scope all lets the agent do anything: the form shows what that means and sends
  // confirm_all only after the person confirmed; a bare POST gets no shortcut
  if (approval.scope === "all" && decision !== "deny" && formData.get("confirm_all") !== "yes") {
    return { error: "Approving scope all needs a confirmation. Use the Approve button and confirm.", attempt };
  }

  // approving a delete or an `all` needs a recent confirmation (docs/dashboard.md#step-up)
  if ((approval.scope === "all" || approval.scope === "delete") && decision !== "deny")
    await requireStepUpOrRedirect(`/dashboard/approvals/${encodeURIComponent(id)}`);

  try {
    await decideAsUser({
      userId: ctx.user.id,
      id,
      decision,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      steppedUp: heldNeedsStepUp(approval) ? await hasRecentVerification() : undefined,
    });
  } catch (e) {
    if (isOkoroError(e)) return { error: e.message, attempt };
    throw e;
  }
  revalidatePath("/dashboard", "layout");
  redirect(
    formData.get("return_to") === "detail"
      ? `/dashboard/approvals/${id}?decided=1`
      : `/dashboard/approvals?decided=${id}`,
  );
}
