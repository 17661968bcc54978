// One MCP tool call, run as what it stands for: an exchange (lib/exchange.ts decides and
// audits it, with the narrowest granted scope that covers the request) followed by the
// proxied request in this process (the MCP runtime's proxy handler: limits, "no audit, no
// call", credential injection, scrubbing). The proxy's answer becomes the tool result: the
// status and body, or an isError result starting with okoro's error code. Refusals are
// never JSON-RPC errors and never carry a stack.
import "server-only";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { appendAudit } from "@/lib/audit/append";
import { OkoroError, asOkoroError } from "@/lib/errors";
import { explain } from "@/lib/explain";
import {
  decideExchange,
  issueInProcess,
  type AuthenticatedToken,
  type ExchangeBody,
  type ExchangeContext,
} from "@/lib/exchange";
import { mcpAuditTag } from "@/lib/mcp/audit-tag";
import type { McpRuntime } from "@/lib/mcp/runtime";
import {
  buildCuratedRequest,
  buildGenericRequest,
  checkCuratedArgs,
  intentOf,
  type BuiltRequest,
} from "@/lib/mcp/tool-request";
import { resolveTool, type ResolvedTool } from "@/lib/mcp/tools";
import { classifyRequest } from "@/lib/providers/classify";
import type { ProviderSpec } from "@/lib/providers/types";
import type { ProxyAnswer, ProxyRequest } from "@/lib/proxy/handler";
import type { HeaderReader } from "@/lib/proxy/headers";
import { assertSafePath } from "@/lib/proxy/upstream-url";
import type { RequestScope, Scope } from "@/lib/scopes";
import { sanitizeIntent } from "@/lib/tokens/operation-token";

/** Tool results carry at most this much of a body; the rest is counted and noted. */
export const RESULT_BODY_LIMIT = 100 * 1024;
/** In-process claims need only outlive the one request they are minted for. */
const TOOL_CALL_TTL = 60;

export type ToolCaller = {
  runtime: McpRuntime;
  /** the service token, with its owner's connection status for the tool's provider */
  token: AuthenticatedToken;
  /**
   * Set when `token` is a lookup reused from the last second (lib/mcp/token-cache.ts):
   * looks the token up in the database again. The proxy's trip re-checks the token for a
   * call that reaches it; every other answer — a refusal, an approval — asks this first.
   */
  recheck?: () => Promise<AuthenticatedToken>;
  ip: string | null;
  userAgent: string | null;
  signal: AbortSignal;
};

/**
 * The service token itself was refused while a tool call ran (revoked, expired, its user
 * disabled, or too many failures from the address): not a tool result but the same answer
 * a failed authentication gets.
 */
export class TokenRefused extends Error {
  constructor(readonly error: OkoroError) {
    super(error.code);
  }
}

const text = (value: string, isError = false): CallToolResult => ({
  content: [{ type: "text", text: value }],
  ...(isError ? { isError: true } : {}),
});

/** A refusal as a tool result: okoro's error code first, then what to do about it. */
export function refusalResult(error: OkoroError, url: string): CallToolResult {
  let description = error.description;
  if (error.code === "not_connected") description += ` Connect it at ${url}/dashboard/connections.`;
  return text(`${error.code}: ${description}`, true);
}

