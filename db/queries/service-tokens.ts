// Service tokens (docs/tokens.md#service-tokens): their rows — inserted with the hash only, listed with their
// hint, looked up by hash, revoked. Checking input, making the token and auditing are
// lib/tokens/service-tokens.ts's.
import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { connections, serviceTokens, users, type ServiceToken } from "@/db/schema";

export type NewServiceTokenRow = typeof serviceTokens.$inferInsert;

export async function insertServiceToken(db: Queryable, values: NewServiceTokenRow): Promise<ServiceToken> {
  const [row] = await db.insert(serviceTokens).values(values).returning();
  return row;
}

export async function listServiceTokens(db: Database, userId: string): Promise<ServiceToken[]> {
  return db.select().from(serviceTokens).where(eq(serviceTokens.userId, userId)).orderBy(desc(serviceTokens.createdAt));
}

export async function getServiceToken(db: Database, id: string): Promise<ServiceToken | undefined> {
  const [row] = await db.select().from(serviceTokens).where(eq(serviceTokens.id, id));
  return row;
}

/**
 * The token and its owner's status, looked up by the presented plaintext's hash — and,
 * when `provider` is given, the status of the owner's connection to it in the same query
 * (the exchange needs both; one round trip instead of two).
 */
/**
 * The exchange's lookup, built once per database as a prepared statement: every token
 * exchange runs it, and building the join with the query builder each time cost more CPU
 * than the database spent answering it.
 */
const tokenLookups = new WeakMap<Database, ReturnType<typeof prepareTokenLookup>>();

function prepareTokenLookup(db: Database) {
  return db
    .select({ token: serviceTokens, userStatus: users.status, connectionStatus: connections.status })
    .from(serviceTokens)
    .innerJoin(users, eq(users.id, serviceTokens.userId))
    .leftJoin(
      connections,
      and(eq(connections.userId, serviceTokens.userId), eq(connections.provider, sql.placeholder("provider"))),
    )
    .where(eq(serviceTokens.tokenHash, sql.placeholder("hash")))
    .prepare("okoro_find_service_token");
}

export async function findServiceTokenByHash(db: Database, tokenHash: string, provider?: string) {
  let lookup = tokenLookups.get(db);
  if (!lookup) tokenLookups.set(db, (lookup = prepareTokenLookup(db)));
  const [row] = await lookup.execute({ hash: tokenHash, provider: provider ?? "" });
  return row;
}

/**
 * Marks a token revoked unless it already is; `userId` restricts it to its owner. Returns
 * the row it changed, or undefined when none changed (no such token, another owner's, or
 * already revoked).
 */
export async function markServiceTokenRevoked(
  db: Queryable,
  options: { id: string; userId?: string; reason: "revoked" | "leaked" },
): Promise<ServiceToken | undefined> {
  const where = options.userId
    ? and(eq(serviceTokens.id, options.id), eq(serviceTokens.userId, options.userId))
    : eq(serviceTokens.id, options.id);
  const [updated] = await db
    .update(serviceTokens)
    .set({ revokedAt: sql`now()`, revokedReason: options.reason })
    .where(and(where, isNull(serviceTokens.revokedAt)))
    .returning();
  return updated;
}

/**
 * Adds a scope to a token's grant ("approve and remember"). One UPDATE that edits the
 * jsonb in place: two people (or two tabs) remembering different scopes at once both
 * land, where a read-modify-write would let the later write drop the earlier scope.
 * Idempotent: a scope already in the grant is not added twice. Accepts a transaction so
 * the grant changes together with the approval that caused it. False: no such token.
 */
export async function addGrantScope(
  db: Queryable,
  options: { id: string; provider: string; scope: string },
): Promise<boolean> {
  const current = sql`coalesce(${serviceTokens.grants} -> ${options.provider}::text, '[]'::jsonb)`;
  const scope = sql`jsonb_build_array(${options.scope}::text)`;
  const updated = await db
    .update(serviceTokens)
    .set({
      grants: sql`case when ${current} @> ${scope} then ${serviceTokens.grants}
        else jsonb_set(${serviceTokens.grants}, array[${options.provider}::text], ${current} || ${scope}) end`,
    })
    .where(eq(serviceTokens.id, options.id))
    .returning({ id: serviceTokens.id });
  return updated.length > 0;
}

/** Sets last_used_at to now unless it was set within the last minute. */
export async function touchServiceTokenLastUsed(db: Queryable, id: string): Promise<void> {
  await db.execute(
    sql`UPDATE service_tokens SET last_used_at = now() WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
  );
}
