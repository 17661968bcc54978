// The proxy's database work for one request (docs/agent-api.md#proxy steps 4–5), in one round trip
// shared with the other requests in flight (db/queries/pipe.ts → okoro_pipe()): the
// service token is still live (no cache: revocation bites on the very next request), the
// user is active, the provider is connected, a single-use token is consumed exactly once,
// the rate limit and quota hold, and the proxy.request event is durable — or nothing is
// forwarded. Refusals are audited here, off the hot path. The outcomes come from the
// database as rows (db/queries/pipe.ts); turning them into errors, RateLimit headers and
// an opened credential is this module's.
import "server-only";
import type { Database } from "@/db/client";
import type { Connection } from "@/db/schema";
import type { LimitState, PipeAuthResult } from "@/db/queries/pipe";
import { pipeAuthorize } from "@/lib/audit/pipe-events";
import { windowEnd } from "@/db/queries/limits";
import { appendAudit, auditRow, type AuditInput } from "@/lib/audit/append";
import { openJson, rowAad, type Envelope, type MasterKeys } from "@/lib/crypto/envelope";
import { OkoroError } from "@/lib/errors";
import type { Authorization, AuthorizeRequest } from "@/lib/proxy/handler";
import type { Credential } from "@/lib/providers/types";

export type CredentialResolver = (connection: Connection, credential: Credential) => Promise<Credential>;

type Options = {
  db: Database;
  masterKeys: MasterKeys;
  /** refreshes OAuth 2 credentials close to expiry (lib/connect/refresh.ts) */
  resolveCredential?: CredentialResolver;
};

function secondsUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 1000));
}

function rateHeaders(rate: LimitState): { headers: Record<string, string>; resetIn: number } {
  const resetIn = secondsUntil(windowEnd(new Date(rate.window_start), { kind: "seconds", seconds: 60 }));
  return {
    resetIn,
    headers: {
      "RateLimit-Limit": String(rate.limit),
      "RateLimit-Remaining": String(Math.max(0, rate.limit - rate.count)),
      "RateLimit-Reset": String(resetIn),
    },
  };
}

function quotaHeaders(quota: LimitState): { headers: Record<string, string>; resetAt: Date } {
  const resetAt = windowEnd(new Date(quota.window_start), { kind: quota.period ?? "day" });
  return {
    resetAt,
    headers: {
      "RateLimit-Limit": String(quota.limit),
      "RateLimit-Remaining": String(Math.max(0, quota.limit - quota.count)),
      "RateLimit-Reset": String(secondsUntil(resetAt)),
    },
  };
}

/** The refusal a pipe outcome means, and what the audit log records about it. */
function refusal(
  result: Exclude<PipeAuthResult, { outcome: "ok" }>,
  provider: string,
): { error: OkoroError; audit: Partial<AuditInput> } {
  switch (result.outcome) {
    case "no_token":
      return { error: new OkoroError("invalid_token"), audit: { reason: "service token no longer exists" } };
    case "revoked":
      return {
        error: new OkoroError("invalid_token"),
        audit: { reason: `service token ${result.detail ?? "revoked"}` },
      };
    case "expired":
      return { error: new OkoroError("invalid_token"), audit: { reason: "service token expired" } };
    case "user_disabled":
      return { error: new OkoroError("invalid_token"), audit: { reason: "user disabled" } };
    case "not_connected":
      return {
        error: new OkoroError(
          "not_connected",
          result.detail
            ? `The ${provider} connection is ${result.detail}; reconnect it in the dashboard.`
            : `${provider} is not connected for this user.`,
        ),
        audit: {},
      };
    case "replayed":
      return {
        error: new OkoroError("invalid_token"),
        audit: { event: "token_replayed", reason: "single-use token used again" },
      };
    case "rate_limited": {
      const { headers, resetIn } = rateHeaders(result.rate!);
      return {
        error: new OkoroError(
          "rate_limited",
          `This service token may make ${result.rate!.limit} requests per minute; retry after ${resetIn} s.`,
          {
            headers: { "Retry-After": String(resetIn), ...headers },
          },
        ),
        audit: {},
      };
    }
    case "quota_exceeded": {
      const { headers, resetAt } = quotaHeaders(result.quota!);
      return {
        error: new OkoroError(
          "quota_exceeded",
          `This service token's quota of ${result.quota!.limit} requests per ${result.quota!.period} is used up; it resets at ${resetAt.toISOString()}.`,
          { headers: { "Retry-After": String(secondsUntil(resetAt)), ...(result.rate ? {} : headers) } },
        ),
        audit: {},
      };
    }
  }
}

