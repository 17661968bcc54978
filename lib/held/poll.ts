// GET /api/held/{id} (docs/agent-api.md#held-requests): the agent whose request was held
// polls with the same service token or an operation token of it (over MCP: the OAuth
// access token of the client that made the call). 202 while a person has not decided (or
// okoro is still sending it); then the upstream's answer itself — status,
// headers, body, plus okoro-approval-id — exactly once; 410 approval_used afterwards.
// Denied: 403 approval_denied. Not decided in time: 410 approval_expired, nothing sent.
// Any other token gets 404, so ids reveal nothing.
import "server-only";
import { markApprovalExpired } from "@/db/queries/approvals";
import { claimHeldDelivery, getHeld, markHeldInterrupted, type HeldView } from "@/db/queries/held";
import { openJson } from "@/lib/crypto/envelope";
import { getEnv } from "@/lib/env";
import { errorResponse, OkoroError } from "@/lib/errors";
import { authenticateServiceToken, type ExchangeContext } from "@/lib/exchange";
import { executeHeld, interruptedAfterSeconds, type ExecuteDeps } from "@/lib/held/execute";
import { heldBody, heldResponseAad, type StoredResponse } from "@/lib/held/hold";
import { authenticateAccessToken } from "@/lib/oauth/access";
import { ACCESS_TOKEN_PREFIX, isAccessTokenShaped } from "@/lib/oauth/secrets";
import { PROXIED_RESPONSE_HEADERS } from "@/lib/proxy/headers";
import { isWellFormedServiceToken } from "@/lib/tokens/service-token";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";

const ID_PATTERN = /^apr_[0-9A-Za-z]{22}$/;

export type HeldPollContext = ExchangeContext & { execute?: ExecuteDeps };

function bearer(request: Request): string | null {
  const header = request.headers.get("authorization");
  return (header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1]) || null;
}

const notFound = () => new OkoroError("not_found", "No such held request for this token.");

/**
 * The service token behind what the agent presented: a service token, an operation token
 * of it, or the OAuth access token of an MCP client (its grant is a service token), each
 * failure counted as the exchange and /mcp count it.
 */
async function tokenIdOf(ctx: HeldPollContext, presented: string | null): Promise<string> {
  // a request held during an MCP tool call is polled with the token that made the call
  if (presented?.startsWith(ACCESS_TOKEN_PREFIX)) {
    // garbage never reaches the database, as at /mcp: only counted
    if (!isAccessTokenShaped(presented)) {
      ctx.failures?.fail(ctx.ip);
      throw new OkoroError("invalid_token");
    }
    return (await authenticateAccessToken(ctx, presented)).id;
  }
  if (presented && !presented.startsWith("svc_")) {
    try {
      const claims = await getOperationTokenVerifier(ctx.db, { issuer: ctx.url }).verify(presented);
      return claims.sub;
    } catch (e) {
      if (typeof (e as Error).cause !== "string") throw new OkoroError("unavailable");
      ctx.failures?.fail(ctx.ip);
      throw new OkoroError("invalid_token");
    }
  }
  if (presented && !isWellFormedServiceToken(presented)) {
    ctx.failures?.fail(ctx.ip);
    throw new OkoroError("invalid_token");
  }
  return (await authenticateServiceToken(ctx, presented)).id;
}

const withId = (id: string) => ({ "okoro-approval-id": id, "cache-control": "no-store" });

