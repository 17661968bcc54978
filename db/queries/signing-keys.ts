// Rows of the operation tokens' signing keys (lib/tokens/signing-keys.ts makes, seals and
// imports the keys): the current one, adding and retiring under one advisory lock, and the
// set to publish. The database's clock decides what is still published, so app servers
// with skewed clocks publish the same set.
import "server-only";
import { desc, gt, isNull, or, sql } from "drizzle-orm";
import type { Database, Queryable, Tx } from "@/db/client";
import { signingKeys } from "@/db/schema";

const SIGNING_KEY_LOCK = sql.raw("7957878007001"); // arbitrary constant, unique to this use in okoro

export type SigningKeyRow = typeof signingKeys.$inferSelect;
export type NewSigningKeyRow = typeof signingKeys.$inferInsert;

/** Serializes key creation and rotation across processes until the transaction ends. */
export async function lockSigningKeys(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`);
}

/** The current key; if a manual edit left two, every process picks the same one. */
export async function selectCurrentSigningKey(db: Queryable): Promise<SigningKeyRow | undefined> {
  const rows = await db
    .select()
    .from(signingKeys)
    .where(isNull(signingKeys.retiredAt))
    .orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid))
    .limit(1);
  return rows[0];
}

export async function insertSigningKey(tx: Queryable, row: NewSigningKeyRow): Promise<SigningKeyRow> {
  const [inserted] = await tx.insert(signingKeys).values(row).returning();
  return inserted;
}

export async function retireCurrentSigningKeys(tx: Queryable): Promise<void> {
  await tx.update(signingKeys).set({ retiredAt: sql`now()` }).where(isNull(signingKeys.retiredAt));
}

/** The current key and those retired less than `retiredForSeconds` ago: current first, then newest first. */
export async function publishableSigningKeys(db: Database, retiredForSeconds: number) {
  return db
    .select({ kid: signingKeys.kid, publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(
      or(
        isNull(signingKeys.retiredAt),
        // the database's clock decides, so app servers with skewed clocks publish the same set
        gt(signingKeys.retiredAt, sql`now() - ${sql.raw(`interval '${retiredForSeconds} seconds'`)}`),
      ),
    )
    .orderBy(sql`${signingKeys.retiredAt} is null desc`, desc(signingKeys.createdAt), desc(signingKeys.kid));
}
