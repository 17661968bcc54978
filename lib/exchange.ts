// Token exchange (docs/agent-api.md#exchange): a service token becomes a short-lived operation token for
// one provider, one scope and a stated intent. Accepts our JSON body and the RFC 8693
// token-exchange form. Every exchange, granted or refused, is audited.
import "server-only";
import { z } from "zod";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { touchServiceTokenLastUsed } from "@/db/queries/service-tokens";
import { findServiceTokenByPlaintext, tokenState } from "@/lib/tokens/service-tokens";
import type { Connection, ServiceToken } from "@/db/schema";
import { appendAudit, type AuditInput } from "@/lib/audit/append";
import { flagsFor } from "@/lib/audit/flags";
import { OkoroError, errorResponse } from "@/lib/errors";
import { stripControlCharacters } from "@/lib/audit/redact";
import { addressBucket } from "@/lib/http/address-bucket";
import { readBoundedJson, readBoundedText } from "@/lib/http/bounded-body";
import type { FailureLimiter } from "@/lib/http/failure-limiter";
import { notifyLater } from "@/lib/notify/deliver";
import { getProvider } from "@/lib/providers/catalog";
import { isProviderIdShaped } from "@/lib/providers/provider-id";
import { grantCovers, SCOPES, type Scope } from "@/lib/scopes";
import {
  mintOperationToken,
  operationClaims,
  sanitizeIntent,
  type MintInput,
  type OperationClaims,
} from "@/lib/tokens/operation-token";
import { isWellFormedServiceToken } from "@/lib/tokens/service-token";
import { getCurrentSigningKey } from "@/lib/tokens/signing-keys";

export const DEFAULT_TTL = 300;
export const ALL_SCOPE_TTL_CAP = 60;
/**
 * Per address and minute: well-formed tokens that do not authenticate, counted in the
 * database so every app process shares it — the same 100 a minute each process's own
 * limiter allows (docs/security.md#invalid-tokens-per-address).
 */
export const BAD_EXCHANGE_LIMIT = 100;
const LAST_USED_EVERY_MS = 60_000;

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const SERVICE_TOKEN_TYPE = "urn:okoro:params:token-type:service-token";

const exchangeBody = z.object({
  provider: z.string().min(1).max(64),
  scope: z.enum(SCOPES),
  intent: z
    .string()
    .transform(sanitizeIntent)
    .pipe(z.string().min(1, "intent must say why (1–256 characters)").max(256)),
  // what an agent writes is stored and shown: never a control character or half a surrogate pair
  reason: z.string().max(1024).transform(stripControlCharacters).optional(),
  ttl: z.number().int().optional(),
  single_use: z.boolean().optional().default(false),
  request_approval: z.boolean().optional().default(false),
});
export type ExchangeBody = z.infer<typeof exchangeBody>;

const formBody = z.object({
  grant_type: z.literal(TOKEN_EXCHANGE_GRANT),
  subject_token: z.string(),
  subject_token_type: z.literal(SERVICE_TOKEN_TYPE),
  resource: z.string(),
  scope: z.string(),
  intent: z.string(),
  reason: z.string().optional(),
  ttl: z.string().regex(/^\d+$/).transform(Number).optional(),
  single_use: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});

export type ParsedExchange = { serviceToken: string | null; body: ExchangeBody };

/** Reads either request shape; the service token comes from the header or the form. */
export async function parseExchangeRequest(request: Request): Promise<ParsedExchange> {
  const contentType = request.headers.get("content-type") ?? "";
  const header = request.headers.get("authorization");
  const fromHeader = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  let raw: unknown;
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const form = Object.fromEntries(new URLSearchParams(await readBoundedText(request)));
    const parsed = formBody.parse(form);
    return {
      serviceToken: parsed.subject_token || fromHeader || null,
      body: exchangeBody.parse({
        provider: parsed.resource,
        scope: parsed.scope,
        intent: parsed.intent,
        reason: parsed.reason,
        ttl: parsed.ttl,
        single_use: parsed.single_use,
      }),
    };
  }
  try {
    raw = await readBoundedJson(request);
  } catch (e) {
    if (e instanceof OkoroError && e.code === "payload_too_large") throw e;
    throw new OkoroError("invalid_request", "The body must be JSON (or an RFC 8693 form).");
  }
  return { serviceToken: fromHeader || null, body: exchangeBody.parse(raw) };
}

