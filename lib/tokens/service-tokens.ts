// Service tokens' use cases: create (checked input, the plaintext made here and shown
// once, only its hash stored), revoke (by a person or because the token leaked), the
// exchange's lookup by plaintext, "approve and remember"; each writes its audit event.
// The rows themselves are db/queries/service-tokens.ts's.
import "server-only";
import type { Database, Queryable } from "@/db/client";
import {
  addGrantScope,
  findServiceTokenByHash,
  getServiceToken,
  insertServiceToken,
  markServiceTokenRevoked,
} from "@/db/queries/service-tokens";
import type { Grants, ServiceToken } from "@/db/schema";
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
  /** scopes whose every proxied request waits for a person (docs/agent-api.md#held-requests) */
  holdScopes?: Scope[];
  /** who asked, for the audit event */
  ip?: string | null;
  userAgent?: string | null;
};

export function validateNewServiceToken(input: NewServiceToken, knownProvider: (id: string) => boolean): void {
  if (!AGENT_NAME_PATTERN.test(input.name)) {
    throw new OkoroError(
      "invalid_request",
      "The agent name must be 1–64 letters, digits, spaces, dots, dashes or underscores.",
    );
  }
  const entries = Object.entries(input.grants);
  if (entries.length === 0) throw new OkoroError("invalid_request", "Grant at least one provider scope.");
  for (const [provider, scopes] of entries) {
    if (!knownProvider(provider)) throw new OkoroError("invalid_request", `Unknown provider "${provider}".`);
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((s) => (SCOPES as readonly string[]).includes(s))
    ) {
      throw new OkoroError("invalid_request", `Grants for ${provider} must be among ${SCOPES.join(", ")}.`);
    }
  }
  const maxTtl = input.maxTtl ?? MAX_TTL_CAP;
  if (!Number.isInteger(maxTtl) || maxTtl < 10 || maxTtl > MAX_TTL_CAP)
    throw new OkoroError("invalid_request", `max_ttl must be between 10 and ${MAX_TTL_CAP} seconds.`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
    throw new OkoroError("invalid_request", "The expiry must be in the future.");
  if (input.rateLimit != null && (!Number.isInteger(input.rateLimit) || input.rateLimit < 1))
    throw new OkoroError("invalid_request", "The rate limit must be a positive whole number of requests per minute.");
  if (input.quota != null && (!Number.isInteger(input.quota) || input.quota < 1 || !input.quotaPeriod)) {
    throw new OkoroError("invalid_request", "The quota must be a positive whole number per day or per month.");
  }
  for (const s of input.approvalScopes ?? [])
    if (!(SCOPES as readonly string[]).includes(s))
      throw new OkoroError("invalid_request", `Unknown approval scope "${s}".`);
  for (const s of input.holdScopes ?? [])
    if (!(SCOPES as readonly string[]).includes(s))
      throw new OkoroError("invalid_request", `Unknown hold scope "${s}".`);
}

/** Creates a token; the plaintext is in the result and nowhere else, ever. */
export async function createServiceToken(
  db: Database,
  input: NewServiceToken,
  knownProvider: (id: string) => boolean,
): Promise<{ token: string; row: ServiceToken }> {
  validateNewServiceToken(input, knownProvider);
  const token = generateServiceToken();
  const row = await insertServiceToken(db, {
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
    holdScopes: input.holdScopes ?? [],
  });
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

export type TokenState = "active" | "revoked" | "expired" | "leaked";

export function tokenState(
  row: Pick<ServiceToken, "revokedAt" | "revokedReason" | "expiresAt">,
  now = new Date(),
): TokenState {
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
  options: {
    id: string;
    userId?: string;
    reason?: "revoked" | "leaked";
    ip?: string | null;
    userAgent?: string | null;
  },
): Promise<ServiceToken> {
  const reason = options.reason ?? "revoked";
  const updated = await markServiceTokenRevoked(db, { id: options.id, userId: options.userId, reason });
  if (!updated) {
    const existing = await getServiceToken(db, options.id);
    if (!existing || (options.userId && existing.userId !== options.userId))
      throw new OkoroError("not_found", "No such service token.");
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
 * The token and its owner's status, looked up by the presented plaintext's hash — and,
 * when `provider` is given, the status of the owner's connection to it in the same query
 * (the exchange needs both; one round trip instead of two).
 */
export function findServiceTokenByPlaintext(db: Database, token: string, provider?: string) {
  return findServiceTokenByHash(db, hashServiceToken(token), provider);
}

/** Adds a scope to a token's grant ("approve and remember"); see addGrantScope. */
export async function addGrant(db: Queryable, options: { id: string; provider: string; scope: Scope }): Promise<void> {
  if (!(await addGrantScope(db, options))) throw new OkoroError("not_found", "No such service token.");
}
