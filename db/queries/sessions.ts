// Dashboard sessions (user_sessions): one row per sign-in, read on every dashboard request.
import "server-only";
import { and, desc, eq, gt, isNull, lt, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { type User, type UserSession, users, userSessions } from "@/db/schema";

export async function insertSession(
  db: Queryable,
  values: { id: string; userId: string; method: string; ip: string | null; userAgent: string | null },
): Promise<UserSession> {
  const [row] = await db.insert(userSessions).values(values).returning();
  return row;
}

/**
 * The live session `id` of `userId` with its user, or undefined when the session was
 * revoked, has been idle since `idleSince`, or belongs to someone else.
 */
export async function findLiveSession(
  db: Queryable,
  options: { id: string; userId: string; idleSince: Date },
): Promise<{ session: UserSession; user: User } | undefined> {
  const [row] = await db
    .select({ session: userSessions, user: users })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, options.id),
        eq(userSessions.userId, options.userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.lastSeenAt, options.idleSince),
      ),
    )
    .limit(1);
  return row;
}

/** Moves last_seen_at forward, at most once per `every` (a write per page view would be waste). */
export async function touchSession(db: Queryable, options: { id: string; ip: string | null; staleBefore: Date }) {
  await db
    .update(userSessions)
    .set({ lastSeenAt: sql`now()`, ip: options.ip ?? sql`${userSessions.ip}` })
    .where(and(eq(userSessions.id, options.id), lt(userSessions.lastSeenAt, options.staleBefore)));
}

export async function markSessionVerified(db: Queryable, options: { id: string }): Promise<void> {
  await db
    .update(userSessions)
    .set({ verifiedAt: sql`now()` })
    .where(and(eq(userSessions.id, options.id), isNull(userSessions.revokedAt)));
}

export async function listLiveSessions(
  db: Queryable,
  options: { userId: string; idleSince: Date },
): Promise<UserSession[]> {
  return db
    .select()
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, options.userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.lastSeenAt, options.idleSince),
      ),
    )
    .orderBy(desc(userSessions.lastSeenAt))
    .limit(100);
}

/**
 * Revokes the user's live sessions: one (`only`), or all but one (`except`), or all.
 * Returns the ids revoked.
 */
export async function revokeSessions(
  db: Queryable,
  options: { userId: string; only?: string; except?: string | null },
): Promise<string[]> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(userSessions.userId, options.userId),
        isNull(userSessions.revokedAt),
        options.only ? eq(userSessions.id, options.only) : undefined,
        options.except ? ne(userSessions.id, options.except) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return rows.map((r) => r.id);
}