export type ExchangeContext = {
  db: Database;
  url: string;
  ip: string | null;
  userAgent: string | null;
  /** fields every audit event of this exchange carries besides its own (an MCP call's `via` and `tool`) */
  auditTag?: Partial<AuditInput>;
  /** per-address limit on invalid tokens, shared with the proxy (lib/failure-limits.ts) */
  failures?: Pick<FailureLimiter, "refuse" | "fail">;
  /**
   * The caller cannot poll an approval by id, it asks again (an MCP tool call): a repeat
   * collects an approved request of the same token, provider, scope and intent, or is
   * shown the same pending one (docs/mcp.md#approvals).
   */
  collectOnRepeat?: boolean;
};

export type ExchangeResult =
  | { status: 200; body: Record<string, unknown> }
  | { status: 202; body: Record<string, unknown> };

/**
 * A person's yes, claimed by a repeated request (`collectOnRepeat`): the exchange issues
 * what the approval stands for; `release` gives the claim back when nothing was issued.
 */
export type CollectedApproval = { status: "approved"; body: ExchangeBody; release: () => Promise<void> };

/**
 * Seam for the approval flow: returns a 202 body when the exchange must wait for a person,
 * or the approval it collected.
 */
export type ApprovalGate = (args: {
  token: AuthenticatedToken;
  body: ExchangeBody;
  granted: boolean;
  ctx: ExchangeContext;
}) => Promise<Extract<ExchangeResult, { status: 202 }> | CollectedApproval | null>;

/** A live service token, with its owner's connection status for the provider asked about. */
export type AuthenticatedToken = ServiceToken & { connectionStatus: Connection["status"] | null };

/**
 * The uniform 401 for a token that does not authenticate, counting the attempt per address
 * (and refusing with 429 past the limit every instance shares). Shared by every kind of
 * token an agent may present: service tokens here, OAuth access tokens at /mcp.
 */
export async function refuseAuthentication(
  ctx: ExchangeContext,
  cause: string,
  userId: string | null,
  token?: ServiceToken,
  options: { wellFormed?: boolean } = {},
): Promise<never> {
  // past the per-process limit the failure is only counted, into one summary a minute
  const auditIt = ctx.failures ? ctx.failures.fail(ctx.ip) : true;
  // a well-formed token that did not authenticate also counts against the limit every
  // instance shares (an IPv6 client by its /64, no address: one bucket); garbage, refused
  // by its format and checksum, never reaches the limit table
  const hit =
    options.wellFormed === false
      ? undefined
      : await hitWindow(ctx.db, `ip:bad-exchange:${addressBucket(ctx.ip)}`, BAD_EXCHANGE_LIMIT, {
          kind: "seconds",
          seconds: 60,
        });
  if (hit && !hit.allowed) {
    const retry = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
    throw new OkoroError(
      "rate_limited",
      `Too many exchanges with invalid tokens from this address; retry after ${retry} s.`,
      { headers: { "Retry-After": String(retry) } },
    );
  }
  if (auditIt)
    await audit(ctx, {
      event: "token.denied",
      userId,
      serviceTokenId: token?.id ?? null,
      agent: token?.name ?? null,
      outcome: "denied",
      error: "invalid_token",
      reason: cause,
      status: 401,
    });
  throw new OkoroError(
    "invalid_token",
    "The service token is missing, malformed, revoked or expired. Do not retry with it.",
  );
}

/** Resolves the token or throws the uniform 401, counting bad attempts per IP. */
export async function authenticateServiceToken(
  ctx: ExchangeContext,
  presented: string | null,
  provider?: string,
): Promise<AuthenticatedToken> {
  const fail = (cause: string, userId: string | null, token?: ServiceToken) =>
    refuseAuthentication(ctx, cause, userId, token);
  // format and checksum first: garbage never reaches the database
  if (!presented || !isWellFormedServiceToken(presented))
    return refuseAuthentication(ctx, presented ? "malformed service token" : "no service token", null, undefined, {
      wellFormed: false,
    });
  const found = await findServiceTokenByPlaintext(ctx.db, presented, provider);
  if (!found) return fail("unknown service token", null);
  const state = tokenState(found.token);
  if (state !== "active") return fail(`service token ${state}`, found.token.userId, found.token);
  if (found.userStatus !== "active") return fail("user disabled", found.token.userId, found.token);
  return { ...found.token, connectionStatus: found.connectionStatus };
}

