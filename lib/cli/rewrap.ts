// Re-wrapping every data key at rest with the current master key (docs/credentials.md#credentials-at-rest), for
// `okoro keys rewrap` after a new key is put first in OKORO_MASTER_KEYS. Only the wrapped
// data key changes — ciphertexts, and so their row-binding AADs, are untouched — which is
// why this works on any table without knowing how each row's AAD is built.
import "server-only";
import type { Database } from "@/db/client";
import { ENVELOPE_COLUMNS, readEnvelopes, replaceEnvelope } from "@/db/queries/envelopes";
import { rewrap, type Envelope, type MasterKeys } from "@/lib/crypto/envelope";

export type RewrapFailure = { table: string; column: string; id: string; error: string };
export type RewrapTableReport = {
  table: string;
  column: string;
  rewrapped: number;
  current: number;
  failed: number;
};
export type RewrapReport = {
  tables: RewrapTableReport[];
  rewrapped: number;
  current: number;
  failures: RewrapFailure[];
};

/**
 * Walks each sealed column (db/queries/envelopes.ts) in key order, `batchSize` rows at a time, re-wrapping envelopes whose
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
    const counts: RewrapTableReport = {
      table: target.table,
      column: target.column,
      rewrapped: 0,
      current: 0,
      failed: 0,
    };
    let after: string | undefined;
    for (;;) {
      const batch = await readEnvelopes(db, target, { after, limit: batchSize });
      for (const row of batch) {
        let next: Envelope | null;
        try {
          next = rewrap(row.envelope, masterKeys);
        } catch (e) {
          const failure = {
            table: target.table,
            column: target.column,
            id: row.id,
            error: e instanceof Error ? e.message : String(e),
          };
          counts.failed++;
          report.failures.push(failure);
          options.onFailure?.(failure);
          continue;
        }
        if (next === null) {
          counts.current++;
          continue;
        }
        await replaceEnvelope(db, target, row.id, row.envelope, next);
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
