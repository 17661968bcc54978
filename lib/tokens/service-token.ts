// Service tokens (docs/tokens.md#service-tokens): the long-lived `svc_…` credential an agent holds. This module
// owns their format — 32 CSPRNG base62 characters plus a 6-character base62 CRC32 — the
// cheap well-formedness check that runs before any database access, the SHA-256 under
// which they are stored, and the display hint. Pure: no database, no configuration.
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { randomBase62, toBase62 } from "@/lib/ids";

export const SERVICE_TOKEN_PREFIX = "svc_";
export const SERVICE_TOKEN_PATTERN = /^svc_[0-9A-Za-z]{38}$/;

const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const TOKEN_LENGTH = SERVICE_TOKEN_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;

// CRC-32/ISO-HDLC (the zlib/PNG/Ethernet one): reflected polynomial 0xEDB88320.
const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Table-driven CRC32 (IEEE). Exported so the fallback is tested even where zlib has one. */
export function crc32Table(data: string | Uint8Array): number {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// zlib.crc32 exists from Node 20.15 / 22.2; engines allows 20.19+, but a bundler or an
// older runtime may not have it, so fall back to the table.
const nativeCrc32 = (zlib as { crc32?: (data: string | Uint8Array) => number }).crc32;

/** CRC32 (IEEE) of a string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function crc32(data: string | Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : crc32Table(data);
}

function checksum(body: string): string {
  // 62^6 > 2^32, so six characters always hold the CRC
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** A new service token: `svc_` + 32 random base62 characters + their 6-character CRC32. */
export function generateServiceToken(): string {
  const body = randomBase62(BODY_LENGTH);
  return SERVICE_TOKEN_PREFIX + body + checksum(body);
}

/**
 * Format and checksum. Runs on untrusted input before any database access, so it takes
 * `unknown`, never throws, and rejects typos and guesses without a lookup. The checksum is
 * a public function of the body, so comparing it in variable time leaks nothing.
 */
export function isWellFormedServiceToken(s: unknown): s is string {
  if (typeof s !== "string" || s.length !== TOKEN_LENGTH || !SERVICE_TOKEN_PATTERN.test(s)) return false;
  const body = s.slice(SERVICE_TOKEN_PREFIX.length, SERVICE_TOKEN_PREFIX.length + BODY_LENGTH);
  return s.slice(SERVICE_TOKEN_PREFIX.length + BODY_LENGTH) === checksum(body);
}

/** SHA-256 hex of the whole token: the only form stored (unique index `service_tokens_hash_uq`). */
export function hashServiceToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What the dashboard shows: `svc_` + first 4 … last 4 of the 38 characters after the prefix. */
export function serviceTokenHint(token: string): string {
  const rest = token.startsWith(SERVICE_TOKEN_PREFIX) ? token.slice(SERVICE_TOKEN_PREFIX.length) : token;
  return `${SERVICE_TOKEN_PREFIX}${rest.slice(0, 4)}…${rest.slice(-4)}`;
}
