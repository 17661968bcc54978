// Links mailed to a person (docs/dashboard.md#e-mail-verification): 256 random bits in the
// URL, only their SHA-256 in the database, single use, with an expiry; a newer link of the
// same purpose ends the older ones.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "@/db/client";
import { consumeAccountToken, findAccountToken, replaceAccountToken } from "@/db/queries/account-tokens";
import type { AccountToken, AccountTokenPurpose } from "@/db/schema";
import { randomBase62 } from "@/lib/ids";

export const LINK_TTL_MS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  change_email: 24 * 60 * 60 * 1000,
  reset_password: 30 * 60 * 1000,
};

export type LinkState = "invalid" | "used" | "expired";

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * The key a per-address mail limit is counted under: a hash of the normalised address, so
 * the limit table never holds the address itself.
 */
export function addressLimitKey(normalizedEmail: string): string {
  return createHash("sha256").update(normalizedEmail).digest("hex").slice(0, 32);
}

/** A well-formed link token: 43 base64url characters. Anything else is "invalid" unread. */
export function isLinkToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** Makes and stores a new link for `userId`, ending older ones of the purpose. Returns the plaintext. */
export async function issueLink(
  db: Queryable,
  options: { userId: string; purpose: AccountTokenPurpose; newEmail?: string | null; now?: Date },
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = options.now ?? new Date();
  await replaceAccountToken(db, {
    id: `lnk_${randomBase62(22)}`,
    userId: options.userId,
    purpose: options.purpose,
    tokenHash: hashLinkToken(token),
    newEmail: options.newEmail ?? null,
    expiresAt: new Date(now.getTime() + LINK_TTL_MS[options.purpose]),
  });
  return token;
}

/** Uses the link once, or says why it cannot be used. */
export async function useLink(
  db: Queryable,
  token: unknown,
  purposes: AccountTokenPurpose[],
  now = new Date(),
): Promise<{ ok: true; link: AccountToken } | { ok: false; state: LinkState }> {
  if (!isLinkToken(token)) return { ok: false, state: "invalid" };
  const tokenHash = hashLinkToken(token);
  const link = await consumeAccountToken(db, { tokenHash, purposes, now });
  if (link) return { ok: true, link };
  return { ok: false, state: await whyNot(db, tokenHash, purposes, now) };
}

/** What a link's state is without using it: ok, or why not (the pages show it before asking). */
export async function peekLink(
  db: Queryable,
  token: unknown,
  purposes: AccountTokenPurpose[],
  now = new Date(),
): Promise<"ok" | LinkState> {
  if (!isLinkToken(token)) return "invalid";
  const tokenHash = hashLinkToken(token);
  const row = await findAccountToken(db, { tokenHash, purposes });
  if (row && !row.usedAt && row.expiresAt > now) return "ok";
  return whyNot(db, tokenHash, purposes, now);
}

async function whyNot(
  db: Queryable,
  tokenHash: string,
  purposes: AccountTokenPurpose[],
  now: Date,
): Promise<LinkState> {
  const row = await findAccountToken(db, { tokenHash, purposes });
  if (!row) return "invalid";
  if (row.usedAt) return "used";
  return row.expiresAt <= now ? "expired" : "invalid";
}
