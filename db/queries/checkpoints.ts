// Rows for the audit log's signed checkpoints (lib/audit/checkpoint.ts): the chain heads
// they sign, storing one, and reading the newest ones back. No crypto here: the signature
// is made and checked in lib/.
import "server-only";
import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditCheckpoints, auditEvents, auditHeads, type AuditCheckpointRow } from "@/db/schema";

/** Every chain head that has at least one event: chain → [seq, hash]. */
export async function readChainHeads(db: Database): Promise<Record<string, [number, string]>> {
  const rows = await db.select().from(auditHeads).where(gt(auditHeads.seq, 0)).orderBy(auditHeads.chain);
  return Object.fromEntries(rows.map((h) => [h.chain, [h.seq, h.hash] as [number, string]]));
}

export async function insertCheckpoint(db: Database, row: AuditCheckpointRow): Promise<void> {
  await db.insert(auditCheckpoints).values(row);
}

/** The newest checkpoints first (`before`: older than that time). */
export async function latestCheckpoints(
  db: Database,
  options: { limit?: number; before?: Date; chain?: string } = {},
): Promise<AuditCheckpointRow[]> {
  const where = [
    options.before ? lt(auditCheckpoints.at, options.before) : undefined,
    options.chain ? sql`${auditCheckpoints.heads} ? ${options.chain}` : undefined,
  ].filter(Boolean);
  return db
    .select()
    .from(auditCheckpoints)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditCheckpoints.at), desc(auditCheckpoints.id))
    .limit(options.limit ?? 1);
}

/** The stored hashes of some rows of one chain: seq → hash. */
export async function rowHashes(db: Database, chain: string, seqs: number[]): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map();
  const rows = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.chain, chain), inArray(auditEvents.seq, seqs)));
  return new Map(rows.map((r) => [r.seq, r.hash]));
}
