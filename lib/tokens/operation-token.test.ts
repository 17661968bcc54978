import { createHmac, createPrivateKey, sign as edSign } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateMasterKey } from "@/lib/crypto/envelope";
import { loadEnv, setEnvForTesting } from "@/lib/env";
import {
  createVerifier,
  importSigningKey,
  InvalidOperationToken,
  mintOperationToken,
  sanitizeIntent,
  verifyOperationToken,
  type MintInput,
  type OperationClaims,
  type SigningKeyMaterial,
  type VerificationKeys,
} from "@/lib/tokens/operation-token";
import { generateSigningKeyPair } from "@/lib/tokens/signing-keys";

const ISS = "https://okoro.test";
setEnvForTesting(
  loadEnv({ OKORO_URL: ISS, OKORO_MASTER_KEYS: generateMasterKey("t1"), AUTH_SECRET: "s".repeat(40) }, "/nonexistent"),
);

type Pair = ReturnType<typeof generateSigningKeyPair>;
let pair: Pair;
let material: SigningKeyMaterial;
let jwks: VerificationKeys;

beforeAll(async () => {
  pair = generateSigningKeyPair();
  material = await importSigningKey(pair.kid, pair.privateJwk);
  jwks = { keys: [pair.publicJwk] };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const input = (over: Partial<MintInput> = {}): MintInput => ({
  serviceTokenId: "tok_abc",
  provider: "trello",
  scope: "read",
  intent: "check todo items on the board",
  agent: "research-agent",
  ttl: 300,
  once: false,
  ...over,
});

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const parts = (token: string) => token.split(".");
const decode = (segment: string) =>
  JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;

/** Signs any header and payload with an Ed25519 private JWK, the way an attacker with a key would. */
function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateJwk = pair.privateJwk,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = createPrivateKey({ key: privateJwk, format: "jwk" });
  return `${input}.${edSign(null, Buffer.from(input), key).toString("base64url")}`;
}

async function validClaims(over: Partial<MintInput> = {}): Promise<OperationClaims> {
  return (await mintOperationToken(material, input(over))).claims;
}

const header = () => ({ alg: "EdDSA", typ: "op+jwt", kid: pair.kid });

async function expectRejected(token: string, cause?: string | RegExp, keys: VerificationKeys = jwks) {
  const err = await verifyOperationToken(token, keys).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "token was accepted").toBeInstanceOf(InvalidOperationToken);
  const e = err as InvalidOperationToken;
  expect(typeof e.cause).toBe("string");
  if (cause instanceof RegExp) expect(e.cause).toMatch(cause);
  else if (cause) expect(e.cause).toBe(cause);
  // the error never carries the token or any part of it
  if (token.length >= 20) expect(e.message).not.toContain(token.slice(0, 20));
  for (const p of parts(token)) if (p.length > 8) expect(`${e.message} ${e.cause}`).not.toContain(p);
  return e;
}

describe("sanitizeIntent", () => {
  it.each([
    ["plain text stays", "check todo items", "check todo items"],
    ["line breaks and tabs become spaces", "check\ttodo\r\nitems", "check todo  items"],
    ["C0, DEL and C1 controls go", "a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg", "abcde fg"],
    ["bidi overrides go", "read \u202Eetirw\u202C \u2066x\u2069", "read etirw x"],
    ["surrounding space is trimmed", "  \n check  ", "check"],
    ["only controls → empty", "\u0000\u0001\n", ""],
  ])("%s", (_n, raw, clean) => {
    expect(sanitizeIntent(raw)).toBe(clean);
  });

  it("cuts to 256 characters without splitting a surrogate pair", () => {
    expect(sanitizeIntent("x".repeat(300))).toHaveLength(256);
    const emoji = "x".repeat(255) + "😀" + "y";
    const cut = sanitizeIntent(emoji);
    expect(cut.length).toBeLessThanOrEqual(256);
    expect(cut).toBe("x".repeat(255));
    expect(sanitizeIntent("é".repeat(256))).toBe("é".repeat(256));
  });
});

