// SQL for okoro as an OAuth authorization server for MCP clients: registered clients,
// authorization codes and the access/refresh tokens issued from them. Rows in, rows or
// outcomes out; the rules (PKCE, lifetimes, what a replay means) live in lib/oauth.
import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import {
  connections,
  oauthClients,
  oauthCodes,
  oauthTokens,
  serviceTokens,
  users,
  type OAuthClient,
  type OAuthCode,
  type OAuthToken,
  type ServiceToken,
} from "@/db/schema";

export async function insertOAuthClient(db: Queryable, row: typeof oauthClients.$inferInsert): Promise<OAuthClient> {
  const [created] = await db.insert(oauthClients).values(row).returning();
  return created!;
}

export async function findOAuthClient(db: Queryable, id: string): Promise<OAuthClient | undefined> {
  const [row] = await db.select().from(oauthClients).where(eq(oauthClients.id, id));
  return row;
}

export async function markOAuthClientAuthorized(db: Queryable, id: string): Promise<void> {
  await db.update(oauthClients).set({ lastAuthorizedAt: sql`now()` }).where(eq(oauthClients.id, id));
}

/** The service token that stands for an authorized client (its grant). */
export async function insertGrantToken(db: Queryable, row: typeof serviceTokens.$inferInsert): Promise<ServiceToken> {
  const [created] = await db.insert(serviceTokens).values(row).returning();
  return created!;
}

export async function insertOAuthCode(
  db: Queryable,
  row: Omit<typeof oauthCodes.$inferInsert, "expiresAt"> & { ttlSeconds: number },
): Promise<void> {
  const { ttlSeconds, ...values } = row;
  await db.insert(oauthCodes).values({ ...values, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` });
}

/**
 * Marks the code used if — and only if — it is unused, unexpired and presented by its
 * client, with its redirect URI and the challenge its verifier hashes to. One statement,
 * so two concurrent redemptions cannot both succeed.
 */
export async function redeemOAuthCode(
  db: Queryable,
  options: { codeHash: string; clientId: string; redirectUri: string; challenge: string },
): Promise<OAuthCode | undefined> {
  const [row] = await db
    .update(oauthCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(oauthCodes.codeHash, options.codeHash),
        isNull(oauthCodes.usedAt),
        gt(oauthCodes.expiresAt, sql`now()`),
        eq(oauthCodes.clientId, options.clientId),
        eq(oauthCodes.redirectUri, options.redirectUri),
        eq(oauthCodes.codeChallenge, options.challenge),
      ),
    )
    .returning();
  return row;
}

/** A code as stored, with whether it has expired by the database's clock (to say why a redemption failed). */
export async function findOAuthCode(
  db: Queryable,
  codeHash: string,
): Promise<(OAuthCode & { expired: boolean }) | undefined> {
  const [row] = await db
    .select({ code: oauthCodes, expired: sql<boolean>`${oauthCodes.expiresAt} <= now()` })
    .from(oauthCodes)
    .where(eq(oauthCodes.codeHash, codeHash));
  return row ? { ...row.code, expired: row.expired } : undefined;
}

export async function insertOAuthTokens(
  db: Queryable,
  rows: {
    tokenHash: string;
    kind: "access" | "refresh";
    serviceTokenId: string;
    clientId: string;
    ttlSeconds: number;
  }[],
): Promise<void> {
  await db
    .insert(oauthTokens)
    .values(
      rows.map(({ ttlSeconds, ...row }) => ({ ...row, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` })),
    );
}

/**
 * Uses a refresh token up: marks it used if it is an unused, unexpired refresh token of
 * this client. One statement, so of two concurrent refreshes only one rotates.
 */
export async function useRefreshToken(
  db: Queryable,
  options: { tokenHash: string; clientId: string },
): Promise<OAuthToken | undefined> {
  const [row] = await db
    .update(oauthTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(oauthTokens.tokenHash, options.tokenHash),
        eq(oauthTokens.kind, "refresh"),
        isNull(oauthTokens.usedAt),
        gt(oauthTokens.expiresAt, sql`now()`),
        eq(oauthTokens.clientId, options.clientId),
      ),
    )
    .returning();
  return row;
}

export async function findOAuthToken(db: Queryable, tokenHash: string): Promise<OAuthToken | undefined> {
  const [row] = await db.select().from(oauthTokens).where(eq(oauthTokens.tokenHash, tokenHash));
  return row;
}

export async function findServiceTokenById(db: Queryable, id: string): Promise<ServiceToken | undefined> {
  const [row] = await db.select().from(serviceTokens).where(eq(serviceTokens.id, id));
  return row;
}

/**
 * Ends a whole grant: the service token is revoked and every access and refresh token
 * issued under it deleted. Returns the token as revoked, or undefined when it was already.
 */
export async function revokeGrant(db: Queryable, serviceTokenId: string): Promise<ServiceToken | undefined> {
  await db.delete(oauthTokens).where(eq(oauthTokens.serviceTokenId, serviceTokenId));
  const [row] = await db
    .update(serviceTokens)
    .set({ revokedAt: sql`now()`, revokedReason: "revoked" })
    .where(and(eq(serviceTokens.id, serviceTokenId), isNull(serviceTokens.revokedAt)))
    .returning();
  return row;
}

/**
 * What /mcp needs to know about a presented access token, in one query: the token's row,
 * its grant (service token), the owner's status and, when a tool call names a provider,
 * the owner's connection to it. Prepared once per database, as the service-token lookup is.
 */
const accessLookups = new WeakMap<Database, ReturnType<typeof prepareAccessLookup>>();

function prepareAccessLookup(db: Database) {
  return db
    .select({
      token: serviceTokens,
      userStatus: users.status,
      connectionStatus: connections.status,
      kind: oauthTokens.kind,
      expired: sql<boolean>`${oauthTokens.expiresAt} <= now()`,
    })
    .from(oauthTokens)
    .innerJoin(serviceTokens, eq(serviceTokens.id, oauthTokens.serviceTokenId))
    .innerJoin(users, eq(users.id, serviceTokens.userId))
    .leftJoin(
      connections,
      and(eq(connections.userId, serviceTokens.userId), eq(connections.provider, sql.placeholder("provider"))),
    )
    .where(eq(oauthTokens.tokenHash, sql.placeholder("hash")))
    .prepare("okoro_find_oauth_access_token");
}

export async function findAccessTokenGrant(db: Database, options: { tokenHash: string; provider?: string }) {
  let lookup = accessLookups.get(db);
  if (!lookup) accessLookups.set(db, (lookup = prepareAccessLookup(db)));
  const [row] = await lookup.execute({ hash: options.tokenHash, provider: options.provider ?? "" });
  return row;
}
