// Reading audit chains back for verification (lib/audit/verify.ts): a chain's recorded
// head, its rows page by page in seq order, and the chains there are. Hashing is lib/'s.
import "server-only";
import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, auditHeads, type AuditEvent } from "@/db/schema";

export async function readChainHead(db: Database, chain: string): Promise<typeof auditHeads.$inferSelect | undefined> {
  const [head] = await db.select().from(auditHeads).where(eq(auditHeads.chain, chain));
  return head;
}

/** Up to `limit` rows of the chain with after < seq ≤ through, in seq order. */
export async function readChainPage(
  db: Database,
  chain: string,
  options: { after: number; through: number; limit: number },
): Promise<AuditEvent[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, options.after), lte(auditEvents.seq, options.through)))
    .orderBy(asc(auditEvents.seq))
    .limit(options.limit);
}

/** Every chain with a recorded head, in a stable order. */
export async function listChains(db: Database): Promise<string[]> {
  return (await db.select({ chain: auditHeads.chain }).from(auditHeads).orderBy(asc(auditHeads.chain))).map(
    (r) => r.chain,
  );
}
