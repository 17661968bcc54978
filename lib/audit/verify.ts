// Recomputes audit chains from the database (for `okoro audit verify` and the dashboard's
// chain status), page by page so a long log never has to fit in memory, and holds them to
// the latest signed checkpoint: a chain whose hashes were all recomputed after a rewrite
// is consistent with itself, but no longer with what the checkpoint signed.
import "server-only";
import type { Database } from "@/db/client";
import { latestCheckpoints, rowHashes } from "@/db/queries/checkpoints";
import { listChains, readChainHead, readChainPage } from "@/db/queries/audit-chain";
import { ChainVerifier, type ChainCheck } from "@/lib/audit/chain";
import { checkpointSignatureValid, type Checkpoint } from "@/lib/audit/checkpoint";
import type { MasterKeys } from "@/lib/crypto/envelope";

const PAGE = 2000;
/** how many checkpoints a bad signature may hide before verification gives up looking */
const CHECKPOINT_LOOKBACK = 50;

export type CheckpointStatus = {
  /** the checkpoint chains were held to (the newest one whose signature verifies) */
  checkpoint: Checkpoint | null;
  /** newer checkpoints whose signature no configured master key made */
  badSignatures: Checkpoint[];
};

/** The newest checkpoint that verifies, and any newer ones that do not. */
export async function trustedCheckpoint(
  db: Database,
  masterKeys: MasterKeys,
  external?: Checkpoint,
): Promise<CheckpointStatus> {
  if (external) {
    return checkpointSignatureValid(external, masterKeys)
      ? { checkpoint: external, badSignatures: [] }
      : { checkpoint: null, badSignatures: [external] };
  }
  const badSignatures: Checkpoint[] = [];
  for (const c of await latestCheckpoints(db, { limit: CHECKPOINT_LOOKBACK })) {
    if (checkpointSignatureValid(c, masterKeys)) return { checkpoint: c, badSignatures };
    badSignatures.push(c);
  }
  return { checkpoint: null, badSignatures };
}

export async function verifyChain(
  db: Database,
  chain: string,
  options: { checkpoint?: Checkpoint | null; masterKeys?: MasterKeys } = {},
): Promise<ChainCheck> {
  // The head first: appends that commit while we read are newer than it and are left for
  // the next verification, instead of looking like rows missing from the end.
  const head = await readChainHead(db, chain);
  const signed = options.checkpoint?.heads[chain];
  const verifier = new ChainVerifier(chain);
  // a signed head beyond the recorded one means rows (and the head) were taken away
  const through = Math.max(head?.seq ?? 0, signed?.[0] ?? 0);
  let signedRowHash: string | undefined;
  let after = 0;
  while (after < through && !verifier.broken) {
    const rows = await readChainPage(db, chain, { after, through, limit: PAGE });
    for (const row of rows) {
      verifier.push(row);
      if (signed && row.seq === signed[0]) signedRowHash = row.hash;
    }
    if (rows.length === 0) break;
    after = rows[rows.length - 1].seq;
  }
  const result = verifier.result(head ? { seq: head.seq, hash: head.hash } : undefined);
  if (!signed || !options.checkpoint || (!result.ok && result.firstBadSeq! <= signed[0])) return result;

  const [signedSeq, signedHash] = signed;
  const at = options.checkpoint.at.toISOString();
  if (result.verifiedThrough < signedSeq && signedRowHash === undefined) {
    return {
      chain,
      ok: false,
      verifiedThrough: result.verifiedThrough,
      firstBadSeq: result.verifiedThrough + 1,
      problem: `rows ${result.verifiedThrough + 1}–${signedSeq} were removed: the checkpoint signed at ${at} covers them`,
    };
  }
  if (signedRowHash !== signedHash) {
    // The chain hashes itself consistently, so every row was re-hashed after a rewrite.
    // Which row changed is known only to within two checkpoints: the newest older one that
    // still matches bounds it.
    const since = await lastMatchingCheckpointSeq(db, chain, options.checkpoint, options.masterKeys);
    return {
      chain,
      ok: false,
      verifiedThrough: since,
      firstBadSeq: since + 1,
      problem: `a row in seq ${since + 1}–${signedSeq} was rewritten and the hashes after it recomputed: seq ${signedSeq} no longer has the hash the checkpoint signed at ${at}`,
    };
  }
  return result;
}

/** The highest seq an older, validly signed checkpoint vouches for that still matches (0 if none). */
async function lastMatchingCheckpointSeq(
  db: Database,
  chain: string,
  newest: Checkpoint,
  masterKeys?: MasterKeys,
): Promise<number> {
  if (!masterKeys) return 0;
  const older = (await latestCheckpoints(db, { chain, before: newest.at, limit: CHECKPOINT_LOOKBACK })).filter((c) =>
    checkpointSignatureValid(c, masterKeys),
  );
  const hashes = await rowHashes(
    db,
    chain,
    older.map((c) => c.heads[chain][0]),
  );
  for (const c of older) {
    const [seq, hash] = c.heads[chain];
    if (hashes.get(seq) === hash) return seq;
  }
  return 0;
}

/** Every chain (or one user's), in a stable order. */
export async function verifyChains(
  db: Database,
  options: { chain?: string; checkpoint?: Checkpoint | null; masterKeys?: MasterKeys } = {},
): Promise<ChainCheck[]> {
  const recorded = options.chain ? [options.chain] : await listChains(db);
  // a chain the checkpoint signed is verified even if its head row is gone
  const signed = options.chain || !options.checkpoint ? [] : Object.keys(options.checkpoint.heads);
  const chains = [...new Set([...recorded, ...signed])].sort();
  const results: ChainCheck[] = [];
  for (const chain of chains) results.push(await verifyChain(db, chain, options));
  return results;
}
