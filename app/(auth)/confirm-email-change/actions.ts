"use server";
// Using an e-mail change link (docs/dashboard.md#e-mail-change): the page's Confirm button
// posts here (a GET never uses the link, so mail scanners that open every link cannot
// spend it). Opened where the account is signed in, that session stays signed in.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { confirmEmailChange } from "@/lib/auth/email-change";
import { currentSession, isSameOrigin } from "@/lib/auth/session";
import { clientIp } from "@/lib/http/client-ip";
import { getDb } from "@/lib/serve/database";

export async function confirmEmailChangeAction(formData: FormData): Promise<void> {
  if (!(await isSameOrigin())) redirect("/confirm-email-change?state=invalid");
  const h = await headers();
  const current = await currentSession();
  const result = await confirmEmailChange(await getDb(), {
    token: formData.get("token"),
    session: current ? { userId: current.user.id, sessionId: current.session.id } : null,
    ip: clientIp(h),
    userAgent: h.get("user-agent"),
  });
  redirect(`/confirm-email-change?state=${result.ok ? "done" : result.state}`);
}
