// Recomputes audit chains from the database (for `okoro audit verify` and the dashboard's
// chain status), page by page so a long log never has to fit in memory.
import "server-only";
import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, auditHeads } from "@/db/schema";
import { ChainVerifier, type ChainCheck } from "@/lib/audit/chain";

const PAGE = 2000;

export async function verifyChain(db: Database, chain: string): Promise<ChainCheck> {
  // The head first: appends that commit while we read are newer than it and are left for
  // the next verification, instead of looking like rows missing from the end.
  const [head] = await db.select().from(auditHeads).where(eq(auditHeads.chain, chain));
  const verifier = new ChainVerifier(chain);
  const through = head?.seq ?? 0;
  let after = 0;
  while (after < through && !verifier.broken) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.seq, after), lte(auditEvents.seq, through)))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    for (const row of rows) verifier.push(row);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].seq;
  }
  return verifier.result(head ? { seq: head.seq, hash: head.hash } : undefined);
}

/** Every chain (or one user's), in a stable order. */
export async function verifyChains(db: Database, options: { chain?: string } = {}): Promise<ChainCheck[]> {
  const chains = options.chain
    ? [options.chain]
    : (await db.select({ chain: auditHeads.chain }).from(auditHeads).orderBy(asc(auditHeads.chain))).map((r) => r.chain);
  const results: ChainCheck[] = [];
  for (const chain of chains) results.push(await verifyChain(db, chain));
  return results;
}
