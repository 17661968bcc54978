// POST /mcp: okoro as a stateless Streamable HTTP MCP server, on the official SDK. Each
// request authenticates its service token (Bearer svc_…) or OAuth access token (Bearer
// oat_…, lib/oauth/access.ts) before its body is parsed, gets a
// fresh SDK Server and transport (stateless: nothing is kept between requests, so a client
// that sends Mcp-Session-Id works too), and is answered with JSON. tools/list comes from the
// token's grant and the owner's connections; tools/call runs lib/mcp/call.ts. A plain
// tools/call, the hot path, is answered without the SDK's machinery (plainToolCall).
import "server-only";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { listConnections } from "@/db/queries/connections";
import { OkoroError, asOkoroError } from "@/lib/errors";
import { authenticateServiceToken, type ApprovalGate } from "@/lib/exchange";
import { getFailureLimiter } from "@/lib/failure-limits";
import type { FailureLimiter } from "@/lib/http/failure-limiter";
import { callTool, TokenRefused } from "@/lib/mcp/call";
import { authenticateAccessToken } from "@/lib/oauth/access";
import { isAccessTokenShaped } from "@/lib/oauth/secrets";
import type { McpRuntime } from "@/lib/mcp/runtime";
import { protectedResourceMetadataUrl } from "@/lib/mcp/metadata";
import { EXPLAIN_TOOL, listTools, toolProvider } from "@/lib/mcp/tools";
import { isProviderIdShaped } from "@/lib/providers/provider-id";
import { resolvedProvider } from "@/lib/providers/catalog";
import { hashServiceToken, isWellFormedServiceToken } from "@/lib/tokens/service-token";

const SERVER_INFO = { name: "okoro", title: "okoro", version: "0.1.0" };
const INSTRUCTIONS =
  "Tools act on the accounts this service token's owner connected to okoro, within its grant: a tool you do not see is not granted. " +
  "Give each call an intent (why you make it): a person reads it in the audit log. A result starting with an error code (insufficient_scope, not_connected, rate_limited, …) is okoro's refusal; nothing was sent.";
/** JSON-RPC framing on top of the largest body a tool call may carry */
const FRAMING_BYTES = 64 * 1024;
/** what /mcp reads of a body before it knows the token is real (the JSON endpoints' cap) */
const UNAUTHENTICATED_BODY_BYTES = 64 * 1024;

// the SDK validates elicitation answers with it; okoro elicits nothing, so the default Ajv
// instance (costly to build per request) is not needed
const NO_VALIDATION: jsonSchemaValidator = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

/**
 * okoro's own JSON answer, before it becomes a web Response: a Node server writes its text
 * to the socket as it is (lib/serve/mcp-node.ts) — building a Response and reading its
 * body stream back cost a tool call about a tenth of what the proxy itself costs.
 */
export type McpJsonReply = { status: number; headers: Record<string, string>; text: string };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): McpJsonReply => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  text: JSON.stringify(body),
});

const toResponse = (reply: Response | McpJsonReply): Response =>
  reply instanceof Response ? reply : new Response(reply.text, { status: reply.status, headers: reply.headers });

/**
 * What /mcp reads of a request. A web Request is one (the Next route); the Node server
 * passes a lighter view of its request and builds a web Request only for the messages the
 * SDK's transport answers (`toWeb`, called once the body has been read: the transport is
 * handed the parsed message, so the Request needs no body).
 */
export type McpHttpRequest = {
  method: string;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
  signal: AbortSignal;
  toWeb(): Request;
};

function fromWebRequest(request: Request): McpHttpRequest {
  return {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    toWeb: () => request,
  };
}

const rpcError = (status: number, code: number, message: string) =>
  json(status, { jsonrpc: "2.0", id: null, error: { code, message } });

/**
 * Every refusal of an unauthenticated /mcp request goes through here: the one place to
 * count failures per client address.
 */
function unauthenticated(url: string, error: OkoroError, presented: boolean): McpJsonReply {
  if (error.code !== "invalid_token")
    return json(error.status, error.toJSON(), { ...error.headers, "okoro-error": error.code });
  const challenge = `Bearer resource_metadata="${protectedResourceMetadataUrl(url)}"${presented ? ', error="invalid_token"' : ""}`;
  return json(401, error.toJSON(), { "www-authenticate": challenge, "okoro-error": "invalid_token" });
}

/**
 * The body, refusing more than `max` bytes as soon as it passes them. Past the first
 * `unauthenticatedMax` bytes (or when the declared length is past them) the caller's
 * token is checked before anything more is read: a made-up token buys at most that much
 * reading, as at every other endpoint a client can reach without authenticating.
 */
