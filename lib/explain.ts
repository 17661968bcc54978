// Explain (docs/agent-api.md#explain): what a request would need and whether okoro would let
// it through — the scope the classifier asks for, the token's scope or grant, approvals,
// holds, the connection, the limits left and the audit flags it would carry — without
// forwarding, counting or auditing anything. POST /api/explain and the MCP tool
// okoro_explain both answer with explain() below.
//
// Who asks: an operation token (the token's own provider and scope are judged, as /p/
// would judge them) or a service token (the body names the provider; the scope judged is
// the narrowest granted one that covers the request, as an exchange or an MCP tool call
// would pick it).
//
// Explain has a limit of its own, per service token (EXPLAIN_PER_MINUTE): it is a separate
// counter, so asking never uses up the token's rate limit or quota. Bad tokens are limited
// per client address like every other door (lib/failure-limits.ts) and, as nothing else of
// explain is, not audited one by one.
import "server-only";
import { z } from "zod";
import type { Database } from "@/db/client";
import { findServiceTokenForExplain } from "@/db/queries/explain";
import { hitWindow } from "@/db/queries/limits";
import { tokenLimitUsage } from "@/db/queries/token-usage";
import type { Connection, ServiceToken } from "@/db/schema";
import { flagsFor } from "@/lib/audit/flags";
import { OkoroError, type ErrorCode, errorResponse } from "@/lib/errors";
import { wouldHold } from "@/lib/explain-hold";
import { readBoundedJson } from "@/lib/http/bounded-body";
import type { FailureLimiter } from "@/lib/http/failure-limiter";
import { encodeGenericBody } from "@/lib/mcp/tool-request";
import { classifyRequest } from "@/lib/providers/classify";
import { resolvedProvider } from "@/lib/providers/catalog";
import { isProviderIdShaped } from "@/lib/providers/provider-id";
import { ROUTABLE_METHODS } from "@/lib/proxy/methods";
import { buildUpstreamUrl, parseBaseUrl } from "@/lib/proxy/upstream-url";
import { grantCovers, scopeAllows, type RequestScope, type Scope } from "@/lib/scopes";
import type { OperationClaims } from "@/lib/tokens/operation-token";
import { findServiceTokenByPlaintext, tokenState } from "@/lib/tokens/service-tokens";
import { isWellFormedServiceToken } from "@/lib/tokens/service-token";

/** Explains per service token per minute (all its operation tokens and its MCP calls together). */
export const EXPLAIN_PER_MINUTE = 60;

const queryValue = z.union([z.string().max(8192), z.number(), z.boolean()]);

export const explainInput = z.object({
  /** required with a service token; with an operation token, when given, it must be the token's */
  provider: z.string().min(1).max(64).optional(),
  method: z.string().min(1).max(16),
  path: z.string().min(1).max(8192),
  query: z.union([z.record(z.string().max(256), queryValue), z.string().max(8192)]).nullish(),
  body: z.unknown().optional(),
  /** with a service token: the intent a call would state (for the flags) */
  intent: z.string().max(256).optional(),
});
export type ExplainInput = z.infer<typeof explainInput>;

/** A live service token, with its owner's connection status for the provider asked about. */
export type ExplainToken = ServiceToken & { connectionStatus: Connection["status"] | null };

export type ExplainSubject =
  | { kind: "operation"; claims: OperationClaims; token: ExplainToken }
  | { kind: "service"; token: ExplainToken };

export type ExplainAnswer = {
  provider: string;
  method: string;
  /** the path relative to the provider's base URL, as /p/{provider} would take it */
  path: string;
  required_scope: RequestScope | null;
  /** the operation token's scope; with a service token, the scope a call would use (null: none granted) */
  token_scope: Scope | null;
  granted_scopes: Scope[];
  allowed: boolean;
  /** why not, as the docs/errors.md#error-codes code /p/ (or the exchange) would answer */
  error: ErrorCode | null;
  error_description: string | null;
  would_hold: boolean;
  needs_approval: boolean;
  rate_limit: { limit: number; remaining: number; reset: number } | null;
  quota: { limit: number; remaining: number; period: "day" | "month"; reset_at: string } | null;
  flags: string[];
  flag_reason: string | null;
};

export type ExplainContext = { db: Database };

type Refusal = { error: ErrorCode; description: string };

