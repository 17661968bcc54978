// Signed checkpoints of the audit chain heads. The hash chain shows a row that was changed
// on its own, but someone holding the database's owner credentials can rewrite a row,
// recompute every hash after it and move the head: the chain is consistent again. A
// checkpoint signs every chain's (seq, hash) with an Ed25519 key derived from the master
// key. The key lives only in the app's configuration, never in the database, so a rewrite
// of anything a checkpoint covered no longer matches a signature nobody else can make.
//
// Checkpoints are made while events arrive, at most one per interval per process, off the
// agent's path: after a batch of audit rows has committed (createCheckpointScheduler),
// on a timer under `npm start`, and by the cron route on Vercel.
import "server-only";
import { createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from "node:crypto";
import type { Database } from "@/db/client";
import { insertCheckpoint, latestCheckpoints, readChainHeads } from "@/db/queries/checkpoints";
import { dbPipe } from "@/db/queries/pipe";
import type { AuditCheckpointRow } from "@/db/schema";
import { canonicalJson } from "@/lib/audit/chain";
import type { MasterKeys } from "@/lib/crypto/envelope";
import { newId } from "@/lib/ids";
import { slotOnce } from "@/lib/serve/slots";

export type Checkpoint = AuditCheckpointRow;

/** How often a checkpoint is due while events arrive. */
export const CHECKPOINT_INTERVAL_MS = 60_000;

const DOMAIN = "okoro-audit-checkpoint-v1\0";
const HKDF_INFO = "okoro audit checkpoint signing key v1";
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410)
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
const derived = new WeakMap<Buffer, KeyPair>();

/** The checkpoint key pair of one master key (HKDF-SHA256 of it, then an Ed25519 seed). */
export function checkpointKeyPair(masterKey: Buffer): KeyPair {
  let pair = derived.get(masterKey);
  if (!pair) {
    const seed = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), HKDF_INFO, 32));
    const privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: "der",
      type: "pkcs8",
    });
    pair = { privateKey, publicKey: createPublicKey(privateKey) };
    derived.set(masterKey, pair);
  }
  return pair;
}

/** The raw public key (base64url), for someone who keeps checkpoints elsewhere. */
export function checkpointPublicKey(masterKeys: MasterKeys, kid = masterKeys.current): string | null {
  const key = masterKeys.keys.get(kid);
  if (!key) return null;
  const jwk = checkpointKeyPair(key).publicKey.export({ format: "jwk" });
  return jwk.x ?? null;
}

/** What the signature covers: every field but the signature, as canonical JSON. */
function signedBytes(c: Omit<Checkpoint, "signature">): Buffer {
  return Buffer.from(DOMAIN + canonicalJson({ at: c.at.toISOString(), heads: c.heads, id: c.id, kid: c.kid }), "utf8");
}

export function signCheckpoint(heads: Checkpoint["heads"], masterKeys: MasterKeys, at = new Date()): Checkpoint {
  const unsigned = { id: newId("ckp"), at: new Date(Math.floor(at.getTime())), kid: masterKeys.current, heads };
  const key = checkpointKeyPair(masterKeys.keys.get(masterKeys.current)!).privateKey;
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), key).toString("base64url") };
}

/**
 * Whether one of the configured master keys signed it. Every key is tried, not only the
 * one `kid` names: the kid is as writable as the rest of the row, and after a rotation the
 * older keys still vouch for what they signed.
 */
export function checkpointSignatureValid(c: Checkpoint, masterKeys: MasterKeys): boolean {
  let signature: Buffer;
  try {
    signature = Buffer.from(c.signature, "base64url");
  } catch {
    return false;
  }
  if (signature.length !== 64) return false;
  const bytes = signedBytes(c);
  for (const key of masterKeys.keys.values()) {
    if (verify(null, bytes, checkpointKeyPair(key).publicKey, signature)) return true;
  }
  return false;
}

/**
 * Signs and stores a checkpoint of every chain head, unless one was made less than
 * `intervalMs` ago or nothing was appended since the last one (then it returns null).
 */
export async function makeCheckpoint(
  db: Database,
  masterKeys: MasterKeys,
  options: { now?: Date; intervalMs?: number; force?: boolean } = {},
): Promise<Checkpoint | null> {
  const now = options.now ?? new Date();
  const [latest] = await latestCheckpoints(db);
  if (!options.force && latest && now.getTime() - latest.at.getTime() < (options.intervalMs ?? CHECKPOINT_INTERVAL_MS))
    return null;
  const heads = await readChainHeads(db);
  if (!options.force && latest && canonicalJson(latest.heads) === canonicalJson(heads)) return null;
  if (!options.force && !latest && Object.keys(heads).length === 0) return null;
  const checkpoint = signCheckpoint(heads, masterKeys, now);
  await insertCheckpoint(db, checkpoint);
  return checkpoint;
}

export type CheckpointScheduler = {
  /** Cheap: starts a checkpoint in the background when one is due, else does nothing. */
  poke(): void;
  /** The checkpoint being made, if any (a serverless route keeps the function alive for it). */
  pending(): Promise<unknown> | undefined;
};

/**
 * Decides in memory when a checkpoint is due, so the request path pays a clock read and
 * a comparison; the database is asked (and the checkpoint made) at most once per
 * interval, never awaited by the request that noticed it was due.
 */
export function createCheckpointScheduler(
  db: Database,
  masterKeys: MasterKeys,
  options: { intervalMs?: number; now?: () => number; onError?: (e: unknown) => void } = {},
): CheckpointScheduler {
  const intervalMs = options.intervalMs ?? CHECKPOINT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  // a fresh process waits one interval: a short-lived one is covered by the cron route
  let last = now();
  let running: Promise<unknown> | undefined;
  return {
    poke() {
      if (running || now() - last < intervalMs) return;
      last = now();
      running = makeCheckpoint(db, masterKeys, { now: new Date(last), intervalMs })
        .catch((e) =>
          (options.onError ?? ((err) => console.error("[okoro] audit checkpoint failed:", (err as Error).message)))(e),
        )
        .finally(() => {
          running = undefined;
          pendingSlot().delete(done);
        });
      const done = running;
      pendingSlot().add(done);
    },
    pending: () => running,
  };
}

// Process-wide, because Next.js may load this module once per route bundle.
function pendingSlot(): Set<Promise<unknown>> {
  return slotOnce("checkpointsPending", () => new Set());
}

/** The checkpoints being made in this process, for a serverless route to wait on after its response. */
export function pendingCheckpoints(): Promise<unknown> | undefined {
  const set = pendingSlot();
  return set.size === 0 ? undefined : Promise.allSettled([...set]);
}

const schedulers = new WeakMap<Database, CheckpointScheduler>();

/**
 * The process's scheduler for `db` (one per database handle), told by the audit pipe after
 * each committed batch: checkpoints follow the events without a timer of their own.
 */
export function checkpointScheduler(
  db: Database,
  masterKeys: MasterKeys,
  /** used only by the first call for a database (tests inject a clock) */
  options?: Parameters<typeof createCheckpointScheduler>[2],
): CheckpointScheduler {
  let s = schedulers.get(db);
  if (!s) {
    const scheduler = createCheckpointScheduler(db, masterKeys, options);
    dbPipe(db).onCommitted(() => scheduler.poke());
    schedulers.set(db, scheduler);
    s = scheduler;
  }
  return s;
}
