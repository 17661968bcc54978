// Service tokens (SPEC §2.1): created with the plaintext shown once, stored as SHA-256,
// listed with their hint, revoked (by a person or because the token leaked).
import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { connections, serviceTokens, users, type Grants, type ServiceToken } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { OkoroError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { SCOPES, type Scope } from "@/lib/scopes";
import { generateServiceToken, hashServiceToken, serviceTokenHint } from "@/lib/tokens/service-token";
import { AGENT_NAME_PATTERN } from "@/lib/tokens/agent-name";

export const MAX_TTL_CAP = 900;

export type NewServiceToken = {
  userId: string;
  name: string;
  grants: Grants;
  maxTtl?: number;
  expiresAt?: Date | null;
  rateLimit?: number | null;
  quota?: number | null;
  quotaPeriod?: "day" | "month" | null;
  approvalScopes?: Scope[];
  /** who asked, for the audit event */
  ip?: string | null;
  userAgent?: string | null;
};


export function validateNewServiceToken(input: NewServiceToken, knownProvider: (id: string) => boolean): void {
  if (!AGENT_NAME_PATTERN.test(input.name)) {
    throw new OkoroError("invalid_request", "The agent name must be 1–64 letters, digits, spaces, dots, dashes or underscores.");
  }
  const entries = Object.entries(input.grants);
  if (entries.length === 0) throw new OkoroError("invalid_request", "Grant at least one provider scope.");
  for (const [provider, scopes] of entries) {
    if (!knownProvider(provider)) throw new OkoroError("invalid_request", `Unknown provider "${provider}".`);
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => (SCOPES as readonly string[]).includes(s))) {
      throw new OkoroError("invalid_request", `Grants for ${provider} must be among ${SCOPES.join(", ")}.`);
    }
  }
  const maxTtl = input.maxTtl ?? MAX_TTL_CAP;
  if (!Number.isInteger(maxTtl) || maxTtl < 10 || maxTtl > MAX_TTL_CAP) throw new OkoroError("invalid_request", `max_ttl must be between 10 and ${MAX_TTL_CAP} seconds.`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new OkoroError("invalid_request", "The expiry must be in the future.");
  if (input.rateLimit != null && (!Number.isInteger(input.rateLimit) || input.rateLimit < 1)) throw new OkoroError("invalid_request", "The rate limit must be a positive whole number of requests per minute.");
  if (input.quota != null && (!Number.isInteger(input.quota) || input.quota < 1 || !input.quotaPeriod)) {
    throw new OkoroError("invalid_request", "The quota must be a positive whole number per day or per month.");
  }
  for (const s of input.approvalScopes ?? []) if (!(SCOPES as readonly string[]).includes(s)) throw new OkoroError("invalid_request", `Unknown approval scope "${s}".`);
}

/** Creates a token; the plaintext is in the result and nowhere else, ever. */
export async function createServiceToken(
  db: Database,
  input: NewServiceToken,
  knownProvider: (id: string) => boolean,
): Promise<{ token: string; row: ServiceToken }> {
  validateNewServiceToken(input, knownProvider);
  const token = generateServiceToken();
  const [row] = await db
    .insert(serviceTokens)
    .values({
      id: newId("tok"),
      userId: input.userId,
      name: input.name,
      tokenHash: hashServiceToken(token),
      hint: serviceTokenHint(token),
      grants: input.grants,
      maxTtl: input.maxTtl ?? MAX_TTL_CAP,
      expiresAt: input.expiresAt ?? null,
      rateLimit: input.rateLimit ?? null,
      quota: input.quota ?? null,
      quotaPeriod: input.quota ? (input.quotaPeriod ?? null) : null,
      approvalScopes: input.approvalScopes ?? [],
    })
    .returning();
  await appendAudit(db, {
    event: "service_token.created",
    userId: input.userId,
    agent: row.name,
    serviceTokenId: row.id,
    outcome: "allowed",
    reason: describeGrants(row.grants),
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
  });
  return { token, row };
}

export function describeGrants(grants: Grants): string {
  return Object.entries(grants)
    .map(([p, s]) => `${p}:${s.join(",")}`)
    .join(" ");
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
    .leftJoin(connections, and(eq(connections.userId, serviceTokens.userId), eq(connections.provider, sql.placeholder("provider"))))
    .where(eq(serviceTokens.tokenHash, sql.placeholder("hash")))
    .prepare("okoro_find_service_token");
}

export async function findServiceTokenByPlaintext(db: Database, token: string, provider?: string) {
  let lookup = tokenLookups.get(db);
  if (!lookup) tokenLookups.set(db, (lookup = prepareTokenLookup(db)));
  const [row] = await lookup.execute({ hash: hashServiceToken(token), provider: provider ?? "" });
  return row;
}

export type TokenState = "active" | "revoked" | "expired" | "leaked";

export function tokenState(row: Pick<ServiceToken, "revokedAt" | "revokedReason" | "expiresAt">, now = new Date()): TokenState {
  if (row.revokedAt) return row.revokedReason === "leaked" ? "leaked" : "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/**
 * Revokes a token (idempotent). `userId` restricts it to its owner (dashboard); the CLI,
 * which speaks for the operator, passes none. Takes effect for the very next request:
 * the proxy reads revoked_at in the database on every call.
 */
export async function revokeServiceToken(
  db: Database,
  options: { id: string; userId?: string; reason?: "revoked" | "leaked"; ip?: string | null; userAgent?: string | null },
): Promise<ServiceToken> {
  const reason = options.reason ?? "revoked";
  const where = options.userId ? and(eq(serviceTokens.id, options.id), eq(serviceTokens.userId, options.userId)) : eq(serviceTokens.id, options.id);
  const [updated] = await db
    .update(serviceTokens)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(where, isNull(serviceTokens.revokedAt)))
    .returning();
  if (!updated) {
    const existing = await getServiceToken(db, options.id);
    if (!existing || (options.userId && existing.userId !== options.userId)) throw new OkoroError("not_found", "No such service token.");
    return existing; // already revoked
  }
  await appendAudit(db, {
    event: reason === "leaked" ? "service_token.leaked" : "service_token.revoked",
    userId: updated.userId,
    agent: updated.name,
    serviceTokenId: updated.id,
    outcome: "allowed",
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
  });
  return updated;
}

/**
 * Adds a scope to a token's grant ("approve and remember"). One UPDATE that edits the
 * jsonb in place: two people (or two tabs) remembering different scopes at once both
 * land, where a read-modify-write would let the later write drop the earlier scope.
 * Idempotent: a scope already in the grant is not added twice. Accepts a transaction so
 * the grant changes together with the approval that caused it.
 */
export async function addGrant(db: Queryable, options: { id: string; provider: string; scope: Scope }): Promise<void> {
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
  if (updated.length === 0) throw new OkoroError("not_found", "No such service token.");
}
