// Every column that holds an envelope, read and replaced generically, for `okoro keys
// rewrap` (lib/cli/rewrap.ts unwraps and re-wraps; nothing here decrypts).
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { Envelope } from "@/lib/crypto/envelope";

/**
 * Every column that holds an envelope, with the key that names its row: the one list
 * `okoro keys rewrap` walks. db/queries/envelopes.test.ts fails when a jsonb column of the
 * schema is in neither this list nor its list of plain-JSON columns, so a new sealed column
 * cannot be forgotten here.
 */
export const ENVELOPE_COLUMNS = [
  { table: "connections", key: "id", column: "credential" },
  { table: "signing_keys", key: "kid", column: "private_key" },
  { table: "oauth_states", key: "state_hash", column: "secret" },
  { table: "notification_channels", key: "id", column: "url" },
  { table: "user_totp", key: "user_id", column: "secret" },
  { table: "held_requests", key: "id", column: "request" },
  { table: "held_requests", key: "id", column: "response" },
] as const;

export type EnvelopeColumn = (typeof ENVELOPE_COLUMNS)[number];

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Up to `limit` rows with an envelope in the column, in key order after `after`. */
export async function readEnvelopes(
  db: Database,
  target: EnvelopeColumn,
  options: { after?: string; limit: number },
): Promise<{ id: string; envelope: Envelope }[]> {
  const table = sql.identifier(target.table);
  const key = sql.identifier(target.key);
  const column = sql.identifier(target.column);
  const where: SQL =
    options.after === undefined ? sql`${column} IS NOT NULL` : sql`${column} IS NOT NULL AND ${key} > ${options.after}`;
  return rowsOf<{ id: string; envelope: Envelope }>(
    await db.execute(
      sql`SELECT ${key} AS id, ${column} AS envelope FROM ${table} WHERE ${where} ORDER BY ${key} LIMIT ${options.limit}`,
    ),
  );
}

/** Replaces the envelope only if the row still holds the one that was read. */
export async function replaceEnvelope(
  db: Database,
  target: EnvelopeColumn,
  id: string,
  previous: Envelope,
  next: Envelope,
): Promise<void> {
  const table = sql.identifier(target.table);
  const key = sql.identifier(target.key);
  const column = sql.identifier(target.column);
  await db.execute(
    sql`UPDATE ${table} SET ${column} = ${JSON.stringify(next)}::jsonb WHERE ${key} = ${id} AND ${column} = ${JSON.stringify(previous)}::jsonb`,
  );
}
