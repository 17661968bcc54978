// The Ed25519 keys that sign operation tokens (docs/tokens.md#operation-tokens, docs/credentials.md#credentials-at-rest), kept in `signing_keys`: the
// public JWK in clear, the private JWK as an envelope sealed to its row. This module owns
// creating the first key (race-safe across processes), rotation, the published JWKS, and
// the process-wide caches of the signing key and of the verifier.
//
// Rows: exactly one has retired_at IS NULL — the current key. A retired key stays published
// (and verifying) for RETIRED_KEY_PUBLISH_SECONDS after retirement: longer than any token it
// signed can live, plus the time another process may keep signing with it before it notices.
import "server-only";
import { generateKeyPairSync } from "node:crypto";
import type { Database } from "@/db/client";
import {
  insertSigningKey,
  lockSigningKeys as lockKeys,
  publishableSigningKeys,
  retireCurrentSigningKeys,
  selectCurrentSigningKey as selectCurrent,
  type NewSigningKeyRow,
  type SigningKeyRow,
} from "@/db/queries/signing-keys";
import { openJson, rowAad, sealJson, type Envelope } from "@/lib/crypto/envelope";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import {
  createVerifier,
  importSigningKey,
  MAX_OPERATION_TTL,
  publicSigningJwk,
  type Jwks,
  type OperationTokenVerifier,
  type PublicSigningJwk,
  type SigningKeyMaterial,
  type VerificationKeys,
  type VerifierOptions,
} from "@/lib/tokens/operation-token";

/** How long a process signs with the key it has before asking the database which key is current. */
export const SIGNING_KEY_REFRESH_MS = 30_000;
/**
 * A retired key is published this long: a token lives at most 900 s, another process may sign
 * with the retired key for up to SIGNING_KEY_REFRESH_MS before it sees the rotation, and
 * clocks differ by a few seconds. 300 s of margin covers the last two many times over.
 */
export const RETIRED_KEY_PUBLISH_SECONDS = MAX_OPERATION_TTL + 300;

const TABLE = "signing_keys";
const ED25519_X = /^[A-Za-z0-9_-]{43}$/;

type PrivateJwk = { kty: "OKP"; crv: "Ed25519"; x: string; d: string };

/** The current signing key exists but cannot be used (decryption or consistency failed). Fail closed. */
export class SigningKeyUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SigningKeyUnavailable";
  }
}

/** A new Ed25519 key pair with a fresh kid. */
export function generateSigningKeyPair(): { kid: string; publicJwk: PublicSigningJwk; privateJwk: PrivateJwk } {
  const kid = newId("key");
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || typeof jwk.d !== "string") {
    throw new Error("Ed25519 key generation returned an unexpected JWK");
  }
  return {
    kid,
    publicJwk: publicSigningJwk(kid, jwk.x),
    privateJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d },
  };
}

function newKeyRow(): { row: NewSigningKeyRow; privateJwk: PrivateJwk } {
  const { kid, publicJwk, privateJwk } = generateSigningKeyPair();
  const privateKey: Envelope = sealJson(privateJwk, rowAad(TABLE, kid), getEnv().masterKeys);
  return { row: { kid, publicJwk, privateKey }, privateJwk };
}

/**
 * The current key's row, created if there is none. Two processes creating the first key at
 * once serialize on an advisory lock and the second finds the first's key.
 */
export async function ensureSigningKey(db: Database): Promise<{ kid: string; created: boolean }> {
  const { row, created } = await ensureCurrentRow(db);
  return { kid: row.kid, created };
}

async function ensureCurrentRow(db: Database): Promise<{ row: SigningKeyRow; created: boolean }> {
  const existing = await selectCurrent(db);
  if (existing) return { row: existing, created: false };
  const fresh = newKeyRow();
  return db.transaction(async (tx) => {
    await lockKeys(tx);
    const again = await selectCurrent(tx);
    if (again) return { row: again, created: false };
    const row = await insertSigningKey(tx, fresh.row);
    return { row, created: true };
  });
}

/** Decrypts and imports a row's private key. Any failure throws SigningKeyUnavailable. */
async function materialFrom(row: SigningKeyRow): Promise<SigningKeyMaterial> {
  let jwk: Partial<PrivateJwk>;
  try {
    jwk = openJson<Partial<PrivateJwk>>(row.privateKey, rowAad(TABLE, row.kid), getEnv().masterKeys);
  } catch (e) {
    throw new SigningKeyUnavailable(`signing key ${row.kid} could not be decrypted`, { cause: e });
  }
  // The envelope is bound to its kid by the AAD; this also binds it to the published half.
  if (typeof jwk?.x !== "string" || jwk.x !== row.publicJwk?.x) {
    throw new SigningKeyUnavailable(`signing key ${row.kid} does not match its public key`);
  }
  try {
    return await importSigningKey(row.kid, jwk);
  } catch (e) {
    throw new SigningKeyUnavailable(`signing key ${row.kid} could not be imported`, { cause: e });
  }
}

