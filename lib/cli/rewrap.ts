// Re-wrapping every data key at rest with the current master key (SPEC §8), for
// `okoro keys rewrap` after a new key is put first in OKORO_MASTER_KEYS. Only the wrapped
// data key changes — ciphertexts, and so their row-binding AADs, are untouched — which is
// why this works on any table without knowing how each row's AAD is built.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rewrap, type Envelope, type MasterKeys } from "@/lib/crypto/envelope";

/** Every column that holds an envelope, with the key that names its row. */
export const ENVELOPE_COLUMNS = [
  { table: "connections", key: "id", column: "credential" },
  { table: "signing_keys", key: "kid", column: "private_key" },
  { table: "oauth_states", key: "state_hash", column: "secret" },
] as const;

export type RewrapFailure = { table: string; id: string; error: string };
export type RewrapTableReport = { table: string; rewrapped: number; current: number; failed: number };
export type RewrapReport = { tables: RewrapTableReport[]; rewrapped: number; current: number; failures: RewrapFailure[] };

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * Walks each table in key order, `batchSize` rows at a time, re-wrapping envelopes whose
 * key id is not the current one. A row that cannot be unwrapped (its master key is gone or
 * it was tampered with) is reported and skipped; the others still get done. An update only
 * applies if the row still holds the envelope that was read, so a credential replaced
 * meanwhile (already sealed with the current key) is left alone.
 */
export async function rewrapAll(options: {
  db: Database;
  masterKeys: MasterKeys;
  batchSize?: number;
  onFailure?: (failure: RewrapFailure) => void;
}): Promise<RewrapReport> {
  const { db, masterKeys } = options;
  const batchSize = options.batchSize ?? 200;
  const report: RewrapReport = { tables: [], rewrapped: 0, current: 0, failures: [] };

  for (const target of ENVELOPE_COLUMNS) {
    const table = sql.identifier(target.table);
    const key = sql.identifier(target.key);
    const column = sql.identifier(target.column);
    const counts: RewrapTableReport = { table: target.table, rewrapped: 0, current: 0, failed: 0 };
    let after: string | undefined;
    for (;;) {
      const where: SQL = after === undefined ? sql`${column} IS NOT NULL` : sql`${column} IS NOT NULL AND ${key} > ${after}`;
      const batch = rowsOf<{ id: string; envelope: Envelope }>(
        await db.execute(sql`SELECT ${key} AS id, ${column} AS envelope FROM ${table} WHERE ${where} ORDER BY ${key} LIMIT ${batchSize}`),
      );
      for (const row of batch) {
        let next: Envelope | null;
        try {
          next = rewrap(row.envelope, masterKeys);
        } catch (e) {
          const failure = { table: target.table, id: row.id, error: e instanceof Error ? e.message : String(e) };
          counts.failed++;
          report.failures.push(failure);
          options.onFailure?.(failure);
          continue;
        }
        if (next === null) {
          counts.current++;
          continue;
        }
        await db.execute(
          sql`UPDATE ${table} SET ${column} = ${JSON.stringify(next)}::jsonb WHERE ${key} = ${row.id} AND ${column} = ${JSON.stringify(row.envelope)}::jsonb`,
        );
        counts.rewrapped++;
      }
      if (batch.length < batchSize) break;
      after = batch[batch.length - 1].id;
    }
    report.tables.push(counts);
    report.rewrapped += counts.rewrapped;
    report.current += counts.current;
  }
  return report;
}