async function audit(ctx: ExchangeContext, event: AuditInput, options?: { defer?: boolean }) {
  await appendAudit(ctx.db, { ip: ctx.ip, userAgent: ctx.userAgent, ...event, ...ctx.auditTag }, options);
}

/**
 * The audit fields every event about one exchange request shares — who asked, for what,
 * why — with its docs/audit.md#audit-log flags, which judge the scope asked for whatever the outcome.
 */
export function exchangeAuditFields(
  token: ServiceToken,
  body: ExchangeBody,
  event: "token.issued" | "token.denied" | "approval.requested",
) {
  return {
    event,
    userId: token.userId,
    agent: token.name,
    serviceTokenId: token.id,
    provider: body.provider,
    scope: body.scope,
    intent: body.intent,
    reason: body.reason ?? null,
    ...flagsFor({ scope: body.scope, intent: body.intent, provider: body.provider, event }),
  } satisfies AuditInput;
}

/** Audits a refused exchange of a known token (token.denied) and throws the refusal. */
export async function refuseExchange(
  ctx: ExchangeContext,
  token: ServiceToken,
  body: ExchangeBody,
  error: OkoroError,
): Promise<never> {
  await audit(ctx, {
    ...exchangeAuditFields(token, body, "token.denied"),
    outcome: "denied",
    error: error.code,
    status: error.status,
  });
  throw error;
}

export async function exchange(
  ctx: ExchangeContext,
  parsed: ParsedExchange,
  approvals?: ApprovalGate,
): Promise<ExchangeResult> {
  // Provider text that cannot be a catalog id goes no further than the shape check: not
  // into the token lookup (which reads the connection by provider) nor anywhere else. The
  // token is still authenticated so that the refusal is logged on its owner's chain.
  const shaped = isProviderIdShaped(parsed.body.provider);
  const token = await authenticateServiceToken(ctx, parsed.serviceToken, shaped ? parsed.body.provider : undefined);
  const decided = await decideExchange(ctx, token, parsed.body, approvals, issue);
  return decided.status === 200 ? { status: 200, body: decided.issued } : decided;
}

/**
 * The exchange once its service token is known: provider, reason, ttl, approvals, grant
 * and connection, each refusal audited; then `hand` issues what the caller needs — the
 * signed token for /api/token (issue), claims for a call okoro runs in-process (an MCP tool).
 */
export async function decideExchange<T>(
  ctx: ExchangeContext,
  token: AuthenticatedToken,
  body: ExchangeBody,
  approvals: ApprovalGate | undefined,
  hand: (ctx: ExchangeContext, token: ServiceToken, body: ExchangeBody) => Promise<T>,
): Promise<{ status: 200; issued: T } | { status: 202; body: Record<string, unknown> }> {
  const refuse = (error: OkoroError) => refuseExchange(ctx, token, body, error);
  if (!isProviderIdShaped(body.provider))
    return refuse(
      new OkoroError(
        "invalid_request",
        'provider must be a catalog id: lower-case letters, digits and dashes, e.g. "github".',
      ),
    );

  const provider = getProvider(body.provider);
  if (!provider)
    return refuse(new OkoroError("unknown_provider", `okoro does not know a provider called "${body.provider}".`));
  if (body.scope === "all" && (body.reason ?? "").trim().length < 10) {
    return refuse(
      new OkoroError(
        "reason_required",
        "Scope all needs a reason of at least 10 characters saying why nothing narrower will do.",
      ),
    );
  }
  if (body.ttl !== undefined && body.ttl < 10)
    return refuse(new OkoroError("invalid_request", "ttl must be at least 10 seconds."));

  const granted = grantCovers(token.grants[body.provider], body.scope);
  if (approvals) {
    const gated = await approvals({ token, body, granted, ctx });
    if (gated?.status === 202) return gated;
    // approved by a person (the gate checked the connection first): what they approved
    if (gated) {
      try {
        return { status: 200, issued: await hand(ctx, token, gated.body) };
      } catch (e) {
        await gated.release().catch(() => {});
        throw e;
      }
    }
  }
  if (!granted) {
    return refuse(
      new OkoroError(
        "scope_not_granted",
        `This service token is not granted ${body.scope} on ${provider.name}. Ask its owner, or set "request_approval": true to ask for it.`,
      ),
    );
  }
  const connection = token.connectionStatus;
  if (connection !== "active") {
    return refuse(
      new OkoroError(
        "not_connected",
        connection
          ? `The ${provider.name} connection is ${connection}; its owner must reconnect it.`
          : `${provider.name} is not connected for this user.`,
      ),
    );
  }

  return { status: 200, issued: await hand(ctx, token, body) };
}