export async function authorizeProxyRequest(options: Options, request: AuthorizeRequest): Promise<Authorization> {
  const { db } = options;
  const { claims, audit } = request;

  let result: PipeAuthResult;
  try {
    result = await pipeAuthorize(db, {
      tokenId: claims.sub,
      provider: claims.provider,
      jti: claims.jti,
      once: claims.once,
      exp: claims.exp,
      event: auditRow({ ...audit, event: "proxy.request", userId: null }),
    });
  } catch (e) {
    // this request's own event could not be stored (the others of its batch were): a bad
    // request, not an outage; nothing is forwarded either way
    if (e instanceof OkoroError && e.code === "invalid_request") throw e;
    // the round trip that checks and audits failed: nothing may be forwarded
    console.error("[okoro] proxy authorization could not be recorded; refusing to forward:", (e as Error).message);
    throw new OkoroError("audit_unavailable");
  }

  if (result.outcome !== "ok") {
    const { error, audit: extra } = refusal(result, claims.provider);
    const replay = result.outcome === "replayed";
    await appendAudit(db, {
      ...audit,
      event: "proxy.denied",
      userId: "user_id" in result ? result.user_id : null,
      outcome: "denied",
      status: error.status,
      error: error.code,
      ...(replay && {
        flags: [...new Set([...(audit.flags ?? []), "replay"])],
        flagReason: [audit.flagReason, "A single-use token was presented a second time."].filter(Boolean).join("; "),
      }),
      ...extra,
    }).catch((e) => console.error("[okoro] could not audit a proxy denial:", (e as Error).message));
    throw error;
  }

  const limitHeaders = result.rate
    ? rateHeaders(result.rate).headers
    : result.quota
      ? quotaHeaders(result.quota).headers
      : undefined;
  const c = result.connection;
  const connection = {
    id: c.id,
    userId: c.user_id,
    provider: c.provider,
    method: c.method,
    status: c.status,
    credential: c.credential as Envelope,
    accessExpiresAt: c.access_expires_at ? new Date(c.access_expires_at) : null,
  } as Connection;

  let credential: Credential;
  try {
    credential = openJson<Credential>(
      connection.credential,
      rowAad("connections", connection.id, connection.userId, connection.provider),
      options.masterKeys,
    );
  } catch (e) {
    console.error("[okoro] credential for connection", connection.id, "could not be decrypted:", (e as Error).message);
    await appendAudit(db, {
      ...audit,
      event: "proxy.denied",
      userId: result.user_id,
      outcome: "error",
      status: 500,
      error: "internal_error",
      reason: "credential could not be decrypted",
    }).catch(() => {});
    throw new OkoroError("internal_error");
  }
  if (options.resolveCredential) {
    // An OAuth 2 token close to expiry is refreshed (once, whoever asks at the same time).
    // The request event is already written by then; a refresh that fails is recorded as
    // the denial that follows it, and nothing is forwarded.
    try {
      credential = await options.resolveCredential(connection, credential);
    } catch (e) {
      if (!(e instanceof OkoroError)) throw e;
      await appendAudit(db, {
        ...audit,
        event: "proxy.denied",
        userId: result.user_id,
        outcome: "denied",
        status: e.status,
        error: e.code,
        reason: "access token could not be renewed",
      }).catch((err) => console.error("[okoro] could not audit a proxy denial:", (err as Error).message));
      throw e;
    }
  }
  return { userId: result.user_id, credential, limitHeaders };
}
