// Writing audit rows inside a transaction the caller holds: lock (and create) the chains'
// heads, insert the rows, move the heads forward. The heads are written only by functions
// that run as the database owner. The hashes are computed in lib/audit/append.ts.
import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditEvents, type AuditEvent } from "@/db/schema";

export type ChainHead = { chain: string; seq: number; hash: string };

/**
 * Locks the chains' heads until the transaction ends (concurrent writers of the same chain,
 * in this process or any other, wait here) and returns them; a new chain's hash is "".
 */
export async function lockChainHeads(tx: Queryable, chains: string[]): Promise<ChainHead[]> {
  const locked = await tx.execute(
    sql`SELECT chain, seq, hash FROM okoro_audit_lock_heads(${sql.param(chains)}::text[])`,
  );
  const heads = (locked as unknown as { rows: { chain: string; seq: number | string; hash: string }[] }).rows;
  return heads.map((h) => ({ chain: h.chain, seq: Number(h.seq), hash: h.hash }));
}

export async function insertAuditEvents(tx: Queryable, events: AuditEvent[]): Promise<void> {
  await tx.insert(auditEvents).values(events);
}

/** Moves each head forward to a row that is now in the log (the owner's function refuses anything else). */
export async function moveChainHeads(tx: Queryable, heads: ChainHead[]): Promise<void> {
  await tx.execute(
    sql`SELECT okoro_audit_move_heads(${sql.param(heads.map((h) => h.chain))}::text[], ${sql.param(heads.map((h) => h.seq))}::bigint[], ${sql.param(heads.map((h) => h.hash))}::text[])`,
  );
}
