"use server";
// Dashboard-wide actions. Signing out clears the session cookie; it checks the origin
// like every mutating action so another site cannot sign a user out.
import { signOut } from "@/lib/auth/auth";
import { assertSameOrigin } from "@/lib/auth/session";

export async function signOutAction(): Promise<void> {
  await assertSameOrigin();
  await signOut({ redirectTo: "/sign-in?signed_out=1" });
}
