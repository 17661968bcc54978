// The MCP server's process-wide parts: a proxy handler of its own built on the same deps as
// /p/ (limits, "no audit, no call", credentials, scrubbing all come with it), whose token
// port knows only the claims of tool calls in flight in this process — so a tool call runs
// the proxy pipeline without signing and re-verifying a JWT it never hands out — and whose
// audit ports tag every event with the tool that caused it.
import "server-only";
import type { Database } from "@/db/client";
import { getDb } from "@/lib/serve/database";
import type { CredentialResolver } from "@/lib/serve/proxy-authorize";
import { createApprovalGate } from "@/lib/approvals/gate";
import { createCredentialRefresher } from "@/lib/connect/refresh";
import { getEnv, type Env } from "@/lib/env";
import type { ApprovalGate } from "@/lib/exchange";
import { mcpAuditTag } from "@/lib/mcp/audit-tag";
import { createTokenCache, type TokenCache } from "@/lib/mcp/token-cache";
import { createProxyDeps } from "@/lib/serve/deps";
import { createProxyHandler, type ProxyHandler } from "@/lib/proxy/handler";
import { getSlot, promiseSlot } from "@/lib/serve/slots";
import type { OperationClaims } from "@/lib/tokens/operation-token";

/** A tool call between its exchange and the end of its proxied request, keyed by jti. */
export type InFlightCall = { claims: OperationClaims; tool: string };

export type McpRuntime = {
  db: Database;
  env: Env;
  proxy: ProxyHandler;
  approvals: ApprovalGate;
  inFlight: Map<string, InFlightCall>;
  /** successful service-token lookups a tool call may reuse for a second */
  tokens: TokenCache;
};

export function createMcpRuntime(options: {
  db: Database;
  env: Env;
  resolveCredential?: CredentialResolver;
  approvals?: ApprovalGate;
}): McpRuntime {
  const inFlight = new Map<string, InFlightCall>();
  const base = createProxyDeps(options);
  const tagOf = (jti: string | null | undefined) => {
    const call = jti ? inFlight.get(jti) : undefined;
    return call ? mcpAuditTag(call.tool) : {};
  };
  const proxy = createProxyHandler({
    ...base,
    // the "token" is the jti of a call this process started; nothing outside can reach this handler
    async verify(handle) {
      const call = inFlight.get(handle);
      if (!call) throw Object.assign(new Error("not a tool call in flight"), { cause: "unknown in-process call" });
      return call.claims;
    },
    authorize: (request) => base.authorize({ ...request, audit: { ...request.audit, ...tagOf(request.claims.jti) } }),
    record: (event, recordOptions) => base.record({ ...event, ...tagOf(event.jti) }, recordOptions),
  });
  return {
    db: options.db,
    env: options.env,
    proxy,
    approvals: options.approvals ?? createApprovalGate(),
    inFlight,
    tokens: createTokenCache(),
  };
}

/** The app's MCP runtime: built once per process on first use, like the proxy's. */
export function getMcpRuntime(): Promise<McpRuntime> {
  return (
    getSlot("mcp") ??
    promiseSlot("mcp", () =>
      getDb().then((db) => {
        const env = getEnv();
        return createMcpRuntime({ db, env, resolveCredential: createCredentialRefresher({ db, env }) });
      }),
    )
  );
}
