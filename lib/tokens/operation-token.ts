// Operation tokens (docs/tokens.md#operation-tokens): the short-lived EdDSA JWTs an agent gets from the exchange
// and presents to the proxy. This module owns their claims, minting, and verification —
// the hot path: keys are imported once per verifier, and a verified token is cached by its
// exact string until `exp`. It knows nothing about the database; lib/tokens/signing-keys.ts
// supplies the keys.
//
// Every verification failure throws InvalidOperationToken with a short, fixed cause code for
// the audit log; callers answer all of them with the same 401. Nothing here ever puts a
// token, a key or any other attacker-supplied text into an error.
import { compactVerify, importJWK, SignJWT } from "jose";
import { stripControlCharacters, truncate } from "@/lib/audit/redact";
import { getEnv } from "@/lib/env";
import { randomHex128 } from "@/lib/ids";
import { isScope, type Scope } from "@/lib/scopes";

export const OPERATION_TOKEN_TYP = "op+jwt";
export const OPERATION_TOKEN_ALG = "EdDSA";
/** Longest lifetime of any operation token (a service token's max_ttl is at most this). */
export const MAX_OPERATION_TTL = 900;
/** Longest lifetime of an `all` token. */
export const MAX_ALL_SCOPE_TTL = 60;
export const MAX_INTENT_LENGTH = 256;
/** Allowance for clocks of the minting and verifying processes that disagree (nbf/iat only). */
export const CLOCK_TOLERANCE_SEC = 5;
/** A token longer than this is not ours; refusing it early bounds the work an attacker can cause. */
export const MAX_OPERATION_TOKEN_LENGTH = 8192;
export const DEFAULT_VERIFIED_CACHE_SIZE = 10_000;

/** Key ids are ours (`key_…`), but anything of this shape may be looked up; nothing else is. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Catalog ids are lowercase words joined by `-`; the claim must be one before it becomes part of `aud`. */
const PROVIDER_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const JTI_PATTERN = /^[0-9a-f]{32}$/;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ED25519_X = /^[A-Za-z0-9_-]{43}$/;
const MAX_ID_LENGTH = 128;
const MAX_AGENT_LENGTH = 256;
// the exchange accepts reasons of up to 1024 characters; the token carries them whole
const MAX_REASON_LENGTH = 1024;

/** The only header parameters our tokens carry. Any other — above all jku, jwk, x5u, x5c, crit — is refused. */
const ALLOWED_HEADER = new Set(["alg", "typ", "kid"]);
const FORBIDDEN_HEADER = new Set(["jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64", "zip", "enc"]);

export type PublicSigningJwk = {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
};

/** A JWKS: what /.well-known/jwks.json serves and what verifiers are built from. */
export type Jwks = { keys: PublicSigningJwk[] };
export type VerificationKeys = { readonly keys: readonly PublicSigningJwk[] };

/** A private signing key, imported once (non-extractable) and kept in memory. */
export type SigningKeyMaterial = {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicSigningJwk;
};

export type OperationClaims = {
  iss: string;
  aud: string;
  /** the service token id */
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  provider: string;
  scope: Scope;
  intent: string;
  /** present only for scope `all` */
  reason?: string;
  /** the service token's name */
  agent: string;
  /**
   * Always present in the JWT: `true` for a single-use token, `false` otherwise. docs/tokens.md#operation-tokens
   * requires every claim at verification, and a claim whose absence meant "reusable" would
   * be the one claim a verifier could not insist on.
   */
  once: boolean;
};

export type MintInput = {
  serviceTokenId: string;
  provider: string;
  scope: Scope;
  /** sanitized here (sanitizeIntent); must not be empty afterwards */
  intent: string;
  /** required for `all`, ignored for every other scope */
  reason?: string | null;
  agent: string;
  /** seconds; the exchange has already applied the caps of docs/agent-api.md#exchange */
  ttl: number;
  once: boolean;
};

export type MintedOperationToken = {
  token: string;
  jti: string;
  expiresAt: Date;
  claims: OperationClaims;
};

/**
 * Why a token was refused, for the audit log only. Causes are fixed codes (`expired`,
 * `bad_signature`, `unknown_kid`, `forbidden_header`, `bad_claim:scope`, …), never text
 * taken from the token.
 */
export class InvalidOperationToken extends Error {
  declare readonly cause: string;

  constructor(cause: string) {
    super(`invalid operation token: ${cause}`, { cause });
    this.name = "InvalidOperationToken";
  }
}

