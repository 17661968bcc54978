// Random identifiers and base62, shared by ids, service tokens and request ids.
import { randomBytes, randomInt } from "node:crypto";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `length` base62 characters from the CSPRNG, without modulo bias. */
export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** Unsigned integer → base62, left-padded with "0" to `width`. */
export function toBase62(value: number, width: number): string {
  let n = value;
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, "0");
}

/** A prefixed id with 128 bits of randomness, e.g. `tok_3kTMd9…`. */
export function newId(
  prefix: "usr" | "con" | "tok" | "apr" | "evt" | "key" | "req" | "ckp" | "ses" | "ntc" | "ntd",
): string {
  return `${prefix}_${randomBase62(22)}`;
}

/** 128 random bits as hex: operation-token `jti`s. */
export function randomHex128(): string {
  return randomBytes(16).toString("hex");
}