type SignerState = { material?: SigningKeyMaterial; checkedAt: number; inflight?: Promise<SigningKeyMaterial> };
const signers = new WeakMap<Database, SignerState>();
const verifiers = new WeakMap<Database, OperationTokenVerifier>();

function signerState(db: Database): SignerState {
  let state = signers.get(db);
  if (!state) {
    state = { checkedAt: -Infinity };
    signers.set(db, state);
  }
  return state;
}

/** Tells this process's verifier about a key before the first token it signs comes back. */
async function announceKey(db: Database, kid: string): Promise<void> {
  const verifier = verifiers.get(db);
  if (!verifier || verifier.kids().includes(kid)) return;
  // best effort: a verifier that misses it still reloads when the kid first shows up
  await verifier.refresh().catch(() => {});
}

/**
 * The key to sign with, created on first use. Held in memory and re-read every
 * SIGNING_KEY_REFRESH_MS so a rotation made by another process is picked up. A key that
 * cannot be decrypted throws (SigningKeyUnavailable): nothing is signed.
 */
export async function getCurrentSigningKey(db: Database): Promise<SigningKeyMaterial> {
  const state = signerState(db);
  if (state.material && performance.now() - state.checkedAt < SIGNING_KEY_REFRESH_MS) return state.material;
  state.inflight ??= (async () => {
    const { row } = await ensureCurrentRow(db);
    let material = state.material;
    if (material?.kid !== row.kid) {
      material = await materialFrom(row);
      state.material = material;
      await announceKey(db, row.kid);
    }
    state.checkedAt = performance.now();
    return material;
  })().finally(() => {
    state.inflight = undefined;
  });
  return state.inflight;
}

/**
 * Adds a new current key and retires the previous one (retired_at = now). Tokens signed by
 * the previous key keep verifying: it stays published for RETIRED_KEY_PUBLISH_SECONDS.
 */
export async function rotateSigningKey(db: Database): Promise<{ kid: string }> {
  const fresh = newKeyRow();
  await db.transaction(async (tx) => {
    await lockKeys(tx);
    await retireCurrentSigningKeys(tx);
    await insertSigningKey(tx, fresh.row);
  });
  const kid = fresh.row.kid;
  const state = signerState(db);
  state.material = await importSigningKey(kid, fresh.privateJwk);
  state.checkedAt = performance.now();
  await announceKey(db, kid);
  return { kid };
}

/**
 * The JWKS (`/.well-known/jwks.json`): the current key first, then every retired key whose
 * tokens may still be valid. Each entry is rebuilt from `kid` and `x` alone, so nothing else
 * stored with a key — let alone a private part — can ever be published.
 */
export async function publishedKeys(db: Database): Promise<Jwks> {
  const rows = await publishableSigningKeys(db, RETIRED_KEY_PUBLISH_SECONDS);
  const keys: PublicSigningJwk[] = [];
  for (const row of rows) {
    const x = row.publicJwk?.x;
    if (
      typeof x === "string" &&
      ED25519_X.test(x) &&
      row.publicJwk?.kty === "OKP" &&
      row.publicJwk?.crv === "Ed25519"
    ) {
      keys.push(publicSigningJwk(row.kid, x));
    }
  }
  return { keys };
}

/** The keys a verifier accepts: exactly the published ones. */
export async function verificationKeys(db: Database): Promise<VerificationKeys> {
  return publishedKeys(db);
}

/**
 * The process's verifier for this database: keys imported once, refreshed every minute and
 * whenever a token names a kid it does not know yet (at most once a second), verified tokens
 * cached until `exp`. Hand it to the proxy.
 */
export function getOperationTokenVerifier(db: Database, options?: VerifierOptions): OperationTokenVerifier {
  let verifier = verifiers.get(db);
  if (!verifier) {
    verifier = createVerifier(() => publishedKeys(db), options);
    verifiers.set(db, verifier);
  }
  return verifier;
}

/** Tests only: forget the in-memory signing key and verifier of a database. */
export function resetSigningKeyCaches(db: Database): void {
  signers.delete(db);
  verifiers.delete(db);
}
