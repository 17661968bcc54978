// Rows of pending connect flows (table oauth_states), for lib/connect/states.ts, which
// hashes the values that travel through the provider and seals the secrets stored here.
import "server-only";
import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { oauthStates } from "@/db/schema";

export type NewConnectState = typeof oauthStates.$inferInsert;

/**
 * Removes every expired flow and all but the newest `keep` of this user's, so that
 * reloading a start URL cannot grow the table.
 */
export async function pruneConnectStates(
  db: Database,
  options: { userId: string; now: Date; keep: number },
): Promise<void> {
  const beyondLimit = db
    .select({ stateHash: oauthStates.stateHash })
    .from(oauthStates)
    .where(eq(oauthStates.userId, options.userId))
    .orderBy(desc(oauthStates.createdAt))
    .offset(options.keep);
  await db
    .delete(oauthStates)
    .where(
      or(
        lt(oauthStates.expiresAt, options.now),
        and(eq(oauthStates.userId, options.userId), inArray(oauthStates.stateHash, beyondLimit)),
      ),
    );
}

export async function insertConnectState(db: Database, values: NewConnectState): Promise<void> {
  await db.insert(oauthStates).values(values);
}

/** Deletes the flow if this user started it for this provider, returning what it held; one atomic DELETE … RETURNING. */
export async function takeConnectState(db: Database, options: { stateHash: string; userId: string; provider: string }) {
  const [row] = await db
    .delete(oauthStates)
    .where(
      and(
        eq(oauthStates.stateHash, options.stateHash),
        eq(oauthStates.userId, options.userId),
        eq(oauthStates.provider, options.provider),
      ),
    )
    .returning({ secret: oauthStates.secret, expiresAt: oauthStates.expiresAt });
  return row;
}
