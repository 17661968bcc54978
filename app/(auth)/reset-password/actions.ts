"use server";
// Choosing a new password with a mailed link; every session of the account ends.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { resetPassword } from "@/lib/auth/password-reset";
import { isSameOrigin } from "@/lib/auth/session";
import { clientIp } from "@/lib/http/client-ip";
import { getDb } from "@/lib/serve/database";

export type ResetState = { error?: string };

export async function resetPasswordAction(_prev: ResetState, formData: FormData): Promise<ResetState> {
  if (!(await isSameOrigin())) return { error: "This form must be sent from okoro's own page. Reload and try again." };
  const h = await headers();
  const result = await resetPassword(
    await getDb(),
    { token: formData.get("token"), password: formData.get("password") },
    { ip: clientIp(h), userAgent: h.get("user-agent") },
  );
  if (result.ok) redirect("/sign-in?reset=1");
  if (result.state === "weak_password") return { error: "Use between 10 and 256 characters." };
  redirect(`/reset-password?state=${result.state}`);
}
