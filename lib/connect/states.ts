// Pending connect flows (table oauth_states). The value that travels through the
// provider — an OAuth 2 `state` or an OAuth 1 request token — is never stored, only its
// SHA-256; the row binds it to the user who started the flow and to the provider, expires
// after 10 minutes and is consumed by one atomic DELETE … RETURNING, so it works once.
// The secret the callback needs (PKCE verifier, OAuth 1 request-token secret) is sealed
// with an AAD naming the row.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "@/db/client";
import { insertConnectState, pruneConnectStates, takeConnectState } from "@/db/queries/connect-states";
import { open, rowAad, seal, type MasterKeys } from "@/lib/crypto/envelope";

export const STATE_TTL_MS = 10 * 60 * 1000;
export const MAX_PENDING_PER_USER = 10;

/** 256 random bits, base64url (43 characters). */
export function newStateValue(): string {
  return randomBytes(32).toString("base64url");
}

export function hashStateValue(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function stateAad(stateHash: string, userId: string, provider: string): string {
  return rowAad("oauth_states", stateHash, userId, provider);
}

export async function saveOAuthState(options: {
  db: Database;
  /** the state, or the OAuth 1 request token */
  value: string;
  userId: string;
  provider: string;
  secret?: string;
  masterKeys: MasterKeys;
  now?: Date;
}): Promise<void> {
  const { db, userId, provider } = options;
  const now = options.now ?? new Date();
  const stateHash = hashStateValue(options.value);
  // Abandoned flows are swept here rather than by a job, and one user keeps at most
  // MAX_PENDING_PER_USER (the oldest go first), so reloading the start URL cannot grow the table.
  await pruneConnectStates(db, { userId, now, keep: MAX_PENDING_PER_USER - 1 });
  await insertConnectState(db, {
    stateHash,
    userId,
    provider,
    secret:
      options.secret === undefined
        ? null
        : seal(options.secret, stateAad(stateHash, userId, provider), options.masterKeys),
    createdAt: now,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
  });
}

export type ConsumedState = { expired: true } | { expired: false; secret: string | null };

/**
 * Consumes the state if it was started by this user for this provider; null otherwise
 * (unknown, already used, another user's or another provider's). Another user's state is
 * left alone, so a stranger who learns it cannot cancel its owner's flow.
 */
export async function consumeOAuthState(options: {
  db: Database;
  value: string;
  userId: string;
  provider: string;
  masterKeys: MasterKeys;
  now?: Date;
}): Promise<ConsumedState | null> {
  const { db, userId, provider } = options;
  const stateHash = hashStateValue(options.value);
  const row = await takeConnectState(db, { stateHash, userId, provider });
  if (!row) return null;
  if (row.expiresAt.getTime() <= (options.now ?? new Date()).getTime()) return { expired: true };
  const secret = row.secret
    ? open(row.secret, stateAad(stateHash, userId, provider), options.masterKeys).toString("utf8")
    : null;
  return { expired: false, secret };
}
