// The random secrets okoro's authorization server hands to MCP clients — authorization
// codes, access tokens, refresh tokens — and how they are checked: each has its own prefix
// so a string's shape says what it is before any database lookup, and each is stored only
// as its SHA-256. Also PKCE S256 (RFC 7636), the only method okoro accepts.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const ACCESS_TOKEN_PREFIX = "oat_";
export const REFRESH_TOKEN_PREFIX = "ort_";
export const CODE_PREFIX = "oac_";

// 32 random bytes → 43 base64url characters
const shape = (prefix: string) => new RegExp(`^${prefix}[A-Za-z0-9_-]{43}$`);
const ACCESS_PATTERN = shape(ACCESS_TOKEN_PREFIX);
const REFRESH_PATTERN = shape(REFRESH_TOKEN_PREFIX);
const CODE_PATTERN = shape(CODE_PREFIX);

const mint = (prefix: string) => prefix + randomBytes(32).toString("base64url");

export const newAccessToken = () => mint(ACCESS_TOKEN_PREFIX);
export const newRefreshToken = () => mint(REFRESH_TOKEN_PREFIX);
export const newAuthorizationCode = () => mint(CODE_PREFIX);

export const isAccessTokenShaped = (s: unknown): s is string => typeof s === "string" && ACCESS_PATTERN.test(s);
export const isRefreshTokenShaped = (s: unknown): s is string => typeof s === "string" && REFRESH_PATTERN.test(s);
export const isCodeShaped = (s: unknown): s is string => typeof s === "string" && CODE_PATTERN.test(s);

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** RFC 7636: a verifier is 43–128 unreserved characters. */
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;
/** an S256 challenge is the base64url SHA-256 of the verifier: always 43 characters */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** Whether `verifier` is well formed and hashes to `challenge`, compared in constant time. */
export function verifierMatches(verifier: unknown, challenge: string): boolean {
  if (typeof verifier !== "string" || !VERIFIER_PATTERN.test(verifier)) return false;
  const a = Buffer.from(s256(verifier));
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
