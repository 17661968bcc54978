// GET /api/token/approvals/{id} (docs/agent-api.md#exchange): the agent that asked polls with the same
// service token. 202 while pending; 200 with the exchange response exactly once after a
// person approved (the operation token is minted then, so its TTL starts at hand-out);
// 410 approval_used afterwards; 403 approval_denied; 410 approval_expired.
//
// Anyone else gets 404 — another user's token and another token of the same user alike —
// so approval ids reveal nothing. A bad token gets the exchange's uniform 401.
import "server-only";
import {
  claimApprovedApproval,
  getApproval,
  markApprovalExpired,
  releaseApprovalClaim,
  type ApprovalView,
} from "@/db/queries/approvals";
import { getConnectionStatus } from "@/db/queries/connections";
import type { ServiceToken } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { approvedBody, pendingBody } from "@/lib/approvals/gate";
import { errorResponse, OkoroError } from "@/lib/errors";
import { authenticateServiceToken, issue, type ExchangeContext, type ExchangeResult } from "@/lib/exchange";
import { getProvider } from "@/lib/providers/catalog";

const ID_PATTERN = /^apr_[0-9A-Za-z]{22}$/;

function bearer(request: Request): string | null {
  const header = request.headers.get("authorization");
  return (header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]) || null;
}

const notFound = () => new OkoroError("not_found", "No such approval request for this service token.");

function refusal(approval: ApprovalView): OkoroError | null {
  switch (approval.status) {
    case "denied":
      return new OkoroError(
        "approval_denied",
        "A person denied this request. Do not ask again for the same thing without new information.",
      );
    case "used":
      return new OkoroError(
        "approval_used",
        "The operation token for this approval was already handed out. Exchange again (and ask again) for another.",
      );
    case "expired":
      return new OkoroError(
        "approval_expired",
        "Nobody decided in time, so the request expired. Ask again if it is still needed.",
      );
    default:
      return null;
  }
}

export async function pollApproval(
  ctx: ExchangeContext,
  presented: string | null,
  id: string,
): Promise<ExchangeResult> {
  // authentication first, whatever the id: an invalid token learns nothing about ids
  const token = await authenticateServiceToken(ctx, presented);
  if (!ID_PATTERN.test(id)) throw notFound();
  const approval = await getApproval(ctx.db, id);
  // a held request is polled at /api/held/{id}
  if (!approval || approval.serviceTokenId !== token.id || approval.kind !== "exchange") throw notFound();

  if (approval.lapsed) {
    await markApprovalExpired(ctx.db, approval.id);
    throw refusal({ ...approval, status: "expired" })!;
  }
  const refused = refusal(approval);
  if (refused) throw refused;
  if (approval.status === "pending") return { status: 202, body: pendingBody(ctx.url, approval) };
  return handOut(ctx, token, approval);
}

/** approved → the operation token, to exactly one poll. */
async function handOut(ctx: ExchangeContext, token: ServiceToken, approval: ApprovalView): Promise<ExchangeResult> {
  const body = approvedBody(approval);
  // The person's yes does not outlive the connection: without it the token would be
  // useless, so keep the approval (still collectable until it expires) and say why.
  const connection = await getConnectionStatus(ctx.db, token.userId, approval.provider);
  if (connection !== "active") {
    const name = getProvider(approval.provider)?.name ?? approval.provider;
    const error = new OkoroError(
      "not_connected",
      connection
        ? `The ${name} connection is ${connection}; its owner must reconnect it.`
        : `${name} is not connected for this user.`,
    );
    await appendAudit(ctx.db, {
      event: "token.denied",
      userId: token.userId,
      agent: token.name,
      serviceTokenId: token.id,
      provider: approval.provider,
      scope: approval.scope,
      intent: approval.intent,
      reason: approval.reason,
      outcome: "denied",
      error: error.code,
      status: error.status,
      requestId: approval.id,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    throw error;
  }

  const claimed = await claimApprovedApproval(ctx.db, { id: approval.id, serviceTokenId: token.id });
  if (!claimed) {
    // another poll won the race, or the approval lapsed in between: say which
    const now = await getApproval(ctx.db, approval.id);
    if (now?.lapsed) await markApprovalExpired(ctx.db, approval.id);
    throw (
      (now && refusal(now.lapsed ? { ...now, status: "expired" } : now)) ??
      new OkoroError("approval_used", "The operation token for this approval was already handed out.")
    );
  }
  try {
    return { status: 200, body: await issue(ctx, token, body) };
  } catch (e) {
    // nothing was handed out: let the next poll try again
    await releaseApprovalClaim(ctx.db, approval.id).catch(() => {});
    throw e;
  }
}

/** The route handler's whole job: Request in, JSON Response out. */
export async function handleApprovalPoll(request: Request, ctx: ExchangeContext, id: string): Promise<Response> {
  try {
    // an address sending invalid tokens past its limit is refused before anything is looked up
    const throttled = ctx.failures?.refuse(ctx.ip);
    if (throttled) throw throttled;
    const result = await pollApproval(ctx, bearer(request), id);
    return Response.json(result.body, { status: result.status, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, { context: "approval poll" });
  }
}
