"use server";
// Ending sessions from the sessions list: one other device, or every one but this.
import { revalidatePath } from "next/cache";
import { dashboardAction } from "@/lib/auth/action-context";
import { currentSession } from "@/lib/auth/session";
import { revokeOtherSessions, revokeSession } from "@/lib/auth/sessions";
import { getDb } from "@/lib/serve/database";

export type SessionActionResult = { error?: string; revoked?: number };

const CROSS_SITE = "This form must be sent from okoro's own page. Reload and try again.";

export async function revokeSessionAction(sessionId: string): Promise<SessionActionResult> {
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current) return { error: CROSS_SITE };
  if (typeof sessionId !== "string" || sessionId === current.session.id)
    return { error: "To end this session, sign out." };
  // scoped to the caller's own sessions: another user's id revokes nothing
  const revoked = await revokeSession(await getDb(), ctx.user.id, sessionId, ctx);
  revalidatePath("/dashboard/settings");
  return { revoked };
}

export async function signOutEverywhereElseAction(): Promise<SessionActionResult> {
  const ctx = await dashboardAction();
  const current = await currentSession();
  if (!ctx || !current) return { error: CROSS_SITE };
  const revoked = await revokeOtherSessions(
    await getDb(),
    ctx.user.id,
    current.session.id,
    "signed_out_everywhere",
    ctx,
  );
  revalidatePath("/dashboard/settings");
  return { revoked };
}
