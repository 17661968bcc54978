import { eq, isNull, sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { openDatabase, type Database, type DbHandle } from "@/db/client";
import { signingKeys } from "@/db/schema";
import { generateMasterKey, rowAad, sealJson, type Envelope } from "@/lib/crypto/envelope";
import { loadEnv, setEnvForTesting } from "@/lib/env";
import {
  createVerifier,
  InvalidOperationToken,
  mintOperationToken,
  type MintInput,
} from "@/lib/tokens/operation-token";
import {
  ensureSigningKey,
  generateSigningKeyPair,
  getCurrentSigningKey,
  getOperationTokenVerifier,
  publishedKeys,
  resetSigningKeyCaches,
  RETIRED_KEY_PUBLISH_SECONDS,
  rotateSigningKey,
  SIGNING_KEY_REFRESH_MS,
  SigningKeyUnavailable,
  verificationKeys,
} from "@/lib/tokens/signing-keys";
import { describeDatabases } from "@/test/databases";

const ISS = "https://okoro.test";
const MASTER = generateMasterKey("m1");
const env = (masterKeys = MASTER) =>
  loadEnv({ OKORO_URL: ISS, OKORO_MASTER_KEYS: masterKeys, AUTH_SECRET: "s".repeat(40) }, "/nonexistent");
setEnvForTesting(env());

const input: MintInput = {
  serviceTokenId: "tok_1",
  provider: "github",
  scope: "read",
  intent: "list open pull requests",
  agent: "review-bot",
  ttl: 900,
  once: false,
};

async function currentRows(db: Database) {
  return db.select().from(signingKeys).where(isNull(signingKeys.retiredAt));
}

/** What another process would do to rotate: retire, insert a sealed key, tell nobody here. */
async function rotateElsewhere(db: Database): Promise<string> {
  const { kid, publicJwk, privateJwk } = generateSigningKeyPair();
  await db.transaction(async (tx) => {
    await tx.update(signingKeys).set({ retiredAt: sql`now()` }).where(isNull(signingKeys.retiredAt));
    await tx
      .insert(signingKeys)
      .values({ kid, publicJwk, privateKey: sealJson(privateJwk, rowAad("signing_keys", kid), env().masterKeys) });
  });
  return kid;
}

describeDatabases("signing keys", (handle, driver) => {
  const db = () => handle().db;

  beforeEach(async () => {
    setEnvForTesting(env());
    await db().delete(signingKeys);
    resetSigningKeyCaches(db());
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("creates the first key on first use, sealed, and keeps using it", async () => {
    expect(await publishedKeys(db())).toEqual({ keys: [] });
    const key = await getCurrentSigningKey(db());
    expect(key.kid).toMatch(/^key_[0-9A-Za-z]{22}$/);
    expect(key.privateKey.extractable).toBe(false);
    expect(await getCurrentSigningKey(db())).toBe(key);

    const rows = await db().select().from(signingKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0].retiredAt).toBeNull();
    expect(Object.keys(rows[0].privateKey).sort()).toEqual(["ciphertext", "kid", "nonce", "tag", "v", "wrapped_key"]);
    expect(Object.keys(rows[0].publicJwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    // the private scalar appears nowhere in clear
    expect(JSON.stringify(rows[0])).not.toMatch(/"d"\s*:/);

    const minted = await mintOperationToken(key, input);
    await expect(getOperationTokenVerifier(db()).verify(minted.token)).resolves.toMatchObject({ jti: minted.jti });
  });

  it("ends with one current key when many callers create the first key at once", async () => {
    // Separate pools stand in for separate processes: no shared in-memory cache, several
    // connections racing on the server. (PGlite has one connection; there the calls interleave.)
    const extra: DbHandle[] = [];
    if (driver !== "pglite") {
      for (let i = 0; i < 3; i++) extra.push(await openDatabase({ driver: "pg", url: handle().url, max: 4 }));
    }
    try {
      const dbs = [db(), ...extra.map((h) => h.db)];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const target = dbs[i % dbs.length];
          return i % 2 === 0
            ? ensureSigningKey(target)
            : getCurrentSigningKey(target).then((k) => ({ kid: k.kid, created: false }));
        }),
      );
      const kids = new Set(results.map((r) => r.kid));
      expect(kids.size).toBe(1);
      expect(results.filter((r) => r.created).length).toBeLessThanOrEqual(1);
      const rows = await db().select().from(signingKeys);
      expect(rows).toHaveLength(1);
      expect(rows[0].retiredAt).toBeNull();
    } finally {
      for (const h of extra) await h.close();
    }
  });

  it("rotates: the new key signs, the previous one keeps verifying and stays published", async () => {
    const first = await getCurrentSigningKey(db());
    const verifier = getOperationTokenVerifier(db());
    const old = await mintOperationToken(first, input);
    await verifier.verify(old.token);

    const { kid } = await rotateSigningKey(db());
    expect(kid).not.toBe(first.kid);
    const second = await getCurrentSigningKey(db());
    expect(second.kid).toBe(kid);

    const current = await currentRows(db());
    expect(current.map((r) => r.kid)).toEqual([kid]);
    const [retired] = await db().select().from(signingKeys).where(eq(signingKeys.kid, first.kid));
    expect(retired.retiredAt).toBeInstanceOf(Date);

    const jwks = await publishedKeys(db());
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, first.kid]);

    const fresh = await mintOperationToken(second, input);
    await expect(verifier.verify(fresh.token)).resolves.toMatchObject({ jti: fresh.jti });
    await expect(verifier.verify(old.token)).resolves.toMatchObject({ jti: old.jti });
    // a verifier that has never seen either key
    const cold = createVerifier(await verificationKeys(db()));
    await expect(cold.verify(old.token)).resolves.toBeTruthy();
    await expect(cold.verify(fresh.token)).resolves.toBeTruthy();
  });

  it("stops publishing a key retired longer ago than any token it signed can live", async () => {
    const first = await getCurrentSigningKey(db());
    const old = await mintOperationToken(first, input);
    await rotateSigningKey(db());
    await db()
      .update(signingKeys)
      .set({ retiredAt: sql`now() - ${sql.raw(`interval '${RETIRED_KEY_PUBLISH_SECONDS - 30} seconds'`)}` })
      .where(eq(signingKeys.kid, first.kid));
    expect((await publishedKeys(db())).keys.map((k) => k.kid)).toContain(first.kid);
    await db()
      .update(signingKeys)
      .set({ retiredAt: sql`now() - ${sql.raw(`interval '${RETIRED_KEY_PUBLISH_SECONDS + 30} seconds'`)}` })
      .where(eq(signingKeys.kid, first.kid));
    const jwks = await publishedKeys(db());
    expect(jwks.keys.map((k) => k.kid)).not.toContain(first.kid);
    await expect(createVerifier(jwks).verify(old.token)).rejects.toMatchObject({ cause: "unknown_kid" });
  });

  it("concurrent rotations still leave exactly one current key", async () => {
    await getCurrentSigningKey(db());
    const rotated = await Promise.all(Array.from({ length: 6 }, () => rotateSigningKey(db())));
    expect(new Set(rotated.map((r) => r.kid)).size).toBe(6);
    expect(await currentRows(db())).toHaveLength(1);
    expect(await db().select().from(signingKeys)).toHaveLength(7);
  });

  it("picks up a rotation made by another process", async () => {
    const first = await getCurrentSigningKey(db());
    // an independent verifier, loaded before the rotation
    const verifier = createVerifier(() => publishedKeys(db()), { minReloadIntervalMs: 20 });
    await verifier.verify((await mintOperationToken(first, input)).token);

    const kid = await rotateElsewhere(db());
    // within the refresh period this process still signs with the key it holds (still published)…
    expect((await getCurrentSigningKey(db())).kid).toBe(first.kid);
    // …and asks again once the period is over
    const realNow = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => realNow() + SIGNING_KEY_REFRESH_MS + 1);
    const second = await getCurrentSigningKey(db());
    expect(second.kid).toBe(kid);
    vi.restoreAllMocks();

    // the verifier learns the new kid from the database when a token first names it
    const fresh = await mintOperationToken(second, input);
    await expect(verifier.verify(fresh.token)).resolves.toMatchObject({ jti: fresh.jti });
  });

  it("fails closed when the private key envelope is tampered with", async () => {
    const key = await getCurrentSigningKey(db());
    const [row] = await db().select().from(signingKeys).where(eq(signingKeys.kid, key.kid));
    const tampered: Envelope = { ...row.privateKey };
    const ct = Buffer.from(tampered.ciphertext, "base64");
    ct[0] ^= 1;
    tampered.ciphertext = ct.toString("base64");
    await db().update(signingKeys).set({ privateKey: tampered }).where(eq(signingKeys.kid, key.kid));
    resetSigningKeyCaches(db());

    const err = await getCurrentSigningKey(db()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningKeyUnavailable);
    expect(String((err as Error).message)).not.toContain(row.privateKey.ciphertext.slice(0, 12));
    // still failing on the next call: a failure is not cached as a key
    await expect(getCurrentSigningKey(db())).rejects.toBeInstanceOf(SigningKeyUnavailable);
    // and nothing replaced the broken key behind our back
    expect((await currentRows(db())).map((r) => r.kid)).toEqual([key.kid]);
    // verification needs only the public half
    expect((await publishedKeys(db())).keys.map((k) => k.kid)).toEqual([key.kid]);
  });

  it("fails closed when an envelope is moved to another key's row or the master key is wrong", async () => {
    const first = await getCurrentSigningKey(db());
    const { kid: secondKid } = await rotateSigningKey(db());
    const [firstRow] = await db().select().from(signingKeys).where(eq(signingKeys.kid, first.kid));
    await db().update(signingKeys).set({ privateKey: firstRow.privateKey }).where(eq(signingKeys.kid, secondKid));
    resetSigningKeyCaches(db());
    await expect(getCurrentSigningKey(db())).rejects.toBeInstanceOf(SigningKeyUnavailable);

    await db().delete(signingKeys);
    await getCurrentSigningKey(db());
    resetSigningKeyCaches(db());
    setEnvForTesting(env(generateMasterKey("m1")));
    await expect(getCurrentSigningKey(db())).rejects.toBeInstanceOf(SigningKeyUnavailable);
  });

  it("publishes only public fields, even if a private part were stored with the public key", async () => {
    const key = await getCurrentSigningKey(db());
    await rotateSigningKey(db());
    const [row] = await db().select().from(signingKeys).where(eq(signingKeys.kid, key.kid));
    await db()
      .update(signingKeys)
      .set({ publicJwk: { ...row.publicJwk, d: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj", p: "x", k: "y" } })
      .where(eq(signingKeys.kid, key.kid));
    const jwks = await publishedKeys(db());
    expect(jwks.keys).toHaveLength(2);
    for (const jwk of jwks.keys) {
      expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
      expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
      expect(jwk.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi|k)"/);
  });

  it("refuses tokens signed by a key that is not in the table", async () => {
    await getCurrentSigningKey(db());
    const stranger = generateSigningKeyPair();
    const { importSigningKey } = await import("@/lib/tokens/operation-token");
    const minted = await mintOperationToken(await importSigningKey(stranger.kid, stranger.privateJwk), input);
    const verifier = createVerifier(() => publishedKeys(db()), { minReloadIntervalMs: 10 });
    await expect(verifier.verify(minted.token)).rejects.toBeInstanceOf(InvalidOperationToken);
    await expect(verifier.verify(minted.token)).rejects.toMatchObject({ cause: "unknown_kid" });
  });
});
