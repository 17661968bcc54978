// Holding a proxied request for a person (docs/agent-api.md#held-requests): the proxy core
// (lib/proxy/handler.ts) asks `scopes` whether the token holds the request's scope and,
// if so, hands the request to `hold` instead of forwarding it. The request is stored
// encrypted with a pending approval (kind 'held') and its approval.requested event, in one
// transaction; the same request again, while pending, gets the same approval.
import "server-only";
import { findUserById } from "@/db/queries/users";
import type { Database } from "@/db/client";
import {
  APPROVAL_WINDOW_SECONDS,
  insertPendingApproval,
  lockTokenPendingApprovals,
  MAX_PENDING_PER_TOKEN,
} from "@/db/queries/approvals";
import { getConnection } from "@/db/queries/connections";
import { findPendingHeld, insertHeld } from "@/db/queries/held";
import { getServiceToken } from "@/db/queries/service-tokens";
import type { Approval } from "@/db/schema";
import { POLL_INTERVAL_SECONDS } from "@/lib/approvals/gate";
import { appendAudit, appendAuditInTx, type AuditInput } from "@/lib/audit/append";
import { storableText } from "@/lib/audit/redact";
import { rowAad, sealJson, type MasterKeys } from "@/lib/crypto/envelope";
import { heldDigest } from "@/lib/held/digest";
import { notifyHeldRequest } from "@/lib/held/notify";
import { afterResponse } from "@/lib/http/after-response";
import { OkoroError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { HoldRequest } from "@/lib/proxy/handler";
import { tokenState } from "@/lib/tokens/service-tokens";

/** The stored request, sealed: the allowlisted headers and the body. */
export type StoredRequest = { headers: Record<string, string>; body: string };
export type StoredResponse = { headers: [string, string][]; body: string; truncated?: boolean };

export const heldRequestAad = (id: string, userId: string, provider: string) =>
  rowAad("held_requests", id, userId, provider);
export const heldResponseAad = (id: string, userId: string, provider: string) =>
  rowAad("held_responses", id, userId, provider);

export function heldUrls(url: string, id: string) {
  return { approval_url: `${url}/dashboard/approvals/${id}`, poll_url: `${url}/api/held/${id}` };
}

/** The 202 body; `expires_in` counts down. */
export function heldBody(url: string, approval: Pick<Approval, "id" | "expiresAt">, digest: string, status = "held") {
  return {
    status,
    approval_id: approval.id,
    ...heldUrls(url, approval.id),
    interval: POLL_INTERVAL_SECONDS,
    expires_in: Math.max(
      0,
      Math.min(APPROVAL_WINDOW_SECONDS, Math.round((approval.expiresAt.getTime() - Date.now()) / 1000)),
    ),
    digest,
  };
}

/** Whether a token holds a scope. `all` held means every request of an `all` token waits. */
export function isHeld(holdScopes: readonly string[], tokenScope: string, requiredScope: string): boolean {
  return holdScopes.includes(requiredScope) || (tokenScope === "all" && holdScopes.includes("all"));
}

const SCOPES_TTL_MS = 60_000;
const SCOPES_MAX = 10_000;

/**
 * A token's hold_scopes, remembered for a minute: they are fixed when the token is made,
 * so the hot path does not pay a lookup per request. Keyed by verified token ids only,
 * and bounded.
 */
export function createHoldScopes(db: Database): (tokenId: string) => Promise<readonly string[]> {
  const cache = new Map<string, { scopes: readonly string[]; at: number }>();
  return async (tokenId) => {
    const hit = cache.get(tokenId);
    if (hit && Date.now() - hit.at < SCOPES_TTL_MS) return hit.scopes;
    const token = await getServiceToken(db, tokenId);
    const scopes = token?.holdScopes ?? [];
    if (cache.size >= SCOPES_MAX) cache.clear();
    cache.set(tokenId, { scopes, at: Date.now() });
    return scopes;
  };
}

export type HoldOptions = { db: Database; url: string; masterKeys: MasterKeys };

/** Stores the request (or finds the same one pending) and returns the 202 body. */
export async function holdRequest(options: HoldOptions, input: HoldRequest): Promise<Record<string, unknown>> {
  const { db } = options;
  const { claims } = input;
  const baseAudit: Omit<AuditInput, "event" | "userId"> = {
    agent: claims.agent,
    serviceTokenId: claims.sub,
    jti: claims.jti,
    provider: claims.provider,
    scope: claims.scope,
    requiredScope: input.requiredScope,
    intent: claims.intent,
    method: input.method,
    path: input.path,
    query: input.auditQuery,
    ip: input.ip,
    userAgent: input.userAgent,
  };
  const token = await getServiceToken(db, claims.sub);
  const refuse = async (error: OkoroError, reason: string | null) => {
    await appendAudit(db, {
      ...baseAudit,
      event: "proxy.denied",
      userId: token?.userId ?? null,
      status: error.status,
      outcome: "denied",
      error: error.code,
      reason,
      requestId: input.requestId,
    }).catch((e) => console.error("[okoro] could not audit a held-request refusal:", (e as Error).message));
    throw error;
  };
  if (!token) return refuse(new OkoroError("invalid_token"), "service token no longer exists");
  const state = tokenState(token);
  if (state !== "active") return refuse(new OkoroError("invalid_token"), `service token ${state}`);
  // a disabled account's agents queue nothing for anyone to approve, as the proxy refuses them
  if ((await findUserById(db, { id: token.userId }))?.status !== "active")
    return refuse(new OkoroError("invalid_token"), "user disabled");
  const connection = await getConnection({ db, userId: token.userId, provider: claims.provider });
  if (!connection || connection.status !== "active")
    return refuse(
      new OkoroError(
        "not_connected",
        connection
          ? `The ${claims.provider} connection is ${connection.status}; reconnect it in the dashboard.`
          : `${claims.provider} is not connected for this user.`,
      ),
      null,
    );

  const query = input.search.startsWith("?") ? input.search.slice(1) : input.search;
  const digest = heldDigest({
    provider: claims.provider,
    connectionId: connection.id,
    serviceTokenId: token.id,
    method: input.method,
    path: input.path,
    query,
    body: input.body,
  });
  // `all` held: the person approves what an all-token does, and step-up applies
  const scope = claims.scope === "all" ? "all" : input.requiredScope;

  const result = await db.transaction(async (tx) => {
    const open = await lockTokenPendingApprovals(tx, token.id);
    const same = await findPendingHeld(tx, { serviceTokenId: token.id, digest });
    if (same) return { kind: "same" as const, approval: same };
    if (open.n >= MAX_PENDING_PER_TOKEN) {
      const oldest = open.oldest ? new Date(open.oldest) : null;
      const retryAfter = oldest
        ? Math.max(1, Math.ceil((oldest.getTime() - new Date(open.now).getTime()) / 1000))
        : APPROVAL_WINDOW_SECONDS;
      return { kind: "full" as const, pending: open.n, retryAfter };
    }
    const id = newId("apr");
    const approval = await insertPendingApproval(tx, {
      id,
      kind: "held",
      userId: token.userId,
      serviceTokenId: token.id,
      provider: claims.provider,
      scope,
      intent: storableText(claims.intent, 256),
      reason: claims.reason ? storableText(claims.reason, 1024) : null,
      ttl: 0,
      singleUse: false,
      beyondGrant: false,
    });
    const stored: StoredRequest = { headers: input.headers, body: Buffer.from(input.body).toString("base64") };
    await insertHeld(tx, {
      id,
      userId: token.userId,
      serviceTokenId: token.id,
      provider: claims.provider,
      connectionId: connection.id,
      method: input.method,
      path: storableText(input.path, 8192),
      query: storableText(query, 8192),
      digest,
      request: sealJson(stored, heldRequestAad(id, token.userId, claims.provider), options.masterKeys),
      bodyBytes: input.body.byteLength,
    });
    await appendAuditInTx(tx, {
      ...baseAudit,
      event: "approval.requested",
      userId: token.userId,
      status: 202,
      bytesIn: input.body.byteLength,
      // the audit log has no digest column: the digest rides in `reason`, the agent's own
      // reason (for `all`) after it; request_id ties every event of this approval together
      reason: [`held request ${digest}`, claims.reason].filter(Boolean).join("; "),
      requestId: id,
    });
    return { kind: "created" as const, approval };
  });
  if (result.kind === "full")
    return refuse(
      new OkoroError(
        "rate_limited",
        `This service token already has ${result.pending} requests waiting for approval (at most ${MAX_PENDING_PER_TOKEN}); retry in ${result.retryAfter} s.`,
        { headers: { "Retry-After": String(result.retryAfter) } },
      ),
      "too many pending approvals",
    );
  if (result.kind === "created") {
    const approval = result.approval;
    afterResponse(() => notifyHeldRequest(db, approval, token.name, { method: input.method, path: input.path }));
  }
  return heldBody(options.url, result.approval, digest);
}
