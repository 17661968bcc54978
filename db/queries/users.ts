// Users and their linked sign-in identities (GitHub, Google). E-mail addresses are
// normalised here — trimmed and lower-cased — so every caller compares the same form and
// the unique index on users.email really means "one account per address".
import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, users, type User } from "@/db/schema";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type NewUserRow = typeof users.$inferInsert;

/**
 * Inserts a user unless one with the same (normalised) address exists; undefined then.
 * ON CONFLICT keeps that exact under concurrent sign-ups and independent of how each
 * driver reports unique violations.
 */
export async function insertUser(db: Queryable, values: NewUserRow): Promise<User | undefined> {
  const [user] = await db
    .insert(users)
    .values({ ...values, email: normalizeEmail(values.email) })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return user;
}

export async function findUserByEmail(db: Queryable, options: { email: string }): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(options.email)))
    .limit(1);
  return user;
}

export async function findUserById(db: Queryable, options: { id: string }): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, options.id)).limit(1);
  return user;
}

/** The user a GitHub/Google identity is linked to, if any. */
export async function findUserByAccount(
  db: Queryable,
  options: { provider: string; providerAccountId: string },
): Promise<User | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.userId))
    .where(and(eq(accounts.provider, options.provider), eq(accounts.providerAccountId, options.providerAccountId)))
    .limit(1);
  return row?.user;
}

/** Links an external identity to a user. Linking the same identity twice is a no-op. */
export async function linkAccount(
  db: Queryable,
  options: { userId: string; provider: string; providerAccountId: string },
): Promise<void> {
  await db
    .insert(accounts)
    .values({ userId: options.userId, provider: options.provider, providerAccountId: options.providerAccountId })
    .onConflictDoNothing();
}

export async function setUserStatus(db: Queryable, options: { userId: string; status: User["status"] }): Promise<void> {
  await db.update(users).set({ status: options.status }).where(eq(users.id, options.userId));
}

/** The address a user's approval requests are posted to (null: none; undefined: no such user). */
export async function findApprovalWebhookUrl(db: Queryable, userId: string): Promise<string | null | undefined> {
  const [user] = await db.select({ url: users.approvalWebhookUrl }).from(users).where(eq(users.id, userId));
  return user?.url;
}

/** The address is proven: set email_verified (once) and clear email_unverified. */
export async function markEmailVerified(db: Queryable, options: { userId: string }): Promise<void> {
  await db
    .update(users)
    .set({ emailUnverified: false, emailVerified: sql`coalesce(${users.emailVerified}, now())` })
    .where(eq(users.id, options.userId));
}

export async function setPasswordHash(db: Queryable, options: { userId: string; passwordHash: string }): Promise<void> {
  await db.update(users).set({ passwordHash: options.passwordHash }).where(eq(users.id, options.userId));
}

export async function setUserName(db: Queryable, options: { userId: string; name: string | null }): Promise<void> {
  await db.update(users).set({ name: options.name }).where(eq(users.id, options.userId));
}

/**
 * Moves the user to a new, proven address (and marks it verified). Undefined, with nothing
 * changed, when another account holds the address. The check comes first; a sign-up that
 * takes the address between it and the update makes the unique index refuse, and the
 * update runs in a savepoint so that only it is undone — the caller's transaction goes on,
 * whatever the driver calls the violation.
 */
export async function setUserEmail(
  db: Queryable,
  options: { userId: string; email: string },
): Promise<User | undefined> {
  const email = normalizeEmail(options.email);
  const takenByAnother = async () => {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, email), ne(users.id, options.userId)))
      .limit(1);
    return row !== undefined;
  };
  if (await takenByAnother()) return undefined;
  try {
    return await db.transaction(async (savepoint) => {
      const [row] = await savepoint
        .update(users)
        .set({ email, emailUnverified: false, emailVerified: sql`now()` })
        .where(eq(users.id, options.userId))
        .returning();
      return row;
    });
  } catch (e) {
    if (await takenByAnother()) return undefined;
    throw e;
  }
}

/**
 * Removes the user's row; every table that belongs to the account (service tokens,
 * connections and their credentials, approvals, sessions, links, factors, channels)
 * references it with ON DELETE CASCADE, so they go with it. The audit log has no such
 * reference and stays. Returns whether a row was removed.
 */
export async function deleteUserRow(db: Queryable, options: { userId: string }): Promise<boolean> {
  const removed = await db.delete(users).where(eq(users.id, options.userId)).returning({ id: users.id });
  return removed.length > 0;
}
