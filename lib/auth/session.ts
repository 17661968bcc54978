// Who is signed in, for server components and server actions. The session cookie alone
// is not trusted: its session row and the user row are read on every call, so signing
// out elsewhere, disabling or deleting an account take effect at once. And the origin check that every mutating action makes
// (docs/dashboard.md#dashboard): Next.js compares a server action's Origin with its Host too, but that
// trusts whatever Host/X-Forwarded-Host the request carries; ours pins OKORO_URL.
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/serve/database";
import type { User, UserSession } from "@/db/schema";
import { auth } from "@/lib/auth/auth";
import { originAllowed } from "@/lib/auth/request-checks";
import { liveSession } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { OkoroError } from "@/lib/errors";

/**
 * The signed-in, active user and their session row, or null. The cookie names a session;
 * the row decides: revoked, idle for a week, or a disabled user means signed out.
 * Memoised for the length of one request (the layout and the page both ask), never
 * across requests.
 */
export const currentSession = cache(async (): Promise<{ user: User; session: UserSession } | null> => {
  const session = await auth();
  const id = session?.user?.id;
  const sid = session?.sid;
  // cookies from before sessions were rows carry no sid: they sign in again
  if (!id || !sid) return null;
  const found = await liveSession(await getDb(), { sid, userId: id, ip: clientIp(await headers()) });
  return found ?? null;
});

/** The signed-in, active user, or null (see currentSession). */
export const currentUser = cache(async (): Promise<User | null> => (await currentSession())?.user ?? null);

/**
 * The signed-in, active user; anyone else is sent to /sign-in. `returnTo` (a path on
 * this site) brings them back after signing in.
 */
export async function requireUser(options: { returnTo?: string } = {}): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(options.returnTo ? `/sign-in?next=${encodeURIComponent(options.returnTo)}` : "/sign-in");
  return user;
}

/** originAllowed() for the current request; see lib/auth/request-checks.ts. */
export async function isSameOrigin(): Promise<boolean> {
  return originAllowed(await headers(), getEnv());
}

/** Throws 403 `forbidden` unless isSameOrigin(). */
export async function assertSameOrigin(): Promise<void> {
  if (!(await isSameOrigin())) {
    throw new OkoroError("forbidden", `This form must be submitted from ${getEnv().origin}.`);
  }
}
