// The approval branch of the exchange (docs/agent-api.md#exchange). lib/exchange.ts calls the gate after
// its basic checks (token, provider, reason, ttl); the gate decides whether a person must
// say yes first and, if so, files the request and answers 202 with where to poll.
//
// When a person is asked (docs/agent-api.md#exchange, literally):
// - the scope is in the token's approval_scopes — granted or not: those scopes always
//   need a person, and a person's yes is what authorizes them; or
// - the scope is not granted and the agent set "request_approval": true.
// Anything else that is not granted falls through to 403 scope_not_granted.
// `beyond_grant` records whether the grant alone would have refused it; only then does
// "approve and remember" mean something.
//
// The connection is checked before a person is bothered: approving a request that
// cannot work helps nobody, and the agent learns at once (409 not_connected). It is
// checked again when the token is handed out.
//
// A caller that cannot poll (an MCP tool call, `collectOnRepeat`) asks again instead
// (docs/mcp.md#approvals): the repeat collects an approved request of the same token,
// provider, scope and intent — claimed once, as a poll collects it — or, while a person
// has not decided, is answered with the same pending request rather than a new one.
import "server-only";
import {
  APPROVAL_WINDOW_SECONDS,
  claimApprovedApprovalFor,
  MAX_PENDING_PER_TOKEN,
  releaseApprovalClaim,
} from "@/db/queries/approvals";
import { createPendingApproval, storedKey } from "@/lib/approvals/create";
import type { Approval, ServiceToken } from "@/db/schema";
import { OkoroError } from "@/lib/errors";
import {
  ALL_SCOPE_TTL_CAP,
  DEFAULT_TTL,
  exchangeAuditFields,
  refuseExchange,
  type ApprovalGate,
  type ExchangeBody,
  type ExchangeContext,
} from "@/lib/exchange";
import { notifyUser } from "@/lib/notify/deliver";
import { getProvider } from "@/lib/providers/catalog";
import type { Scope } from "@/lib/scopes";

/** Seconds between polls we ask agents to keep. */
export const POLL_INTERVAL_SECONDS = 2;

export type ApprovalGateOptions = {
  /**
   * Runs work that must not delay the response (notifications). The route passes Next's
   * `after()` so it survives the response on serverless hosts; tests collect the promises.
   */
  defer?: (task: () => Promise<unknown>) => void;
};

export function approvalUrls(url: string, id: string) {
  return { approval_url: `${url}/dashboard/approvals/${id}`, poll_url: `${url}/api/token/approvals/${id}` };
}

/** The 202 body; `expires_in` counts down on later polls. */
export function pendingBody(url: string, approval: Pick<Approval, "id" | "expiresAt">, now = Date.now()) {
  return {
    status: "pending",
    approval_id: approval.id,
    ...approvalUrls(url, approval.id),
    interval: POLL_INTERVAL_SECONDS,
    expires_in: Math.max(0, Math.min(APPROVAL_WINDOW_SECONDS, Math.round((approval.expiresAt.getTime() - now) / 1000))),
  };
}

/** The exchange body an approval stands for, as issue() expects it. */
export function approvedBody(
  a: Pick<Approval, "provider" | "scope" | "intent" | "reason" | "ttl" | "singleUse">,
): ExchangeBody {
  return {
    provider: a.provider,
    scope: a.scope as Scope,
    intent: a.intent,
    reason: a.reason ?? undefined,
    ttl: a.ttl,
    single_use: a.singleUse,
    request_approval: false,
  };
}

/** Whether this exchange must wait for a person, and whether it reaches beyond the grant. */
export function approvalNeeded(
  token: Pick<ServiceToken, "approvalScopes">,
  body: Pick<ExchangeBody, "scope" | "request_approval">,
  granted: boolean,
): { beyondGrant: boolean } | null {
  if (token.approvalScopes.includes(body.scope as Scope)) return { beyondGrant: !granted };
  return !granted && body.request_approval ? { beyondGrant: true } : null;
}

/** The TTL the token will get, as issue() will compute it: kept on the approval and shown to the person. */
export function effectiveTtl(token: Pick<ServiceToken, "maxTtl">, body: Pick<ExchangeBody, "scope" | "ttl">): number {
  const cap = body.scope === "all" ? Math.min(ALL_SCOPE_TTL_CAP, token.maxTtl) : token.maxTtl;
  return Math.min(body.ttl ?? DEFAULT_TTL, cap);
}

export function createApprovalGate(options: ApprovalGateOptions = {}): ApprovalGate {
  const defer = options.defer ?? ((task) => void task());
  return async ({ token, body, granted, ctx }) => {
    const needed = approvalNeeded(token, body, granted);
    if (!needed) return null;
    const provider = getProvider(body.provider);
    const denied = (error: OkoroError) => refuseExchange(ctx, token, body, error);

    // read with the token in the exchange's one lookup
    const connection = token.connectionStatus;
    if (connection !== "active") {
      const name = provider?.name ?? body.provider;
      return denied(
        new OkoroError(
          "not_connected",
          connection
            ? `The ${name} connection is ${connection}; its owner must reconnect it before approving anything.`
            : `${name} is not connected for this user.`,
        ),
      );
    }

    if (ctx.collectOnRepeat) {
      const approved = await claimApprovedApprovalFor(ctx.db, { serviceTokenId: token.id, ...storedKey(body) });
      if (approved)
        return {
          status: "approved",
          body: approvedBody(approved),
          release: () => releaseApprovalClaim(ctx.db, approved.id),
        };
    }

    const result = await createPendingApproval(ctx.db, {
      token,
      provider: body.provider,
      scope: body.scope,
      intent: body.intent,
      reason: body.reason?.trim() || null,
      ttl: effectiveTtl(token, body),
      singleUse: body.single_use,
      beyondGrant: needed.beyondGrant,
      reusePending: ctx.collectOnRepeat,
      audit: (approval) => ({
        ...exchangeAuditFields(token, body, "approval.requested"),
        status: 202,
        // ties approval.requested / .approved / .denied of one request together
        requestId: approval.id,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        ...ctx.auditTag,
      }),
    });
    // the same request, still waiting: its URL again, nothing new filed, nobody notified again
    if ("waiting" in result) return { status: 202, body: pendingBody(ctx.url, result.waiting) };
    if (!result.created) {
      return denied(
        new OkoroError(
          "rate_limited",
          `This service token already has ${result.pending} requests waiting for approval (at most ${MAX_PENDING_PER_TOKEN}). Wait for a decision before asking again; retry in ${result.retryAfter} s.`,
          { headers: { "Retry-After": String(result.retryAfter) } },
        ),
      );
    }
    const approval = result.approval;
    // the person's Slack and signed webhook (docs/dashboard.md#notifications), after the answer
    defer(() =>
      notifyUser(ctx.db, approval.userId, { kind: "approval.requested", approval, agent: token.name }).then(
        (r) => r.sent,
        (e) => console.warn(`[okoro] could not record a notification: ${(e as Error).name}`),
      ),
    );
    // counted from the row's own creation time: 900 exactly, whatever the clocks say
    return { status: 202, body: pendingBody(ctx.url, approval, approval.createdAt.getTime()) };
  };
}

/** The gate with fire-and-forget side work; the route gives its own with `after()`. */
export const approvalGate: ApprovalGate = createApprovalGate();
