"use server";
// Using a verification link: the page's Confirm button posts here (a GET never uses the
// link, so mail scanners that open every link cannot spend it).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isSameOrigin } from "@/lib/auth/session";
import { confirmEmailLink } from "@/lib/auth/verification";
import { clientIp } from "@/lib/http/client-ip";
import { getDb } from "@/lib/serve/database";

export async function confirmEmailAction(formData: FormData): Promise<void> {
  if (!(await isSameOrigin())) redirect("/verify-email?state=invalid");
  const h = await headers();
  const result = await confirmEmailLink(await getDb(), formData.get("token"), {
    ip: clientIp(h),
    userAgent: h.get("user-agent"),
  });
  redirect(`/verify-email?state=${result.ok ? "done" : result.state}`);
}
