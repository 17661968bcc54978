// Password hashing for e-mail sign-in: argon2id (the @node-rs/argon2 default — its
// `Algorithm` is a const enum that isolatedModules cannot reference, and a test pins
// the `$argon2id$` prefix) with the library's OWASP-level defaults (19 MiB, t=2, p=1).
import "server-only";
import { hash, verify } from "@node-rs/argon2";

export const PASSWORD_MIN_LENGTH = 10;
/** argon2 hashes any length, but an unbounded input is free CPU for an attacker. */
export const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Never throws: a malformed stored hash is a failed check, not a 500. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no hash to check against (unknown
 * e-mail, account without a password), so response times do not reveal which e-mail
 * addresses have accounts.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hash("okoro-timing-equaliser");
  await verifyPassword(await dummy, password);
}