/** Mints the operation token and audits token.issued (also used when an approval is granted). */
export async function issue(
  ctx: ExchangeContext,
  token: ServiceToken,
  body: ExchangeBody,
): Promise<Record<string, unknown>> {
  const { ttl, input } = mintInput(token, body);
  const key = await getCurrentSigningKey(ctx.db);
  const minted = await mintOperationToken(key, input);
  touchLastUsed(ctx, token);
  await audit(ctx, issuedEvent(token, body, minted.jti));
  notifyAllScope(ctx, token, body, minted.jti);
  return {
    access_token: minted.token,
    token_type: "Bearer",
    expires_in: ttl,
    issued_token_type: "urn:ietf:params:oauth:token-type:jwt",
    provider: body.provider,
    scope: body.scope,
    jti: minted.jti,
    proxy_url: `${ctx.url}/p/${body.provider}`,
  };
}

/**
 * Issues claims for a call okoro makes itself, in this process (an MCP tool call): the
 * same checks, TTL and token.issued event as issue(), without a signature nobody would
 * verify. token.issued is queued, not awaited: it rides the proxy's own audit round trip
 * that follows at once, and `audited` settles when it is durable.
 */
export async function issueInProcess(
  ctx: ExchangeContext,
  token: ServiceToken,
  body: ExchangeBody,
): Promise<{ claims: OperationClaims; audited: Promise<void> }> {
  const { input } = mintInput(token, body);
  const claims = operationClaims(input, { issuer: ctx.url });
  touchLastUsed(ctx, token);
  notifyAllScope(ctx, token, body, claims.jti);
  return { claims, audited: audit(ctx, issuedEvent(token, body, claims.jti), { defer: true }) };
}

function mintInput(token: ServiceToken, body: ExchangeBody): { ttl: number; input: MintInput } {
  const cap = body.scope === "all" ? Math.min(ALL_SCOPE_TTL_CAP, token.maxTtl) : token.maxTtl;
  const ttl = Math.min(body.ttl ?? DEFAULT_TTL, cap);
  return {
    ttl,
    input: {
      serviceTokenId: token.id,
      provider: body.provider,
      scope: body.scope as Scope,
      intent: body.intent,
      reason: body.scope === "all" ? body.reason : undefined,
      agent: token.name,
      ttl,
      once: body.single_use,
    },
  };
}

/**
 * "Last used" for the dashboard, at most once a minute, off the response's path; the
 * lookup already read it, so a busy agent's exchanges skip the round trip altogether.
 */
function touchLastUsed(ctx: ExchangeContext, token: ServiceToken) {
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    void touchServiceTokenLastUsed(ctx.db, token.id).catch(() => {});
  }
}

/**
 * Every `all` token is flagged in the audit log; its owner also hears of it on their
 * notification channels (docs/dashboard.md#notifications), after the answer is sent.
 */
function notifyAllScope(ctx: ExchangeContext, token: ServiceToken, body: ExchangeBody, jti: string) {
  if (body.scope !== "all") return;
  notifyLater(ctx.db, token.userId, {
    kind: "all_scope.used",
    agent: token.name,
    serviceTokenId: token.id,
    provider: body.provider,
    intent: body.intent,
    reason: body.reason ?? null,
    jti,
  });
}

function issuedEvent(token: ServiceToken, body: ExchangeBody, jti: string): AuditInput {
  return {
    ...exchangeAuditFields(token, body, "token.issued"),
    jti,
    // the token carries a reason only for scope all
    reason: body.scope === "all" ? (body.reason ?? null) : null,
    outcome: "allowed",
    status: 200,
  };
}

/** POST /api/token as a whole: request in, JSON response out (the route and tests share it). */
export async function handleExchange(
  request: Request,
  ctx: ExchangeContext,
  approvals?: ApprovalGate,
): Promise<Response> {
  try {
    // an address sending invalid tokens past its limit: refused before the body or the token is read
    const throttled = ctx.failures?.refuse(ctx.ip);
    if (throttled) {
      await request.body?.cancel().catch(() => {});
      throw throttled;
    }
    const parsed = await parseExchangeRequest(request);
    const result = await exchange(ctx, parsed, approvals);
    return Response.json(result.body, { status: result.status, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, { context: "token exchange" });
  }
}