/** The request as the proxy would see it, or a 400/404 for input /p/ would refuse outright. */
function describeRequest(provider: string, input: ExplainInput) {
  const spec = isProviderIdShaped(provider) ? resolvedProvider(provider) : undefined;
  if (!spec)
    throw new OkoroError(
      "unknown_provider",
      isProviderIdShaped(provider)
        ? `okoro does not know a provider called "${provider}".`
        : "okoro does not know that provider.",
    );
  const method = input.method.toUpperCase();
  // the path as it follows /p/{provider}/, with or without its leading slash; a query
  // string may ride on it as on a real URL
  let path = input.path.startsWith("/") ? input.path : `/${input.path}`;
  if (path.includes("#")) throw new OkoroError("invalid_request", "The path must not carry a fragment.");
  const query = new URLSearchParams();
  const mark = path.indexOf("?");
  if (mark >= 0) {
    for (const [k, v] of new URLSearchParams(path.slice(mark + 1))) query.append(k, v);
    path = path.slice(0, mark);
  }
  if (typeof input.query === "string") {
    for (const [k, v] of new URLSearchParams(input.query.replace(/^\?/, ""))) query.append(k, v);
  } else if (input.query) {
    for (const [k, v] of Object.entries(input.query)) query.append(k, String(v));
  }
  const search = query.size > 0 ? `?${query}` : "";
  // refused exactly as /p/ refuses a path that would leave the provider's API (400)
  buildUpstreamUrl(parseBaseUrl(spec.baseUrl), path, search);
  const hasBody = input.body !== undefined && input.body !== null;
  if (hasBody && (method === "GET" || method === "HEAD"))
    throw new OkoroError("invalid_request", `A ${method} request takes no body.`);
  const encoded = hasBody ? encodeGenericBody(spec.id, input.body) : {};
  return { spec, method, path, query, search, ...encoded };
}

/**
 * The answer for one request description. Throws OkoroError for input /p/ would refuse
 * before judging it (unknown provider, a path leaving the provider, malformed input) and
 * for the explain limit; everything else is an answer, allowed or not.
 */
export async function explain(ctx: ExplainContext, subject: ExplainSubject, raw: unknown): Promise<ExplainAnswer> {
  const input = explainInput.parse(raw);
  const { token } = subject;
  const provider = subject.kind === "operation" ? (input.provider ?? subject.claims.provider) : input.provider;
  if (!provider) throw new OkoroError("invalid_request", "provider is required when explaining with a service token.");
  const request = describeRequest(provider, input);

  // its own limit, on a counter of its own: the token's rate limit and quota stay untouched
  const hit = await hitWindow(ctx.db, `svc:${token.id}:explain`, EXPLAIN_PER_MINUTE, { kind: "seconds", seconds: 60 });
  if (!hit.allowed) {
    const retry = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
    throw new OkoroError(
      "rate_limited",
      `This service token may explain ${EXPLAIN_PER_MINUTE} requests a minute; retry after ${retry} s.`,
      { headers: { "Retry-After": String(retry) } },
    );
  }

  const classified = ROUTABLE_METHODS.has(request.method)
    ? classifyRequest(request.spec, {
        method: request.method,
        path: request.path,
        query: request.query,
        contentType: request.contentType,
        body: request.body ?? new Uint8Array(0),
      })
    : "method_not_allowed";
  const required = classified === "method_not_allowed" ? null : classified;
  const granted = [...(token.grants[request.spec.id] ?? [])];

  let tokenScope: Scope | null;
  let needsApproval = false;
  const refusals: Refusal[] = [];
  const refuse = (error: ErrorCode, description: string) => refusals.push({ error, description });

  if (subject.kind === "operation") {
    tokenScope = subject.claims.scope;
    if (subject.claims.provider !== request.spec.id)
      refuse("wrong_provider", `This token is for ${subject.claims.provider}, not ${request.spec.id}.`);
  } else {
    // the narrowest scope an exchange (or an MCP tool call) would use: the required one when
    // granted or approvable, else all when granted
    if (!required) tokenScope = null;
    else if (granted.includes(required) || token.approvalScopes.includes(required)) tokenScope = required;
    else tokenScope = grantCovers(granted, required) ? "all" : null;
  }
  if (!required) refuse("method_not_allowed", `${request.method.slice(0, 16)} is not allowed through okoro.`);
  else if (subject.kind === "operation") {
    if (!scopeAllows(tokenScope as Scope, required)) {
      refuse(
        "insufficient_scope",
        `This request needs the ${required} scope; the token has ${tokenScope}. Exchange for a ${required} token.`,
      );
      // the exchange for the scope it needs would wait for a person
      needsApproval = token.approvalScopes.includes(required);
    }
  } else if (!tokenScope) {
    refuse(
      "insufficient_scope",
      `This request needs the ${required} scope on ${request.spec.name}; this service token is not granted it. Ask its owner to grant ${required}.`,
    );
  } else {
    needsApproval = token.approvalScopes.includes(tokenScope);
  }

  if (token.connectionStatus !== "active")
    refuse(
      "not_connected",
      token.connectionStatus
        ? `The ${request.spec.name} connection is ${token.connectionStatus}; its owner must reconnect it.`
        : `${request.spec.name} is not connected for this user.`,
    );

  // read, never counted: the counters as the dashboard shows them
  const usage = (await tokenLimitUsage(ctx.db, [token])).get(token.id);
  const now = Date.now();
  const rate = usage?.rate
    ? {
        limit: usage.rate.limit,
        remaining: Math.max(0, usage.rate.limit - usage.rate.used),
        reset: Math.max(1, Math.ceil((usage.rate.resetAt.getTime() - now) / 1000)),
      }
    : null;
  const quota =
    usage?.quota && token.quotaPeriod
      ? {
          limit: usage.quota.limit,
          remaining: Math.max(0, usage.quota.limit - usage.quota.used),
          period: token.quotaPeriod,
          reset_at: usage.quota.resetAt.toISOString(),
        }
      : null;
  if (rate && rate.remaining === 0)
    refuse(
      "rate_limited",
      `This service token may make ${rate.limit} requests per minute; retry after ${rate.reset} s.`,
    );
  if (quota && quota.remaining === 0)
    refuse(
      "quota_exceeded",
      `This service token's quota of ${quota.limit} requests per ${quota.period} is used up; it resets at ${quota.reset_at}.`,
    );

  const intent = subject.kind === "operation" ? subject.claims.intent : (input.intent ?? null);
  const { flags, flagReason } = flagsFor({
    scope: tokenScope,
    requiredScope: required,
    intent,
    provider: request.spec.id,
    event: "proxy.request",
  });
  const first = refusals[0];
  return {
    provider: request.spec.id,
    method: request.method,
    path: `${request.path}${request.search}`,
    required_scope: required,
    token_scope: tokenScope,
    granted_scopes: granted,
    allowed: !first,
    error: first?.error ?? null,
    error_description: first?.description ?? null,
    would_hold: required ? wouldHold({ token, tokenScope, requiredScope: required }) : false,
    needs_approval: needsApproval,
    rate_limit: rate,
    quota,
    flags,
    flag_reason: flagReason,
  };
}

