// Rows of mailed account links (table account_tokens), for lib/auth/account-links.ts, which
// makes the random values and hashes them: only the hash is ever stored or looked up.
import "server-only";
import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { type AccountToken, type AccountTokenPurpose, accountTokens } from "@/db/schema";

/**
 * Stores a new link and ends every earlier unused one of the same user and purpose, in
 * one transaction of the caller's: only the newest link works.
 */
export async function replaceAccountToken(
  db: Queryable,
  values: {
    id: string;
    userId: string;
    purpose: AccountTokenPurpose;
    tokenHash: string;
    newEmail?: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await endAccountTokens(db, { userId: values.userId, purpose: values.purpose });
  await db.insert(accountTokens).values({ ...values, newEmail: values.newEmail ?? null });
}

/** Ends the user's unused links of a purpose (all purposes when none is named). */
export async function endAccountTokens(
  db: Queryable,
  options: { userId: string; purpose?: AccountTokenPurpose },
): Promise<number> {
  const rows = await db
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.userId, options.userId),
        isNull(accountTokens.usedAt),
        options.purpose ? eq(accountTokens.purpose, options.purpose) : undefined,
      ),
    )
    .returning({ id: accountTokens.id });
  return rows.length;
}

/** The user's newest unused, unexpired link of a purpose (e.g. a pending e-mail change), or undefined. */
export async function findPendingAccountToken(
  db: Queryable,
  options: { userId: string; purpose: AccountTokenPurpose; now?: Date },
): Promise<AccountToken | undefined> {
  const [row] = await db
    .select()
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.userId, options.userId),
        eq(accountTokens.purpose, options.purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, options.now ?? new Date()),
      ),
    )
    .orderBy(desc(accountTokens.createdAt))
    .limit(1);
  return row;
}

/** The link with this hash and purpose, used or not, or undefined. */
export async function findAccountToken(
  db: Queryable,
  options: { tokenHash: string; purposes: AccountTokenPurpose[] },
): Promise<AccountToken | undefined> {
  const [row] = await db
    .select()
    .from(accountTokens)
    .where(and(eq(accountTokens.tokenHash, options.tokenHash), inArray(accountTokens.purpose, options.purposes)))
    .limit(1);
  return row;
}

/**
 * Marks the link used if it is unused and unexpired, in one UPDATE … RETURNING: of two
 * concurrent uses exactly one gets the row back.
 */
export async function consumeAccountToken(
  db: Queryable,
  options: { tokenHash: string; purposes: AccountTokenPurpose[]; now: Date },
): Promise<AccountToken | undefined> {
  const [row] = await db
    .update(accountTokens)
    .set({ usedAt: options.now })
    .where(
      and(
        eq(accountTokens.tokenHash, options.tokenHash),
        inArray(accountTokens.purpose, options.purposes),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, options.now),
      ),
    )
    .returning();
  return row;
}