export function isInvalidOperationToken(e: unknown): e is InvalidOperationToken {
  return e instanceof InvalidOperationToken;
}

function fail(cause: string): never {
  throw new InvalidOperationToken(cause);
}

/**
 * The intent as it goes into a token and the audit log: line breaks and tabs become
 * spaces, other control and bidi-control characters are removed, surrounding space is
 * trimmed, and the result is cut to 256 characters. The exchange should validate the
 * sanitized value (1–256 characters), so an intent made only of control characters is a 400.
 */
export function sanitizeIntent(intent: string): string {
  return truncate(stripControlCharacters(intent).trim(), MAX_INTENT_LENGTH);
}

/** `OKORO_URL/p/<provider>`: the audience of a token for that provider. */
export function audienceFor(issuer: string, provider: string): string {
  return `${issuer}/p/${provider}`;
}

/** The public JWK of an Ed25519 key, with exactly the fields a JWKS may publish. */
export function publicSigningJwk(kid: string, x: string): PublicSigningJwk {
  return { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" };
}

/** Imports a private Ed25519 JWK (non-extractable) for minting. Throws on anything else. */
export async function importSigningKey(
  kid: string,
  privateJwk: { kty?: unknown; crv?: unknown; x?: unknown; d?: unknown },
): Promise<SigningKeyMaterial> {
  if (!KID_PATTERN.test(kid)) throw new Error("signing key: malformed key id");
  const { kty, crv, x, d } = privateJwk;
  if (
    kty !== "OKP" ||
    crv !== "Ed25519" ||
    typeof x !== "string" ||
    !ED25519_X.test(x) ||
    typeof d !== "string" ||
    !ED25519_X.test(d)
  ) {
    throw new Error("signing key: not an Ed25519 private key");
  }
  const privateKey = (await importJWK({ kty, crv, x, d }, OPERATION_TOKEN_ALG, { extractable: false })) as CryptoKey;
  return { kid, privateKey, publicJwk: publicSigningJwk(kid, x) };
}

function nonEmpty(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

/**
 * Signs an operation token. Input is expected to be validated by the exchange; what would
 * make a token the verifier refuses (unknown scope, `all` without reason or over 60 s, a TTL
 * over 900 s, an empty intent) throws a plain Error instead — a bug, not a client error.
 */
export async function mintOperationToken(
  key: SigningKeyMaterial,
  input: MintInput,
  options: { now?: number; issuer?: string } = {},
): Promise<MintedOperationToken> {
  const claims = operationClaims(input, options);
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: OPERATION_TOKEN_ALG, typ: OPERATION_TOKEN_TYP, kid: key.kid })
    .sign(key.privateKey);
  return { token, jti: claims.jti, expiresAt: new Date(claims.exp * 1000), claims };
}

/**
 * The claims an operation token carries, checked as mintOperationToken checks them, without
 * the signature: for a call okoro makes on an agent's behalf inside its own process (an MCP
 * tool call), where the claims never cross a boundary that a signature would protect.
 */
export function operationClaims(input: MintInput, options: { now?: number; issuer?: string } = {}): OperationClaims {
  const issuer = options.issuer ?? getEnv().url;
  if (!isScope(input.scope)) throw new Error("mintOperationToken: unknown scope");
  if (!PROVIDER_PATTERN.test(input.provider)) throw new Error("mintOperationToken: malformed provider id");
  if (!nonEmpty(input.serviceTokenId, MAX_ID_LENGTH)) throw new Error("mintOperationToken: serviceTokenId is required");
  if (!nonEmpty(input.agent, MAX_AGENT_LENGTH)) throw new Error("mintOperationToken: agent is required");
  const cap = input.scope === "all" ? MAX_ALL_SCOPE_TTL : MAX_OPERATION_TTL;
  if (!Number.isInteger(input.ttl) || input.ttl < 1 || input.ttl > cap)
    throw new Error(`mintOperationToken: ttl must be a whole number of seconds from 1 to ${cap}`);
  const intent = sanitizeIntent(input.intent);
  if (intent === "") throw new Error("mintOperationToken: intent is empty");
  let reason: string | undefined;
  if (input.scope === "all") {
    reason = truncate(stripControlCharacters(input.reason ?? "").trim(), MAX_REASON_LENGTH);
    if (reason === "") throw new Error("mintOperationToken: scope all requires a reason");
  }

  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const jti = randomHex128();
  const claims: OperationClaims = {
    iss: issuer,
    aud: audienceFor(issuer, input.provider),
    sub: input.serviceTokenId,
    jti,
    iat,
    nbf: iat,
    exp: iat + input.ttl,
    provider: input.provider,
    scope: input.scope,
    intent,
    ...(reason !== undefined ? { reason } : {}),
    agent: input.agent,
    once: input.once === true,
  };
  return Object.freeze(claims);
}