export async function callTool(
  caller: ToolCaller,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const { runtime } = caller;
  let { token } = caller;
  const { recheck } = caller;
  let fresh = !recheck;
  /** the token as the database has it now, when it came from the last second's lookup */
  const confirm = async () => {
    if (fresh || !recheck) return;
    try {
      token = await recheck();
    } catch (e) {
      throw new TokenRefused(asOkoroError(e, "mcp authentication"));
    }
    fresh = true;
  };
  const url = runtime.env.url;
  const tool = resolveTool(name);
  const tag = mcpAuditTag(name);
  /** a call refused before any exchange: audited as the exchange would audit it */
  const refuse = async (
    error: OkoroError,
    fields: { provider?: string; requiredScope?: RequestScope; intent?: string; request?: BuiltRequest } = {},
  ) => {
    await confirm();
    await appendAudit(runtime.db, {
      event: "token.denied",
      userId: token.userId,
      agent: token.name,
      serviceTokenId: token.id,
      provider: fields.provider ?? null,
      scope: fields.requiredScope ?? null,
      requiredScope: fields.requiredScope ?? null,
      intent: fields.intent ? sanitizeIntent(fields.intent) : null,
      method: fields.request?.method ?? null,
      path: fields.request?.path ?? null,
      outcome: "denied",
      error: error.code,
      status: error.status,
      ip: caller.ip,
      userAgent: caller.userAgent,
      ...tag,
    });
    return refusalResult(error, url);
  };

  if (!tool)
    return refuse(
      new OkoroError("invalid_request", `There is no tool called "${name.slice(0, 64)}". List the tools to see yours.`),
    );
  if (tool.kind === "explain") {
    // asked of the token as the database has it now: nothing else re-checks it for explain
    await confirm();
    return explainTool(runtime, token, args);
  }
  const provider = tool.provider;

  let request: BuiltRequest;
  let intent: string;
  try {
    request = buildRequest(tool, args);
    intent =
      sanitizeIntent(intentOf(args, tool.kind === "curated" ? tool.tool.title : name)) ||
      (tool.kind === "curated" ? tool.tool.title : name);
    assertSafePath(request.path);
  } catch (e) {
    return refuse(asOkoroError(e, "mcp tool arguments"), {
      provider: provider.id,
      intent: typeof args.intent === "string" ? args.intent : undefined,
    });
  }

  const required = classify(provider, request);
  if (required === "method_not_allowed")
    return refuse(new OkoroError("method_not_allowed", `${request.method} is not allowed through okoro.`), {
      provider: provider.id,
      intent,
      request,
    });
  let scope = narrowestScope(token, provider.id, required);
  // a grant only ever widens in place: a reused lookup may be too narrow, never too wide
  if (!scope && !fresh) {
    await confirm();
    scope = narrowestScope(token, provider.id, required);
  }
  // a person is asked only on behalf of a token the database has just confirmed
  if (scope && token.approvalScopes.includes(scope)) await confirm();
  if (!scope) {
    return refuse(
      new OkoroError(
        "insufficient_scope",
        `This request needs the ${required} scope on ${provider.name}; this service token is not granted it. Ask its owner to grant ${required}.`,
      ),
      { provider: provider.id, requiredScope: required, intent, request },
    );
  }

  const exchangeCtx: ExchangeContext = {
    db: runtime.db,
    url,
    ip: caller.ip,
    userAgent: caller.userAgent,
    auditTag: tag,
    // a tool call cannot poll: calling again collects the approval (docs/mcp.md#approvals)
    collectOnRepeat: true,
  };
  const body: ExchangeBody = {
    provider: provider.id,
    scope,
    intent,
    reason: scope === "all" ? `MCP tool ${name}: the grant holds all, not ${required}` : undefined,
    ttl: TOOL_CALL_TTL,
    single_use: false,
    request_approval: false,
  };
  let issued: Awaited<ReturnType<typeof issueInProcess>>;
  try {
    const decided = await decideExchange(exchangeCtx, token, body, runtime.approvals, issueInProcess);
    if (decided.status === 202) {
      return text(
        `approval_required: A person must approve ${scope} on ${provider.name} for this service token first: ${String(decided.body.approval_url)} — call the tool again with the same intent once it is approved (each approval runs one call). Calling again before then shows this same request.`,
        true,
      );
    }
    issued = decided.issued;
  } catch (e) {
    return refusalResult(asOkoroError(e, "mcp exchange"), url);
  }

  const { claims } = issued;
  runtime.inFlight.set(claims.jti, { claims, tool: name });
  try {
    const answer = await runtime.proxy.answer(proxyRequest(provider.id, request, claims.jti, caller), {
      ip: caller.ip,
    });
    return await toolResult(answer, provider, url);
  } finally {
    runtime.inFlight.delete(claims.jti);
    await issued.audited.catch((e) =>
      console.error("[okoro] could not audit an MCP token issue:", (e as Error).message),
    );
  }
}

function buildRequest(tool: Exclude<ResolvedTool, { kind: "explain" }>, args: Record<string, unknown>): BuiltRequest {
  if (tool.kind === "generic") return buildGenericRequest(tool.provider.id, args);
  checkCuratedArgs(tool.tool, args);
  return buildCuratedRequest(tool.tool, args);
}

function classify(provider: ProviderSpec, request: BuiltRequest) {
  return classifyRequest(provider, {
    method: request.method,
    path: request.path,
    query: new URLSearchParams(request.search),
    contentType: request.contentType,
    body: request.body ?? new Uint8Array(0),
  });
}

/** The scope itself when granted, else `all` when that is granted, else none. */
function narrowestScope(token: AuthenticatedToken, provider: string, required: RequestScope): Scope | null {
  const granted = token.grants[provider] ?? [];
  if (granted.includes(required) || token.approvalScopes.includes(required)) return required;
  return granted.includes("all") ? "all" : null;
}

