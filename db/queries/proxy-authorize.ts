// The proxy's database work for one request (SPEC §3.2 steps 4–5): the service token is
// still live (no cache: revocation bites on the very next request), the user is active,
// the provider is connected, a single-use token is consumed exactly once, the rate limit
// and quota hold, and the proxy.request event is durable — or nothing is forwarded.
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { connections, serviceTokens, usedJtis, users } from "@/db/schema";
import { hitWindow, type Window } from "@/db/queries/limits";
import { appendAudit, type AuditInput } from "@/lib/audit/append";
import { openJson, rowAad, type MasterKeys } from "@/lib/crypto/envelope";
import { OkoroError } from "@/lib/errors";
import type { Authorization, AuthorizeRequest } from "@/lib/proxy/handler";
import type { Credential } from "@/lib/providers/types";

export type CredentialResolver = (connection: typeof connections.$inferSelect, credential: Credential) => Promise<Credential>;

type Options = {
  db: Database;
  masterKeys: MasterKeys;
  /** refreshes OAuth 2 credentials close to expiry; identity by default */
  resolveCredential?: CredentialResolver;
};

export async function authorizeProxyRequest(options: Options, request: AuthorizeRequest): Promise<Authorization> {
  const { db } = options;
  const { claims, audit } = request;

  const [row] = await db
    .select({ token: serviceTokens, userStatus: users.status, connection: connections })
    .from(serviceTokens)
    .innerJoin(users, eq(users.id, serviceTokens.userId))
    .leftJoin(connections, and(eq(connections.userId, serviceTokens.userId), eq(connections.provider, claims.provider)))
    .where(eq(serviceTokens.id, claims.sub));

  const refuse = async (error: OkoroError, extra: Partial<AuditInput> = {}): Promise<never> => {
    await appendAudit(db, {
      ...audit,
      event: "proxy.denied",
      userId: row?.token.userId ?? null,
      outcome: "denied",
      status: error.status,
      error: error.code,
      ...extra,
    }).catch((e) => console.error("[okoro] could not audit a proxy denial:", (e as Error).message));
    throw error;
  };

  if (!row) return refuse(new OkoroError("invalid_token"), { reason: "service token no longer exists" });
  const token = row.token;
  if (token.revokedAt) return refuse(new OkoroError("invalid_token"), { reason: `service token ${token.revokedReason ?? "revoked"}` });
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return refuse(new OkoroError("invalid_token"), { reason: "service token expired" });
  if (row.userStatus !== "active") return refuse(new OkoroError("invalid_token"), { reason: "user disabled" });
  const connection = row.connection;
  if (!connection || connection.status !== "active") {
    return refuse(
      new OkoroError("not_connected", connection ? `The ${claims.provider} connection is ${connection.status}; reconnect it in the dashboard.` : `${claims.provider} is not connected for this user.`),
    );
  }

  if (claims.once) {
    const consumed = await db
      .insert(usedJtis)
      .values({ jti: claims.jti, expiresAt: new Date(claims.exp * 1000) })
      .onConflictDoNothing()
      .returning({ jti: usedJtis.jti });
    if (consumed.length === 0) {
      return refuse(new OkoroError("invalid_token"), {
        event: "token_replayed",
        reason: "single-use token used again",
        flags: [...new Set([...(audit.flags ?? []), "replay"])],
        flagReason: [audit.flagReason, "A single-use token was presented a second time."].filter(Boolean).join("; "),
      });
    }
  }

  const limitHeaders: Record<string, string> = {};
  if (token.rateLimit) {
    const r = await hitWindow(db, `svc:${token.id}:rate`, token.rateLimit, { kind: "seconds", seconds: 60 });
    const resetIn = Math.max(1, Math.ceil((r.resetAt.getTime() - Date.now()) / 1000));
    Object.assign(limitHeaders, { "RateLimit-Limit": String(r.limit), "RateLimit-Remaining": String(r.remaining), "RateLimit-Reset": String(resetIn) });
    if (!r.allowed) {
      return refuse(
        new OkoroError("rate_limited", `This service token may make ${token.rateLimit} requests per minute. Retry in ${resetIn} s.`, {
          headers: { "Retry-After": String(resetIn), ...limitHeaders },
        }),
      );
    }
  }
  if (token.quota && token.quotaPeriod) {
    const window: Window = { kind: token.quotaPeriod };
    const q = await hitWindow(db, `svc:${token.id}:quota:${token.quotaPeriod}`, token.quota, window);
    const resetIn = Math.max(1, Math.ceil((q.resetAt.getTime() - Date.now()) / 1000));
    if (!q.allowed) {
      return refuse(
        new OkoroError("quota_exceeded", `This service token's quota of ${token.quota} requests per ${token.quotaPeriod} is used up; it resets at ${q.resetAt.toISOString()}.`, {
          headers: { "Retry-After": String(resetIn) },
        }),
      );
    }
    if (!token.rateLimit) {
      Object.assign(limitHeaders, { "RateLimit-Limit": String(q.limit), "RateLimit-Remaining": String(q.remaining), "RateLimit-Reset": String(resetIn) });
    }
  }

  let credential: Credential;
  try {
    credential = openJson<Credential>(connection.credential, rowAad("connections", connection.id, connection.userId, connection.provider), options.masterKeys);
    if (options.resolveCredential) credential = await options.resolveCredential(connection, credential);
  } catch (e) {
    if (e instanceof OkoroError) return refuse(e);
    console.error("[okoro] credential for connection", connection.id, "could not be used:", (e as Error).message);
    return refuse(new OkoroError("internal_error"), { outcome: "error", reason: "credential could not be decrypted" });
  }

  // No audit, no call: the request is forwarded only once this row is durable.
  try {
    await appendAudit(db, { ...audit, event: "proxy.request", userId: token.userId });
  } catch (e) {
    console.error("[okoro] audit append failed; refusing to forward:", (e as Error).message);
    throw new OkoroError("audit_unavailable");
  }

  // Bookkeeping off the critical path, at most once a minute per row.
  void db
    .execute(
      sql`UPDATE service_tokens SET last_used_at = now() WHERE id = ${token.id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    )
    .then(() =>
      db.execute(
        sql`UPDATE connections SET last_used_at = now() WHERE id = ${connection.id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      ),
    )
    .catch(() => {});

  return { userId: token.userId, credential, limitHeaders: Object.keys(limitHeaders).length ? limitHeaders : undefined };
}