function failure(view: HeldView): OkoroError {
  const id = view.held.id;
  const headers = withId(id);
  switch (view.held.outcome) {
    case "upstream_timeout":
      return new OkoroError(
        "upstream_timeout",
        "okoro sent the approved request once and the provider did not answer in time. okoro does not send it again: check with the provider whether it took effect before asking again.",
        { headers },
      );
    case "not_connected":
      return new OkoroError(
        "not_connected",
        `${view.held.provider} is no longer connected for this user, so the approved request was not sent.`,
        { headers },
      );
    case "interrupted":
      return new OkoroError(
        "upstream_unreachable",
        "okoro stopped while sending the approved request; whether the provider received it is unknown, and okoro does not send it again.",
        { headers },
      );
    case "audit_unavailable":
      return new OkoroError("audit_unavailable", undefined, { headers });
    case "upstream_unreachable":
      return new OkoroError(
        "upstream_unreachable",
        "The provider could not be reached, or broke off its answer, when okoro sent the approved request. okoro does not send it again.",
        { headers },
      );
    default:
      return new OkoroError("internal_error", undefined, { headers });
  }
}

export async function pollHeld(ctx: HeldPollContext, presented: string | null, id: string): Promise<Response> {
  const tokenId = await tokenIdOf(ctx, presented);
  if (!ID_PATTERN.test(id)) throw notFound();
  let view = await getHeld(ctx.db, id);
  if (!view || view.held.serviceTokenId !== tokenId) throw notFound();
  const { approval } = view;

  if (view.lapsed) {
    await markApprovalExpired(ctx.db, id);
    throw new OkoroError("approval_expired", "Nobody approved this request in time; it was not sent.");
  }
  if (approval.status === "expired")
    throw new OkoroError("approval_expired", "Nobody approved this request in time; it was not sent.");
  if (approval.status === "denied")
    throw new OkoroError("approval_denied", "A person denied this request; it was not sent.");
  if (approval.status === "pending")
    return Response.json(heldBody(ctx.url, approval, view.held.digest), {
      status: 202,
      headers: { "cache-control": "no-store" },
    });

  // approved: sent by the decision already, or (after a restart) by whichever caller claims it
  if (view.held.state === "held") {
    await executeHeld(ctx.db, id, ctx.execute);
    view = (await getHeld(ctx.db, id))!;
  } else if (view.held.state === "executing") {
    const env = ctx.execute?.env ?? getEnv();
    if (await markHeldInterrupted(ctx.db, { id, seconds: interruptedAfterSeconds(env) }))
      view = (await getHeld(ctx.db, id))!;
  }
  if (view.held.state === "held" || view.held.state === "executing")
    return Response.json(
      { ...heldBody(ctx.url, approval, view.held.digest, "executing"), expires_in: undefined },
      { status: 202, headers: { "cache-control": "no-store" } },
    );

  const delivered = await claimHeldDelivery(ctx.db, { id, serviceTokenId: tokenId });
  if (!delivered)
    throw new OkoroError(
      "approval_used",
      "The answer to this approved request was already handed out (or is older than 10 minutes).",
    );
  if (delivered.state === "failed") throw failure({ ...view, held: delivered });
  const env = ctx.execute?.env ?? getEnv();
  // a done request always holds its sealed answer: the one write that marks it done sets both
  const stored = openJson<StoredResponse>(
    delivered.response!,
    heldResponseAad(id, delivered.userId, delivered.provider),
    env.masterKeys,
  );
  const headers = new Headers();
  for (const [name, value] of stored.headers) headers.append(name, value);
  for (const [name, value] of Object.entries({ ...PROXIED_RESPONSE_HEADERS, ...withId(id) })) headers.set(name, value);
  if (stored.truncated) headers.set("okoro-body-truncated", "1");
  const status = delivered.responseStatus ?? 200;
  const empty = [101, 103, 204, 205, 304].includes(status);
  return new Response(empty ? null : Buffer.from(stored.body, "base64"), { status, headers });
}

/** The route's whole job. */
export async function handleHeldPoll(request: Request, ctx: HeldPollContext, id: string): Promise<Response> {
  try {
    const throttled = ctx.failures?.refuse(ctx.ip);
    if (throttled) throw throttled;
    return await pollHeld(ctx, bearer(request), id);
  } catch (e) {
    return errorResponse(e, { context: "held poll" });
  }
}