async function readBounded(
  request: McpHttpRequest,
  limits: { max: number; unauthenticatedMax: number; authenticate: () => Promise<void> },
): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limits.max) return null;
  let authenticated = false;
  const authenticate = async () => {
    if (authenticated) return;
    authenticated = true;
    await limits.authenticate();
  };
  if (declared > limits.unauthenticatedMax) await authenticate();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.max) {
        await reader.cancel().catch(() => {});
        return null;
      }
      if (total > limits.unauthenticatedMax) await authenticate();
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
  return Buffer.concat(chunks).toString("utf8");
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A lone tools/call that the SDK's transport and Server would take as it is, answered
 * without them. Building a Server and transport and validating the message, the request
 * and the result against the SDK's schemas cost a tool call about as much CPU as the rest
 * of the call; for this one shape the checks are few and are made here: the transport's
 * Accept, Content-Type and protocol-version rules, and a JSON-RPC request whose params are
 * a tool name and an arguments object. Anything else (initialize, tools/list, _meta,
 * tasks, batches, a malformed request) goes to the SDK, which answers it as it always has.
 */
function plainToolCall(
  request: McpHttpRequest,
  message: unknown,
): { id: string | number; name: string; args: Record<string, unknown> } | null {
  const accept = request.headers.get("accept") ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) return null;
  const contentType = request.headers.get("content-type");
  if (contentType?.split(";")[0].trim().toLowerCase() !== "application/json") return null;
  const version = request.headers.get("mcp-protocol-version");
  if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return null;
  if (
    !isRecord(message) ||
    message.jsonrpc !== "2.0" ||
    message.method !== "tools/call" ||
    Object.keys(message).length !== 4
  )
    return null;
  const { id, params } = message;
  if (typeof id !== "string" && !(typeof id === "number" && Number.isSafeInteger(id))) return null;
  if (!isRecord(params) || typeof params.name !== "string") return null;
  const keys = Object.keys(params);
  if (!keys.every((k) => k === "name" || k === "arguments")) return null;
  if (params.arguments !== undefined && !isRecord(params.arguments)) return null;
  return { id, name: params.name, args: (params.arguments as Record<string, unknown> | undefined) ?? {} };
}

/** The provider a lone tools/call names, so the token lookup can read its connection too. */
function calledProvider(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return undefined;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  if (method !== "tools/call" || typeof params?.name !== "string") return undefined;
  // okoro_explain acts on no provider of its own: the one it is asked about is read instead
  if (params.name === EXPLAIN_TOOL) {
    const asked = (params.arguments as { provider?: unknown } | undefined)?.provider;
    return typeof asked === "string" && isProviderIdShaped(asked) ? asked : undefined;
  }
  return toolProvider(params.name);
}

/** POST /mcp (and its refusals of other methods): request in, web Response out (the Next route, tests). */
export async function handleMcpRequest(
  incoming: Request | McpHttpRequest,
  runtime: McpRuntime,
  client: { ip: string | null },
  options: { approvals?: ApprovalGate; failures?: Pick<FailureLimiter, "refuse" | "fail"> } = {},
): Promise<Response> {
  return toResponse(await answerMcpRequest(incoming, runtime, client, options));
}