describe("mintOperationToken", () => {
  it("signs the header and claims of docs/tokens.md#operation-tokens", async () => {
    const now = Date.UTC(2030, 0, 1, 12);
    const minted = await mintOperationToken(material, input({ intent: "check\ntodo\u0000 items" }), { now });
    const [h, p] = parts(minted.token);
    expect(decode(h)).toEqual({ alg: "EdDSA", typ: "op+jwt", kid: pair.kid });
    const claims = decode(p);
    expect(claims).toEqual({
      iss: ISS,
      aud: `${ISS}/p/trello`,
      sub: "tok_abc",
      jti: minted.jti,
      iat: now / 1000,
      nbf: now / 1000,
      exp: now / 1000 + 300,
      provider: "trello",
      scope: "read",
      intent: "check todo items",
      agent: "research-agent",
      once: false,
    });
    expect("reason" in claims).toBe(false);
    expect(minted.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(minted.expiresAt.getTime()).toBe(now + 300_000);
    expect(minted.claims).toEqual(claims);
  });

  it("marks single-use tokens and carries the reason only for all", async () => {
    const once = await mintOperationToken(material, input({ once: true, reason: "ignored for read" }));
    expect(decode(parts(once.token)[1]).once).toBe(true);
    expect(decode(parts(once.token)[1]).reason).toBeUndefined();
    const all = await mintOperationToken(material, input({ scope: "all", reason: "migrate the whole board", ttl: 60 }));
    expect(decode(parts(all.token)[1])).toMatchObject({ scope: "all", reason: "migrate the whole board" });
  });

  it("keeps the largest legitimate token under the verifier's length limit", async () => {
    const minted = await mintOperationToken(
      material,
      input({
        scope: "all",
        ttl: 60,
        intent: '"界'.repeat(128),
        reason: "界\\".repeat(512),
        agent: "名".repeat(256),
        serviceTokenId: "t".repeat(128),
        provider: "a".repeat(64),
      }),
    );
    expect(minted.token.length).toBeLessThan(8192);
    await expect(verifyOperationToken(minted.token, jwks)).resolves.toMatchObject({ reason: "界\\".repeat(512) });
  });

  it("gives every token its own jti", async () => {
    const jtis = new Set(
      await Promise.all(Array.from({ length: 50 }, async () => (await mintOperationToken(material, input())).jti)),
    );
    expect(jtis.size).toBe(50);
  });

  it.each([
    ["all without reason", input({ scope: "all", ttl: 60 })],
    ["all with a blank reason", input({ scope: "all", ttl: 60, reason: " \n " })],
    ["all over 60 s", input({ scope: "all", ttl: 61, reason: "a good reason" })],
    ["ttl over 900 s", input({ ttl: 901 })],
    ["ttl of 0", input({ ttl: 0 })],
    ["fractional ttl", input({ ttl: 1.5 })],
    ["unknown scope", input({ scope: "admin" as never })],
    ["malformed provider", input({ provider: "Trello/../x" })],
    ["empty intent", input({ intent: "\u0000\n" })],
    ["empty agent", input({ agent: "" })],
    ["empty service token id", input({ serviceTokenId: "" })],
  ])("refuses to mint: %s", async (_n, bad) => {
    await expect(mintOperationToken(material, bad)).rejects.toThrow(/mintOperationToken/);
  });
});

describe("verifyOperationToken", () => {
  it("returns the claims of a valid token", async () => {
    const minted = await mintOperationToken(material, input({ once: true }));
    const claims = await verifyOperationToken(minted.token, jwks);
    expect(claims).toEqual(minted.claims);
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it("accepts an all token with its reason", async () => {
    const minted = await mintOperationToken(
      material,
      input({ scope: "all", reason: "one-off cleanup of the board", ttl: 60 }),
    );
    expect((await verifyOperationToken(minted.token, jwks)).reason).toBe("one-off cleanup of the board");
  });

  describe("refuses forged and broken tokens", () => {
    it("alg none, with or without a signature", async () => {
      const claims = await validClaims({ scope: "delete" });
      await expectRejected(`${b64({ alg: "none", typ: "op+jwt", kid: pair.kid })}.${b64(claims)}.`, "malformed");
      await expectRejected(
        `${b64({ alg: "none", typ: "op+jwt", kid: pair.kid })}.${b64(claims)}.${b64("x")}`,
        "alg_not_allowed",
      );
      await expectRejected(`${b64({ alg: "none", typ: "op+jwt" })}.${b64(claims)}.`);
    });

    it("HS256 signed with the public key as the HMAC secret", async () => {
      const claims = await validClaims({ scope: "delete" });
      const secrets = [
        Buffer.from(pair.publicJwk.x, "base64url"),
        Buffer.from(pair.publicJwk.x),
        Buffer.from(JSON.stringify(pair.publicJwk)),
      ];
      for (const secret of secrets) {
        for (const alg of ["HS256", "HS512"]) {
          const signingInput = `${b64({ alg, typ: "op+jwt", kid: pair.kid })}.${b64(claims)}`;
          const mac = createHmac(alg === "HS256" ? "sha256" : "sha512", secret)
            .update(signingInput)
            .digest("base64url");
          await expectRejected(`${signingInput}.${mac}`, "alg_not_allowed");
        }
      }
    });

    it("other algorithms and alg spellings", async () => {
      const claims = await validClaims();
      for (const alg of ["Ed25519", "eddsa", "ES256", "RS256", "EdDSA "]) {
        await expectRejected(forge({ ...header(), alg }, { ...claims }), "alg_not_allowed");
      }
    });

    it("a tampered payload", async () => {
      const minted = await mintOperationToken(material, input());
      const [h, p, s] = parts(minted.token);
      const claims = decode(p);
      for (const change of [
        { scope: "delete" },
        { provider: "github", aud: `${ISS}/p/github` },
        { exp: (claims.exp as number) + 3600 },
        { once: false, jti: "0".repeat(32) },
      ]) {
        await expectRejected(`${h}.${b64({ ...claims, ...change })}.${s}`, "bad_signature");
      }
    });

    it("a flipped signature bit, a truncated or missing signature", async () => {
      const minted = await mintOperationToken(material, input());
      const [h, p, s] = parts(minted.token);
      const sig = Buffer.from(s, "base64url");
      for (const bit of [0, 7, 100, sig.length * 8 - 1]) {
        const flipped = Buffer.from(sig);
        flipped[bit >> 3] ^= 1 << (bit & 7);
        await expectRejected(`${h}.${p}.${flipped.toString("base64url")}`, "bad_signature");
      }
      await expectRejected(`${h}.${p}.${s.slice(0, -4)}`, "bad_signature");
      await expectRejected(`${h}.${p}.`, "malformed");
      await expectRejected(`${h}.${p}`, "malformed");
    });

    it("a signature by another key under our kid", async () => {
      const other = generateSigningKeyPair();
      await expectRejected(forge(header(), { ...(await validClaims()) }, other.privateJwk), "bad_signature");
    });

    it("an unknown kid, a missing kid and kid injection", async () => {
      const claims = await validClaims();
      await expectRejected(forge({ ...header(), kid: "key_doesnotexist0000000000" }, { ...claims }), "unknown_kid");
      const { kid: _kid, ...noKid } = header();
      await expectRejected(forge(noKid, { ...claims }), "bad_kid");
      for (const kid of [
        "../../x",
        "../../../etc/passwd",
        "' OR '1'='1",
        "key_x'; DROP TABLE signing_keys; --",
        "",
        " ",
        "k\u0000",
        "x".repeat(65),
        42,
        null,
        ["a"],
        { $ne: "" },
      ]) {
        await expectRejected(forge({ ...header(), kid }, { ...claims }), "bad_kid");
      }
    });

    it("jku, jwk, x5u, x5c and crit headers", async () => {
      const claims = await validClaims({ scope: "delete" });
      // signed correctly with our own key: the header alone must sink it
      await expectRejected(
        forge({ ...header(), jku: "https://attacker.example/jwks.json" }, { ...claims }),
        "forbidden_header",
      );
      await expectRejected(
        forge({ ...header(), x5u: "https://attacker.example/cert.pem" }, { ...claims }),
        "forbidden_header",
      );
      await expectRejected(forge({ ...header(), x5c: ["MIIB"] }, { ...claims }), "forbidden_header");
      await expectRejected(forge({ ...header(), crit: ["exp"], exp: 1 }, { ...claims }), "forbidden_header");
      await expectRejected(forge({ ...header(), extra: 1 }, { ...claims }), "unexpected_header");

      // an attacker key embedded in the header and signing the token, with or without our kid
      const attacker = generateSigningKeyPair();
      const embedded = { kty: "OKP", crv: "Ed25519", x: attacker.publicJwk.x };
      await expectRejected(
        forge({ alg: "EdDSA", typ: "op+jwt", jwk: embedded }, { ...claims }, attacker.privateJwk),
        "forbidden_header",
      );
      await expectRejected(
        forge({ ...header(), jwk: embedded }, { ...claims }, attacker.privateJwk),
        "forbidden_header",
      );
      await expectRejected(
        forge({ ...header(), kid: attacker.kid, jwk: embedded }, { ...claims }, attacker.privateJwk),
        "forbidden_header",
      );
    });

    it("a wrong or missing typ", async () => {
      const claims = await validClaims();
      for (const typ of ["JWT", "jwt", "at+jwt", "OP+JWT", "application/op+jwt", "op+jwt ", 1]) {
        await expectRejected(forge({ ...header(), typ }, { ...claims }), "wrong_typ");
      }
      const { typ: _typ, ...noTyp } = header();
      await expectRejected(forge(noTyp, { ...claims }), "wrong_typ");
    });

    it("an expired token, including at the second of exp", async () => {
      const now = Date.now();
      const minted = await mintOperationToken(material, input({ ttl: 10 }), { now: now - 11_000 });
      await expectRejected(minted.token, "expired");
      const claims = await validClaims();
      await expectRejected(
        forge(header(), {
          ...claims,
          iat: Math.floor(now / 1000) - 30,
          nbf: Math.floor(now / 1000) - 30,
          exp: Math.floor(now / 1000),
        }),
        "expired",
      );
    });

    it("a token that is not valid yet (beyond 5 s of clock tolerance)", async () => {
      const early = await mintOperationToken(material, input(), { now: Date.now() + 60_000 });
      await expectRejected(early.token, "not_yet_valid");
      const slightly = await mintOperationToken(material, input(), { now: Date.now() + 3_000 });
      await expect(verifyOperationToken(slightly.token, jwks)).resolves.toMatchObject({ jti: slightly.jti });
    });

    it("a wrong issuer", async () => {
      const other = await mintOperationToken(material, input(), { issuer: "https://evil.example" });
      await expectRejected(other.token, "wrong_iss");
      const claims = await validClaims();
      await expectRejected(forge(header(), { ...claims, iss: `${ISS}/` }), "wrong_iss");
      const strict = createVerifier(jwks, { issuer: "https://other-okoro.example" });
      await expect(strict.verify((await mintOperationToken(material, input())).token)).rejects.toMatchObject({
        cause: "wrong_iss",
      });
    });

    it("an aud that does not match the provider claim", async () => {
      const claims = await validClaims({ provider: "trello" });
      await expectRejected(forge(header(), { ...claims, aud: `${ISS}/p/github` }), "wrong_aud");
      await expectRejected(forge(header(), { ...claims, provider: "github" }), "wrong_aud");
      await expectRejected(forge(header(), { ...claims, aud: [claims.aud] }), "bad_claim:aud");
      await expectRejected(forge(header(), { ...claims, aud: `https://evil.example/p/trello` }), "wrong_aud");
    });

    it("a missing required claim, each in turn", async () => {
      const claims = await validClaims({ once: true });
      for (const name of [
        "iss",
        "aud",
        "sub",
        "jti",
        "iat",
        "nbf",
        "exp",
        "provider",
        "scope",
        "intent",
        "agent",
        "once",
      ]) {
        const { [name as keyof OperationClaims]: _gone, ...rest } = claims;
        await expectRejected(forge(header(), rest), `bad_claim:${name}`);
      }
    });

    it("claims of the wrong type or out of range", async () => {
      const c = await validClaims();
      const cases: [Record<string, unknown>, string][] = [
        [{ scope: "admin" }, "bad_claim:scope"],
        [{ scope: "READ" }, "bad_claim:scope"],
        [{ scope: ["read"] }, "bad_claim:scope"],
        [{ iat: String(c.iat) }, "bad_claim:iat"],
        [{ exp: c.exp + 0.5 }, "bad_claim:exp"],
        [{ nbf: -1 }, "bad_claim:nbf"],
        [{ once: "true" }, "bad_claim:once"],
        [{ once: 1 }, "bad_claim:once"],
        [{ jti: "short" }, "bad_claim:jti"],
        [{ sub: "" }, "bad_claim:sub"],
        [{ sub: 7 }, "bad_claim:sub"],
        [{ agent: "" }, "bad_claim:agent"],
        [{ intent: "" }, "bad_claim:intent"],
        [{ intent: "x".repeat(257) }, "bad_claim:intent"],
        [{ intent: "check\nitems" }, "bad_claim:intent"],
        [{ provider: "Trello", aud: `${ISS}/p/Trello` }, "bad_claim:provider"],
        [{ provider: "../admin", aud: `${ISS}/p/../admin` }, "bad_claim:provider"],
        [{ reason: "a reason on a read token" }, "reason_not_allowed"],
        [{ scope: "all" }, "reason_required"],
        [{ scope: "all", reason: "" }, "reason_required"],
        [{ scope: "all", reason: "needed for cleanup", exp: c.iat + 61 }, "ttl_too_long"],
        [{ exp: c.iat + 901 }, "ttl_too_long"],
        [{ exp: c.iat }, "bad_lifetime"],
        [{ nbf: c.exp }, "bad_lifetime"],
      ];
      for (const [change, cause] of cases) await expectRejected(forge(header(), { ...c, ...change }), cause);
    });

    it("garbage", async () => {
      for (const junk of [
        "",
        "x",
        "a.b",
        "a.b.c.d",
        "a.b.c",
        `${b64("[]")}.${b64({})}.${b64("s")}`,
        `${b64("not json")}.${b64({})}.${b64("s")}`,
        "é.é.é",
        "x".repeat(9000),
      ]) {
        await expectRejected(junk);
      }
      await expectRejected(`${b64(header())}.${b64("[1]")}.${b64("s")}`, "bad_signature");
      await expect(verifyOperationToken(undefined as unknown as string, jwks)).rejects.toBeInstanceOf(
        InvalidOperationToken,
      );
      // a correctly signed payload that is not a claims object
      await expectRejected(forge(header(), [] as unknown as Record<string, unknown>), "bad_payload");
    });
  });
});

describe("the verifier's cache", () => {
  it("answers a repeated token from the cache", async () => {
    const verifier = createVerifier(jwks);
    const { token } = await mintOperationToken(material, input());
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(verifier.cachedTokens()).toBe(1);
  });

  it("never returns a token after its exp, even a cached one", async () => {
    let now = Date.now();
    const verifier = createVerifier(jwks, { now: () => now });
    const minted = await mintOperationToken(material, input({ ttl: 30 }), { now });
    await expect(verifier.verify(minted.token)).resolves.toBeTruthy();
    now = minted.expiresAt.getTime() - 1;
    await expect(verifier.verify(minted.token)).resolves.toBeTruthy();
    now = minted.expiresAt.getTime();
    await expect(verifier.verify(minted.token)).rejects.toMatchObject({ cause: "expired" });
    expect(verifier.cachedTokens()).toBe(0);
    now = minted.expiresAt.getTime() - 1000; // clocks do not go back, but a cache must not resurrect either way
    await expect(verifier.verify(minted.token)).resolves.toBeTruthy();
  });

  it("stores only successes: a refused token stays refused", async () => {
    const verifier = createVerifier(jwks);
    const { token } = await mintOperationToken(material, input());
    await verifier.verify(token);
    const [h, p, s] = parts(token);
    const tampered = `${h}.${b64({ ...decode(p), scope: "delete" })}.${s}`;
    for (let i = 0; i < 3; i++)
      await expect(verifier.verify(tampered)).rejects.toMatchObject({ cause: "bad_signature" });
    expect(verifier.cachedTokens()).toBe(1);
  });

  it("is bounded and evicts the least recently used", async () => {
    const verifier = createVerifier(jwks, { cacheSize: 3 });
    const tokens = await Promise.all(
      Array.from({ length: 5 }, async () => (await mintOperationToken(material, input())).token),
    );
    for (const t of tokens) await verifier.verify(t);
    expect(verifier.cachedTokens()).toBe(3);
    const t2 = await verifier.verify(tokens[2]);
    expect(await verifier.verify(tokens[2])).toBe(t2); // still cached
    const t0 = await verifier.verify(tokens[0]); // evicted earlier: verified afresh
    expect(await verifier.verify(tokens[0])).toBe(t0);
    expect(verifier.cachedTokens()).toBe(3);
  });

  it("drops cached tokens when their key leaves the key set", async () => {
    const verifier = createVerifier(jwks);
    const { token } = await mintOperationToken(material, input());
    await verifier.verify(token);
    await verifier.setKeys({ keys: [] });
    await expect(verifier.verify(token)).rejects.toMatchObject({ cause: "unknown_kid" });
    await verifier.setKeys(jwks);
    await expect(verifier.verify(token)).resolves.toBeTruthy();
  });

  it("works with the cache turned off", async () => {
    const verifier = createVerifier(jwks, { cacheSize: 0 });
    const { token } = await mintOperationToken(material, input());
    const a = await verifier.verify(token);
    expect(await verifier.verify(token)).not.toBe(a);
    expect(verifier.cachedTokens()).toBe(0);
  });
});

describe("key-source verifiers", () => {
  it("reload for a kid they do not know, and spread reloads out", async () => {
    const next = generateSigningKeyPair();
    const nextMaterial = await importSigningKey(next.kid, next.privateJwk);
    let published: VerificationKeys = jwks;
    const loader = vi.fn(async () => published);
    const verifier = createVerifier(loader, { minReloadIntervalMs: 150 });

    await verifier.verify((await mintOperationToken(material, input())).token);
    expect(loader).toHaveBeenCalledTimes(1);

    // junk kids: each waits for the next spaced reload; they do not each hit the source
    const junk = await validClaims();
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        verifier.verify(forge({ ...header(), kid: `key_unknown${i}` }, { ...junk })),
      ),
    );
    expect(
      results.every((r) => r.status === "rejected" && (r.reason as InvalidOperationToken).cause === "unknown_kid"),
    ).toBe(true);
    expect(loader.mock.calls.length).toBeLessThanOrEqual(3);
    expect(performance.now() - started).toBeLessThan(2_000);

    // another process rotates: the new kid is picked up on first sight
    published = { keys: [next.publicJwk, pair.publicJwk] };
    const rotated = await mintOperationToken(nextMaterial, input());
    await expect(verifier.verify(rotated.token)).resolves.toMatchObject({ jti: rotated.jti });
    expect(verifier.kids().sort()).toEqual([next.kid, pair.kid].sort());
  });

  it("let a failure to load keys through as itself, not as an invalid token", async () => {
    const verifier = createVerifier(async () => {
      throw new Error("database down");
    });
    const { token } = await mintOperationToken(material, input());
    const err = await verifier.verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(InvalidOperationToken);
  });

  it("skip malformed or private-looking key entries instead of trusting them", async () => {
    const bogus = {
      keys: [
        { ...pair.publicJwk, crv: "X25519" },
        { ...pair.publicJwk, x: "short" },
      ],
    } as unknown as VerificationKeys;
    const verifier = createVerifier(bogus);
    await expect(verifier.verify((await mintOperationToken(material, input())).token)).rejects.toMatchObject({
      cause: "unknown_kid",
    });
  });
});

describe("performance", () => {
  it("verifies a fresh token in well under a few milliseconds and a cached one in microseconds", async () => {
    const verifier = createVerifier(jwks);
    const tokens = await Promise.all(
      Array.from({ length: 200 }, async () => (await mintOperationToken(material, input())).token),
    );
    await verifier.verify(tokens[0]);
    let t = performance.now();
    for (const token of tokens) await verifier.verify(token);
    const fresh = (performance.now() - t) / tokens.length;
    t = performance.now();
    for (let i = 0; i < 10; i++) for (const token of tokens) await verifier.verify(token);
    const cached = (performance.now() - t) / (tokens.length * 10);
    expect(fresh).toBeLessThan(5);
    expect(cached).toBeLessThan(fresh);
  });
});