// ---------------------------------------------------------------------------------------
// Verification

export type VerifierOptions = {
  /** expected `iss`; defaults to OKORO_URL, read when the verifier is created */
  issuer?: string;
  /** verified tokens kept (LRU); 0 turns the cache off */
  cacheSize?: number;
  /** seconds allowed for `nbf`/`iat` in the future; at most 5. `exp` is never stretched. */
  clockToleranceSec?: number;
  /** epoch milliseconds; tests move time with it */
  now?: () => number;
  /** key-source verifiers: background refresh period (default 60 s) */
  refreshIntervalMs?: number;
  /** key-source verifiers: fewest milliseconds between two reloads for an unknown kid (default 1 s) */
  minReloadIntervalMs?: number;
};

export type OperationTokenVerifier = {
  /** Claims of a valid token; throws InvalidOperationToken otherwise (other errors: keys could not be loaded). */
  verify(token: string): Promise<OperationClaims>;
  /** Reloads the keys now (a key was created or rotated in this process). No-op for a fixed key set. */
  refresh(): Promise<void>;
  /** Replaces the key set. Cached tokens are dropped if a key left the set. */
  setKeys(keys: VerificationKeys): Promise<void>;
  clearCache(): void;
  /** kids the verifier currently accepts */
  kids(): string[];
  /** verified tokens held in the cache (for metrics and tests) */
  cachedTokens(): number;
};

/** Where a verifier gets its keys: a fixed set, or a loader it calls again to see rotations. */
export type KeySource = VerificationKeys | (() => Promise<VerificationKeys>);

type ImportedKey = { x: string; key: CryptoKey };
type CacheEntry = { claims: OperationClaims; kid: string };

const textDecoder = new TextDecoder();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isSeconds = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Every claim of docs/tokens.md#operation-tokens, with its type and its relation to the others. */
function checkClaims(p: Record<string, unknown>, issuer: string): OperationClaims {
  if (typeof p.iss !== "string") fail("bad_claim:iss");
  if (p.iss !== issuer) fail("wrong_iss");
  if (typeof p.provider !== "string" || !PROVIDER_PATTERN.test(p.provider)) fail("bad_claim:provider");
  if (typeof p.aud !== "string") fail("bad_claim:aud");
  if (p.aud !== audienceFor(issuer, p.provider)) fail("wrong_aud");
  if (!nonEmpty(p.sub, MAX_ID_LENGTH)) fail("bad_claim:sub");
  if (typeof p.jti !== "string" || !JTI_PATTERN.test(p.jti)) fail("bad_claim:jti");
  if (!isSeconds(p.iat)) fail("bad_claim:iat");
  if (!isSeconds(p.nbf)) fail("bad_claim:nbf");
  if (!isSeconds(p.exp)) fail("bad_claim:exp");
  if (!isScope(p.scope)) fail("bad_claim:scope");
  if (!nonEmpty(p.intent, MAX_INTENT_LENGTH) || sanitizeIntent(p.intent) !== p.intent) fail("bad_claim:intent");
  if (!nonEmpty(p.agent, MAX_AGENT_LENGTH)) fail("bad_claim:agent");
  if (typeof p.once !== "boolean") fail("bad_claim:once");
  if (p.scope === "all") {
    if (!nonEmpty(p.reason, MAX_REASON_LENGTH)) fail("reason_required");
  } else if (p.reason !== undefined) {
    fail("reason_not_allowed");
  }
  if (p.exp <= p.iat || p.nbf >= p.exp || p.nbf < p.iat) fail("bad_lifetime");
  if (p.exp - p.iat > (p.scope === "all" ? MAX_ALL_SCOPE_TTL : MAX_OPERATION_TTL)) fail("ttl_too_long");
  const claims: OperationClaims = {
    iss: p.iss,
    aud: p.aud,
    sub: p.sub,
    jti: p.jti,
    iat: p.iat,
    nbf: p.nbf,
    exp: p.exp,
    provider: p.provider,
    scope: p.scope,
    intent: p.intent,
    ...(p.scope === "all" ? { reason: p.reason as string } : {}),
    agent: p.agent,
    once: p.once,
  };
  return Object.freeze(claims);
}

