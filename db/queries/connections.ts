// Connections: one user's credential for one provider (docs/README.md#vocabulary, docs/credentials.md#credentials-at-rest), as rows. The
// credential column holds an envelope that lib/connect/connections.ts seals and opens;
// reads that return rows never include it, and only readSealedCredential selects it.
import "server-only";
import { and, asc, eq, getTableColumns } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { connections, type Connection } from "@/db/schema";

export type ConnectionMethod = Connection["method"];

/** A connection as every reader sees it: everything but the encrypted credential. */
export type ConnectionSummary = Omit<Connection, "credential">;

const { credential: _credential, ...summaryColumns } = getTableColumns(connections);

export async function listConnections(options: { db: Database; userId: string }): Promise<ConnectionSummary[]> {
  return options.db
    .select(summaryColumns)
    .from(connections)
    .where(eq(connections.userId, options.userId))
    .orderBy(asc(connections.provider));
}

export async function getConnection(options: {
  db: Database;
  userId: string;
  provider: string;
}): Promise<ConnectionSummary | null> {
  const [row] = await options.db
    .select(summaryColumns)
    .from(connections)
    .where(and(eq(connections.userId, options.userId), eq(connections.provider, options.provider)));
  return row ?? null;
}

/** Locks the (user, provider) row for the transaction; its id, or undefined when there is none. */
export async function lockConnectionId(tx: Queryable, userId: string, provider: string): Promise<string | undefined> {
  const [existing] = await tx
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.provider, provider)))
    .for("update");
  return existing?.id;
}

export type ConnectionFields = Pick<
  Connection,
  | "method"
  | "status"
  | "statusDetail"
  | "credentialHint"
  | "accountName"
  | "grantedScopes"
  | "accessExpiresAt"
  | "credential"
>;

/** Replaces an existing row's credential and fields; undefined when the row is gone. */
export async function updateConnectionRow(
  tx: Queryable,
  id: string,
  fields: ConnectionFields,
): Promise<ConnectionSummary | undefined> {
  const [written] = await tx
    .update(connections)
    .set({ ...fields, updatedAt: new Date(), refreshedAt: null })
    .where(eq(connections.id, id))
    .returning(summaryColumns);
  return written;
}

/** Inserts the row; undefined when another one for (user, provider) got there first. */
export async function insertConnectionRow(
  tx: Queryable,
  values: ConnectionFields & { id: string; userId: string; provider: string },
): Promise<ConnectionSummary | undefined> {
  const [written] = await tx
    .insert(connections)
    .values(values)
    .onConflictDoNothing({ target: [connections.userId, connections.provider] })
    .returning(summaryColumns);
  return written;
}

/** The row's id and its sealed credential, or undefined when the user has not connected the provider. */
export async function readSealedCredential(
  db: Queryable,
  userId: string,
  provider: string,
): Promise<Pick<Connection, "id" | "credential"> | undefined> {
  const [row] = await db
    .select({ id: connections.id, credential: connections.credential })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.provider, provider)));
  return row;
}

/** Deletes the (user, provider) row; false when there was none. */
export async function deleteConnectionRow(tx: Queryable, userId: string, provider: string): Promise<boolean> {
  const deleted = await tx
    .delete(connections)
    .where(and(eq(connections.userId, userId), eq(connections.provider, provider)))
    .returning({ id: connections.id });
  return deleted.length > 0;
}

/** The one question the exchange asks about a connection: is it usable? (null: none) */
export async function getConnectionStatus(
  db: Database,
  userId: string,
  provider: string,
): Promise<Connection["status"] | null> {
  const [row] = await db
    .select({ status: connections.status })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.provider, provider)));
  return row?.status ?? null;
}

/** The whole row (credential included), locked for the transaction; undefined when it is gone. */
export async function lockConnectionRow(tx: Queryable, id: string): Promise<Connection | undefined> {
  const [row] = await tx.select().from(connections).where(eq(connections.id, id)).for("update");
  return row;
}

/** Sets some of a row's columns. */
export async function updateConnectionById(
  tx: Queryable,
  id: string,
  values: Partial<Omit<Connection, "id" | "userId" | "provider">>,
): Promise<void> {
  await tx.update(connections).set(values).where(eq(connections.id, id));
}