class FixedHeaders implements HeaderReader {
  constructor(private readonly values: Record<string, string>) {}
  get(name: string): string | null {
    return this.values[name.toLowerCase()] ?? null;
  }
  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of Object.entries(this.values)) fn(value, name);
  }
}

function proxyRequest(provider: string, request: BuiltRequest, handle: string, caller: ToolCaller): ProxyRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${handle}`, accept: "application/json" };
  if (caller.userAgent) headers["user-agent"] = caller.userAgent;
  if (request.body) {
    headers["content-type"] = request.contentType ?? "application/json";
    headers["content-length"] = String(request.body.byteLength);
  }
  const bytes = request.body;
  return {
    url: `http://okoro.invalid/p/${provider}${request.path}${request.search}`,
    method: request.method,
    headers: new FixedHeaders(headers),
    body: bytes
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
            controller.close();
          },
        })
      : null,
    signal: caller.signal,
  };
}

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript|yaml|x-ndjson)\b)/i;

/** The proxy's answer as a tool result. */
async function toolResult(answer: ProxyAnswer, provider: ProviderSpec, url: string): Promise<CallToolResult> {
  const header = (name: string) => answer.headers.find(([n]) => n === name)?.[1];
  const refusal = header("okoro-error");
  const { bytes, total } = await readCapped(answer.body);
  if (header("okoro-held") === "1") {
    // docs/agent-api.md#held-requests: a person approves this exact request first
    const held = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return text(
      `approval_required: This request to ${provider.name} is held until a person approves it exactly as sent: ${String(held.approval_url)} — okoro sends it once after approval. Poll ${String(held.poll_url)} with the token you call okoro's MCP server with (svc_… or oat_…) for the provider's answer (approval_id ${String(held.approval_id)}, digest ${String(held.digest)}).`,
      true,
    );
  }
  if (refusal) {
    let description = "";
    try {
      description =
        (JSON.parse(new TextDecoder().decode(bytes)) as { error_description?: string }).error_description ?? "";
    } catch {
      // okoro's own refusals are JSON; keep the code alone if not
    }
    // the proxy found the token revoked or expired, or its user disabled
    if (refusal === "invalid_token") throw new TokenRefused(new OkoroError("invalid_token"));
    return refusalResult(new OkoroError(refusal as never, description || undefined), url);
  }
  const contentType = header("content-type") ?? "";
  let shown: string;
  if (total === 0) shown = "(no body)";
  else if (contentType && !TEXTUAL.test(contentType)) shown = `(a binary body: ${contentType}, ${total} bytes)`;
  else {
    const raw = new TextDecoder().decode(bytes);
    shown = raw;
    if (total <= RESULT_BODY_LIMIT && /json/i.test(contentType)) {
      try {
        shown = JSON.stringify(JSON.parse(raw), null, 2);
      } catch {
        // not JSON after all: shown as sent
      }
    }
    if (total > RESULT_BODY_LIMIT)
      shown += `\n\n[okoro: the body was cut at ${RESULT_BODY_LIMIT / 1024} KB; it had ${total} bytes. Ask for less, e.g. with paging or fields.]`;
  }
  const status = `HTTP ${answer.status}${contentType ? ` (${contentType})` : ""}`;
  if (answer.status >= 400) return text(`upstream_error: ${provider.name} answered ${status}\n\n${shown}`, true);
  return text(`${status}\n\n${shown}`);
}

/** The body's first RESULT_BODY_LIMIT bytes, and how many there were in all. */
async function readCapped(body: ProxyAnswer["body"]): Promise<{ bytes: Uint8Array; total: number }> {
  if (body === null) return { bytes: new Uint8Array(0), total: 0 };
  if (typeof body === "string") {
    const bytes = new TextEncoder().encode(body);
    return { bytes: bytes.subarray(0, RESULT_BODY_LIMIT), total: bytes.byteLength };
  }
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  for (;;) {
    const chunk = await body.read();
    if (!chunk) break;
    total += chunk.byteLength;
    if (kept < RESULT_BODY_LIMIT) {
      const part = chunk.subarray(0, RESULT_BODY_LIMIT - kept);
      chunks.push(part);
      kept += part.byteLength;
    }
  }
  return { bytes: Buffer.concat(chunks), total };
}

/** okoro_explain: the answer POST /api/explain gives a service token (lib/explain.ts): nothing sent, counted or audited. */
async function explainTool(
  runtime: McpRuntime,
  token: AuthenticatedToken,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  try {
    return text(JSON.stringify(await explain({ db: runtime.db }, { kind: "service", token }, args), null, 2));
  } catch (e) {
    return refusalResult(asOkoroError(e, "okoro_explain"), runtime.env.url);
  }
}