export type ExplainRequestContext = ExplainContext & {
  ip: string | null;
  /** operation token verification (the proxy's verifier); throws with a string `cause` when invalid */
  verify: (token: string) => Promise<OperationClaims>;
  /** per-address limit on invalid tokens, shared with every other door (lib/failure-limits.ts) */
  failures: Pick<FailureLimiter, "refuse" | "fail">;
};

const invalidToken = () =>
  new OkoroError("invalid_token", "The token is missing, malformed, expired or revoked. Do not retry with it.");

/** Who is asking, from the bearer token: the uniform 401 for anything that does not authenticate. */
/** A bad token: counted per address (past the limit the address gets 429), never audited. */
function refuseToken(ctx: ExplainRequestContext): never {
  ctx.failures.fail(ctx.ip);
  throw invalidToken();
}

async function authenticate(ctx: ExplainRequestContext, presented: string | null, body: unknown) {
  const fail = (): never => refuseToken(ctx);
  if (!presented) return fail();
  const named = typeof body === "object" && body !== null ? (body as { provider?: unknown }).provider : undefined;
  if (presented.startsWith("svc_")) {
    if (!isWellFormedServiceToken(presented)) return fail();
    const provider = typeof named === "string" && isProviderIdShaped(named) ? named : undefined;
    const found = await findServiceTokenByPlaintext(ctx.db, presented, provider);
    if (!found || tokenState(found.token) !== "active" || found.userStatus !== "active") return fail();
    return { kind: "service", token: { ...found.token, connectionStatus: found.connectionStatus } } as const;
  }
  let claims: OperationClaims;
  try {
    claims = await ctx.verify(presented);
  } catch (e) {
    // not a verdict on the token: the keys could not be loaded (database down)
    if (typeof (e as Error).cause !== "string") throw new OkoroError("unavailable");
    return fail();
  }
  const provider = typeof named === "string" && isProviderIdShaped(named) ? named : claims.provider;
  const found = await findServiceTokenForExplain(ctx.db, { tokenId: claims.sub, provider });
  if (!found || tokenState(found.token) !== "active" || found.userStatus !== "active") return fail();
  return {
    kind: "operation",
    claims,
    token: { ...found.token, connectionStatus: found.connectionStatus },
  } as const;
}

/** POST /api/explain as a whole: request in, JSON response out (the route, npm start and tests share it). */
export async function handleExplain(request: Request, ctx: ExplainRequestContext): Promise<Response> {
  try {
    // an address sending invalid tokens past its limit: refused before the body or the token is read
    const throttled = ctx.failures.refuse(ctx.ip);
    if (throttled) {
      await request.body?.cancel().catch(() => {});
      throw throttled;
    }
    const header = request.headers.get("authorization");
    const presented = header ? (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null) : null;
    // no token, or a service token that cannot be one: refused before a byte of the body is
    // read, so a client without a token cannot make okoro wait on or parse its body
    if (!presented || (presented.startsWith("svc_") && !isWellFormedServiceToken(presented))) {
      await request.body?.cancel().catch(() => {});
      refuseToken(ctx);
    }
    let body: unknown;
    try {
      body = await readBoundedJson(request);
    } catch (e) {
      if (e instanceof OkoroError && e.code === "payload_too_large") throw e;
      throw new OkoroError("invalid_request", "The body must be JSON: { method, path, query?, body? }.");
    }
    const subject = await authenticate(ctx, presented, body);
    const answer = await explain(ctx, subject, body);
    return Response.json(answer, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, { context: "explain" });
  }
}