class Verifier implements OperationTokenVerifier {
  private keys = new Map<string, ImportedKey>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loader: (() => Promise<VerificationKeys>) | undefined;
  private readonly issuer: string;
  private readonly cacheLimit: number;
  private readonly toleranceMs: number;
  private readonly now: () => number;
  private readonly refreshIntervalMs: number;
  private readonly minReloadIntervalMs: number;
  // reload bookkeeping, in performance.now() milliseconds
  private loaded = false;
  private lastStart = -Infinity;
  private completedStart = -Infinity;
  private inflight: { start: number; promise: Promise<void> } | null = null;
  private pause: Promise<void> | null = null;
  private initial: Promise<void> | null = null;

  constructor(source: KeySource, options: VerifierOptions) {
    this.issuer = options.issuer ?? getEnv().url;
    this.cacheLimit = Math.max(0, options.cacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE);
    this.toleranceMs =
      Math.min(CLOCK_TOLERANCE_SEC, Math.max(0, options.clockToleranceSec ?? CLOCK_TOLERANCE_SEC)) * 1000;
    this.now = options.now ?? Date.now;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 60_000;
    this.minReloadIntervalMs = options.minReloadIntervalMs ?? 1_000;
    if (typeof source === "function") {
      this.loader = source;
    } else {
      this.initial = this.install(source).then(() => {
        this.loaded = true;
      });
      // a bad fixed key set surfaces on the first verify, not as an unhandled rejection
      this.initial.catch(() => {});
    }
  }

  kids(): string[] {
    return [...this.keys.keys()];
  }

  clearCache(): void {
    this.cache.clear();
  }

  cachedTokens(): number {
    return this.cache.size;
  }

  async setKeys(keys: VerificationKeys): Promise<void> {
    await this.install(keys);
    this.loaded = true;
  }

  async refresh(): Promise<void> {
    if (this.loader) await this.startReload();
  }

  async verify(token: string): Promise<OperationClaims> {
    const arrival = performance.now();
    const now = this.now();
    if (typeof token !== "string") fail("malformed");

    const hit = this.cacheLimit > 0 ? this.cache.get(token) : undefined;
    if (hit) {
      // the signature and claims were checked once; time is checked on every use
      this.cache.delete(token);
      this.checkTime(hit.claims, now);
      this.cache.set(token, hit);
      return hit.claims;
    }

    if (token.length > MAX_OPERATION_TOKEN_LENGTH) fail("too_long");
    if (!JWS_COMPACT.test(token)) fail("malformed");
    const dot = token.indexOf(".");
    const header = decodeJsonSegment(token.slice(0, dot));
    if (!header) fail("bad_header");
    for (const name of Object.keys(header)) {
      if (FORBIDDEN_HEADER.has(name)) fail("forbidden_header");
      if (!ALLOWED_HEADER.has(name)) fail("unexpected_header");
    }
    if (header.alg !== OPERATION_TOKEN_ALG) fail("alg_not_allowed");
    if (header.typ !== OPERATION_TOKEN_TYP) fail("wrong_typ");
    const kid = header.kid;
    if (typeof kid !== "string" || !KID_PATTERN.test(kid)) fail("bad_kid");

    const imported = await this.keyFor(kid, arrival);
    if (!imported) fail("unknown_kid");

    let payloadBytes: Uint8Array;
    try {
      ({ payload: payloadBytes } = await compactVerify(token, imported.key, { algorithms: [OPERATION_TOKEN_ALG] }));
    } catch {
      fail("bad_signature");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(textDecoder.decode(payloadBytes));
    } catch {
      fail("bad_payload");
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) fail("bad_payload");

    const claims = checkClaims(payload as Record<string, unknown>, this.issuer);
    this.checkTime(claims, now);
    this.remember(token, { claims, kid });
    return claims;
  }

  private checkTime(claims: OperationClaims, now: number): void {
    if (claims.exp * 1000 <= now) fail("expired");
    if (claims.nbf * 1000 > now + this.toleranceMs) fail("not_yet_valid");
    if (claims.iat * 1000 > now + this.toleranceMs) fail("issued_in_future");
  }