/** As handleMcpRequest, with okoro's own JSON answers left as text for a server that writes them itself. */
export async function answerMcpRequest(
  incoming: Request | McpHttpRequest,
  runtime: McpRuntime,
  client: { ip: string | null },
  options: { approvals?: ApprovalGate; failures?: Pick<FailureLimiter, "refuse" | "fail"> } = {},
): Promise<Response | McpJsonReply> {
  const request = incoming instanceof Request ? fromWebRequest(incoming) : incoming;
  const url = runtime.env.url;
  if (request.method !== "POST") {
    // stateless: no stream to GET and no session to DELETE
    return json(
      405,
      { error: "method_not_allowed", error_description: "This MCP server is stateless: POST JSON-RPC messages to it." },
      { allow: "POST" },
    );
  }
  // an address past its limit of invalid tokens (shared with /p/ and the exchange) is
  // refused before anything is read
  const failures = options.failures ?? getFailureLimiter();
  const throttled = failures.refuse(client.ip);
  if (throttled) {
    await request.body?.cancel().catch(() => {});
    return json(throttled.status, throttled.toJSON(), { ...throttled.headers, "okoro-error": throttled.code });
  }
  const header = request.headers.get("authorization");
  const presented = header ? (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null) : null;
  // garbage never costs more than this: no body read, no database (only counted). A service
  // token, or an access token okoro issued to an MCP client (accepted here, and at
  // /api/held/{id} for a request held during a tool call)
  const oauth = presented !== null && isAccessTokenShaped(presented);
  if (!presented || !(oauth || isWellFormedServiceToken(presented))) {
    failures.fail(client.ip);
    return unauthenticated(url, new OkoroError("invalid_token"), presented !== null);
  }

  const userAgent = request.headers.get("user-agent");
  const authCtx = { db: runtime.db, url, ip: client.ip, userAgent, failures };
  let text: string | null;
  try {
    text = await readBounded(request, {
      max: runtime.env.maxBodyBytes + FRAMING_BYTES,
      unauthenticatedMax: UNAUTHENTICATED_BODY_BYTES,
      // a large body: the token is checked first (without the provider the body would name)
      authenticate: async () => {
        await (oauth ? authenticateAccessToken(authCtx, presented) : authenticateServiceToken(authCtx, presented));
      },
    });
  } catch (e) {
    return unauthenticated(url, asOkoroError(e, "mcp authentication"), true);
  }
  if (text === null)
    return json(
      413,
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "payload_too_large: The request body is larger than this okoro accepts." },
      },
      { "okoro-error": "payload_too_large" },
    );
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return rpcError(400, -32700, "Parse error: Invalid JSON");
  }

  const provider = calledProvider(message);
  const lookup = () =>
    oauth
      ? authenticateAccessToken(authCtx, presented, provider)
      : authenticateServiceToken(authCtx, presented, provider);
  // a lone tools/call may reuse a lookup from the last second: the proxy's own trip
  // re-checks the service token for it (lib/mcp/token-cache.ts says why that is enough).
  // Only a service token: the proxy's trip knows nothing of any other kind of bearer token.
  const hash = provider && isWellFormedServiceToken(presented) ? hashServiceToken(presented) : null;
  let token = hash && provider ? runtime.tokens.get(hash, provider) : undefined;
  const cached = token !== undefined;
  if (!token) {
    try {
      token = await lookup();
    } catch (e) {
      return unauthenticated(url, asOkoroError(e, "mcp authentication"), true);
    }
    if (hash && provider) runtime.tokens.set(hash, provider, token);
  }
  const caller = token;
  /** the token was refused while the call ran (revoked, expired, user disabled): the answer is a 401 */
  const outcome: { refused: OkoroError | null; called: boolean } = { refused: null, called: false };

  const runCall = async (name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> => {
    outcome.called = true;
    try {
      return await callTool(
        {
          runtime: options.approvals ? { ...runtime, approvals: options.approvals } : runtime,
          token: caller,
          // a reused lookup is confirmed in the database before any answer the proxy's trip does not check
          recheck: cached ? lookup : undefined,
          ip: client.ip,
          userAgent,
          signal,
        },
        name,
        args,
      );
    } catch (e) {
      if (e instanceof TokenRefused) {
        // the token itself was refused: answered below as a failed authentication is
        outcome.refused = e.error;
        if (hash) runtime.tokens.evict(hash);
      }
      // a tool result, never a JSON-RPC error or a stack
      const error = asOkoroError(e instanceof TokenRefused ? e.error : e, "mcp tool call");
      return { content: [{ type: "text", text: `${error.code}: ${error.description}` }], isError: true };
    }
  };

  const plain = plainToolCall(request, message);
  if (plain) {
    // a client that hangs up stops the upstream call
    const result = await runCall(plain.name, plain.args, request.signal);
    if (outcome.refused) return unauthenticated(url, outcome.refused, true);
    return json(200, { result, jsonrpc: "2.0", id: plain.id });
  }

  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: NO_VALIDATION,
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const connections = await listConnections({ db: runtime.db, userId: caller.userId });
    const connected = new Set(connections.filter((c) => c.status === "active").map((c) => c.provider));
    return { tools: listTools(caller.grants, connected, (spec) => resolvedProvider(spec.id)?.baseUrl ?? spec.baseUrl) };
  });
  server.setRequestHandler(CallToolRequestSchema, (call, extra) =>
    runCall(call.params.name, call.params.arguments ?? {}, extra.signal),
  );
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  const response = await transport.handleRequest(request.toWeb(), { parsedBody: message });
  if (cached && !outcome.called && !outcome.refused) {
    // the SDK answered a reused token's call itself (bad params, headers): confirm the token
    try {
      await lookup();
    } catch (e) {
      outcome.refused = asOkoroError(e, "mcp authentication");
      if (hash) runtime.tokens.evict(hash);
    }
  }
  // No server.close(): with JSON answers (never a stream) nothing outlives the request, and
  // closing would abort the finished call's signal, building an abort error every time.
  if (!outcome.refused) return response;
  await response.body?.cancel().catch(() => {});
  return unauthenticated(url, outcome.refused, true);
}
