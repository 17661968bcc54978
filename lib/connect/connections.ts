// Connections' use cases (docs/README.md#vocabulary, docs/credentials.md#credentials-at-rest): storing, reading and removing one user's credential
// for one provider. The credential is sealed with envelope encryption whose AAD names the
// row (`connections|id|user|provider`), so a ciphertext copied to another row or user does
// not decrypt; only getConnectionCredential decrypts, and it fails closed. Changes are
// audited in the same transaction. The rows are db/queries/connections.ts's.
import "server-only";
import type { Database } from "@/db/client";
import {
  deleteConnectionRow,
  insertConnectionRow,
  lockConnectionId,
  readSealedCredential,
  updateConnectionRow,
  type ConnectionMethod,
  type ConnectionSummary,
} from "@/db/queries/connections";
import { appendAuditInTx } from "@/lib/audit/append";
import { openJson, rowAad, sealJson, type MasterKeys } from "@/lib/crypto/envelope";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import type { Credential } from "@/lib/providers/types";

/** The AAD binding a connection's envelope to its row. */
export function connectionAad(id: string, userId: string, provider: string): string {
  return rowAad("connections", id, userId, provider);
}

// Below this length, even the last four characters give away too much of the secret.
const HINT_MIN_SECRET_LENGTH = 12;

/**
 * What the dashboard shows to tell credentials apart: `…` and the last 4 characters of the
 * main secret (API key, access token or OAuth 1 token); null for short or unknown shapes.
 */
export function credentialHint(credential: Credential): string | null {
  const c = credential as Partial<Record<"api_key" | "access_token" | "token", unknown>>;
  // Trello's token is its secret; the api_key stored beside it only names the Power-Up
  const secret = [c.access_token, c.token, c.api_key].find((v): v is string => typeof v === "string");
  if (!secret || secret.length < HINT_MIN_SECRET_LENGTH) return null;
  return `…${secret.slice(-4)}`;
}

/** OAuth 2 credentials carry `expires_at` in epoch seconds; kept in clear for refresh planning. */
function expiryOf(credential: Credential): Date | null {
  const at = (credential as { expires_at?: unknown }).expires_at;
  return typeof at === "number" && Number.isFinite(at) && at > 0 ? new Date(at * 1000) : null;
}

export type SetConnectionOptions = {
  db: Database;
  userId: string;
  provider: string;
  method: ConnectionMethod;
  /** already validated against the provider's credential schema */
  credential: Credential;
  accountName?: string | null;
  /** defaults to the credential's `expires_at` (epoch seconds), if any */
  accessExpiresAt?: Date | null;
  /** scopes the provider granted (OAuth), as it reported them */
  grantedScopes?: string | null;
  /** defaults to the configured master keys */
  masterKeys?: MasterKeys;
};

const MAX_ATTEMPTS = 3;

/**
 * Stores the credential for (user, provider), replacing any earlier one: the row keeps its
 * id, so the AAD stays that of the row; status goes back to active. The change and its
 * `connection.created` audit event commit together.
 */
export async function setConnection(options: SetConnectionOptions): Promise<ConnectionSummary> {
  const { db, userId, provider, method, credential } = options;
  const keys = options.masterKeys ?? getEnv().masterKeys;
  const fields = {
    method,
    status: "active" as const,
    statusDetail: null,
    credentialHint: credentialHint(credential),
    accountName: options.accountName ?? null,
    grantedScopes: options.grantedScopes ?? null,
    accessExpiresAt: options.accessExpiresAt === undefined ? expiryOf(credential) : options.accessExpiresAt,
  };

  // A concurrent set or delete for the same pair can slip in between the lookup and the
  // write; the write then touches nothing and the next attempt sees the new state.
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await db.transaction(async (tx) => {
      const existing = await lockConnectionId(tx, userId, provider);
      const id = existing ?? newId("con");
      const envelope = sealJson(credential, connectionAad(id, userId, provider), keys);
      const written = existing
        ? await updateConnectionRow(tx, id, { ...fields, credential: envelope })
        : await insertConnectionRow(tx, { id, userId, provider, ...fields, credential: envelope });
      if (!written) return undefined;
      await appendAuditInTx(tx, { event: "connection.created", userId, provider, outcome: "allowed" });
      return written;
    });
    if (row) return row;
  }
  throw new Error(`could not store the ${provider} connection: it kept changing concurrently`);
}

/**
 * The decrypted credential, or null when the user has not connected the provider. Returned
 * whatever the connection's status (refreshing an expired OAuth token needs it); callers
 * check the status. A credential that does not decrypt throws (DecryptionError): fail closed.
 */
export async function getConnectionCredential(options: {
  db: Database;
  userId: string;
  provider: string;
  masterKeys?: MasterKeys;
}): Promise<Credential | null> {
  const { db, userId, provider } = options;
  const row = await readSealedCredential(db, userId, provider);
  if (!row) return null;
  return openJson<Credential>(
    row.credential,
    connectionAad(row.id, userId, provider),
    options.masterKeys ?? getEnv().masterKeys,
  );
}

/** Removes the connection; false when there was none. Audited as `connection.deleted`. */
export async function deleteConnection(options: { db: Database; userId: string; provider: string }): Promise<boolean> {
  const { db, userId, provider } = options;
  return db.transaction(async (tx) => {
    if (!(await deleteConnectionRow(tx, userId, provider))) return false;
    await appendAuditInTx(tx, { event: "connection.deleted", userId, provider, outcome: "allowed" });
    return true;
  });
}
