// What every step of okoro's OAuth server needs from its caller, and the one way it
// records a refusal: an `oauth.denied` event (on the user's chain when the grant is known,
// else the system chain), written only while the address is under its failure limit so
// a flood of bad requests becomes counts, not rows.
import "server-only";
import type { Database } from "@/db/client";
import { appendAudit, type AuditInput } from "@/lib/audit/append";
import type { Env } from "@/lib/env";
import { OkoroError, type ErrorCode } from "@/lib/errors";
import type { FailureLimiter } from "@/lib/http/failure-limiter";

export type OAuthContext = {
  db: Database;
  env: Pick<Env, "url" | "production">;
  ip: string | null;
  userAgent: string | null;
  failures?: Pick<FailureLimiter, "fail">;
  /** fetches a Client ID Metadata Document (tests stand in a resolver); see lib/oauth/clients.ts */
  resolveHost?: (host: string) => Promise<{ address: string; family: number }[]>;
};

/** The /mcp resource every token okoro issues is for. */
export const mcpResource = (url: string) => `${url}/mcp`;

export async function auditOAuth(ctx: OAuthContext, event: Omit<AuditInput, "ip" | "userAgent">): Promise<void> {
  await appendAudit(ctx.db, { ip: ctx.ip, userAgent: ctx.userAgent, ...event });
}

/** Audits the refusal (see above) and throws it as the RFC names it. */
export async function refuse(
  ctx: OAuthContext,
  code: ErrorCode,
  description: string,
  audit: { cause: string; userId?: string | null; serviceTokenId?: string | null; agent?: string | null },
): Promise<never> {
  const error = new OkoroError(code, description);
  const logIt = ctx.failures ? ctx.failures.fail(ctx.ip) : true;
  if (logIt || audit.userId) {
    await auditOAuth(ctx, {
      event: "oauth.denied",
      userId: audit.userId ?? null,
      serviceTokenId: audit.serviceTokenId ?? null,
      agent: audit.agent ?? null,
      outcome: "denied",
      error: code,
      status: error.status,
      reason: audit.cause,
    });
  }
  throw error;
}
