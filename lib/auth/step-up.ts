// Step-up (docs/dashboard.md#step-up): creating an `all` or `delete` token, approving
// delete/all, disconnecting and deleting the account need the person to have proved it is
// them — signed in, or entered their password or second factor — within the last 10
// minutes. A stolen, still-open laptop session alone is not enough for those.
import "server-only";
import { redirect } from "next/navigation";
import { safeNextPath } from "@/lib/auth/request-checks";
import { currentSession } from "@/lib/auth/session";
import { isRecentlyVerified } from "@/lib/auth/sessions";
import { OkoroError } from "@/lib/errors";

/** Where to confirm it is you, coming back to `next` (a path on this site) afterwards. */
export function verifyPath(next: string): string {
  return `/dashboard/verify?next=${encodeURIComponent(safeNextPath(next))}`;
}

export async function hasRecentVerification(): Promise<boolean> {
  const current = await currentSession();
  return current !== null && isRecentlyVerified(current.session);
}

/** For server actions: throws 403 `step_up_required` unless the session was verified lately. */
export async function requireStepUp(): Promise<void> {
  if (!(await hasRecentVerification())) throw new OkoroError("step_up_required");
}

/** For pages: sends the person to confirm first, then back to `returnTo`. */
export async function requireStepUpOrRedirect(returnTo: string): Promise<void> {
  if (!(await hasRecentVerification())) redirect(verifyPath(returnTo));
}