  private remember(token: string, entry: CacheEntry): void {
    if (this.cacheLimit === 0) return;
    if (this.cache.size >= this.cacheLimit) {
      // Map iterates in insertion order and hits re-insert, so the first key is the least recently used
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(token, entry);
  }

  /** Imports the keys it does not hold yet; drops cached tokens when a key left the set. */
  private async install(source: VerificationKeys): Promise<void> {
    const next = new Map<string, ImportedKey>();
    for (const jwk of source.keys) {
      // a malformed entry is skipped, never trusted: tokens naming it fail as unknown_kid
      if (
        !jwk ||
        jwk.kty !== "OKP" ||
        jwk.crv !== "Ed25519" ||
        typeof jwk.kid !== "string" ||
        !KID_PATTERN.test(jwk.kid)
      )
        continue;
      if (typeof jwk.x !== "string" || !ED25519_X.test(jwk.x)) continue;
      const known = this.keys.get(jwk.kid);
      if (known && known.x === jwk.x) {
        next.set(jwk.kid, known);
        continue;
      }
      const key = (await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, OPERATION_TOKEN_ALG)) as CryptoKey;
      next.set(jwk.kid, { x: jwk.x, key });
    }
    const removedOrChanged = [...this.keys].some(([kid, k]) => next.get(kid)?.x !== k.x);
    this.keys = next;
    if (removedOrChanged) this.cache.clear();
  }

  private async keyFor(kid: string, arrival: number): Promise<ImportedKey | undefined> {
    if (!this.loaded) {
      if (this.initial) await this.initial;
      else await this.reloadStartedAfter(0);
    }
    this.backgroundRefresh();
    const known = this.keys.get(kid);
    if (known || !this.loader) return known;
    // Another process may have rotated since we last looked: wait for a reload that began
    // after this token arrived. Reloads are spaced, so unknown kids cannot flood the database.
    await this.reloadStartedAfter(arrival);
    return this.keys.get(kid);
  }

  private backgroundRefresh(): void {
    if (!this.loader || this.inflight || performance.now() - this.lastStart < this.refreshIntervalMs) return;
    this.startReload().catch((e: unknown) => {
      // the keys in hand stay in use; the next interval tries again
      console.error(
        "[okoro] reloading operation-token verification keys failed:",
        e instanceof Error ? e.message : "unknown error",
      );
    });
  }

  private startReload(): Promise<void> {
    const loader = this.loader;
    if (!loader) return Promise.resolve();
    const start = performance.now();
    const promise: Promise<void> = (async () => {
      const keys = await loader();
      await this.install(keys);
      this.loaded = true;
      this.completedStart = Math.max(this.completedStart, start);
    })().finally(() => {
      if (this.inflight?.promise === promise) this.inflight = null;
    });
    this.lastStart = start;
    this.inflight = { start, promise };
    return promise;
  }

  /** Resolves once a reload that started at or after `t` has finished (rejects if that one failed). */
  private async reloadStartedAfter(t: number): Promise<void> {
    for (;;) {
      if (this.completedStart >= t) return;
      const inflight = this.inflight;
      if (inflight) {
        if (inflight.start >= t) return inflight.promise;
        await inflight.promise.catch(() => {});
        continue;
      }
      const wait = this.lastStart + this.minReloadIntervalMs - performance.now();
      if (wait > 0) {
        this.pause ??= sleep(wait).finally(() => {
          this.pause = null;
        });
        await this.pause;
        continue;
      }
      return this.startReload();
    }
  }
}

/**
 * A verifier holding imported keys and a cache of verified tokens. Build it once per
 * process (lib/tokens/signing-keys.ts `getOperationTokenVerifier(db)` does, with a loader
 * that sees rotations made by other processes).
 */
export function createVerifier(keys: KeySource, options: VerifierOptions = {}): OperationTokenVerifier {
  return new Verifier(keys, options);
}

const verifiersByKeySet = new WeakMap<VerificationKeys, OperationTokenVerifier>();

/**
 * One-call verification against a fixed key set. The verifier (imported keys and token
 * cache) is kept for as long as the same `keys` object is, so pass one object repeatedly —
 * or hold a `createVerifier` — rather than a fresh JWKS per call.
 */
export async function verifyOperationToken(token: string, keys: VerificationKeys): Promise<OperationClaims> {
  let verifier = verifiersByKeySet.get(keys);
  if (!verifier) {
    verifier = createVerifier(keys);
    verifiersByKeySet.set(keys, verifier);
  }
  return verifier.verify(token);
}
