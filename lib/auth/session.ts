// Who is signed in, for server components and server actions. The session cookie alone
// is not trusted: the user row is read on every call, so disabling or deleting an
// account takes effect at once. And the origin check that every mutating action makes
// (docs/dashboard.md#dashboard): Next.js compares a server action's Origin with its Host too, but that
// trusts whatever Host/X-Forwarded-Host the request carries; ours pins OKORO_URL.
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/serve/database";
import type { User } from "@/db/schema";
import { findUserById } from "@/db/queries/users";
import { auth } from "@/lib/auth/auth";
import { originAllowed } from "@/lib/auth/request-checks";
import { getEnv } from "@/lib/env";
import { OkoroError } from "@/lib/errors";

/**
 * The signed-in, active user, or null. Memoised for the length of one request (the
 * layout and the page both ask), never across requests.
 */
export const currentUser = cache(async (): Promise<User | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await findUserById(await getDb(), { id });
  return user && user.status === "active" ? user : null;
});

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
