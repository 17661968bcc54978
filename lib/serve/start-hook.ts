// `npm start` serves the agent path — /p/…, POST /api/token, POST /api/explain and /mcp — without Next.js in
// between, and POST /api/leaks beside it (its 64 KiB body cap must stop reading the socket,
// which Next's request adaptation does not promise). scripts/start.mjs (plain Node, outside Next's bundle) cannot import our modules
// itself, so the app publishes a request listener for it when Next prepares the server
// (instrumentation.ts → here), and the server offers every request to that listener
// before Next would route it. Same code as the route handlers (lib/serve/runtime.ts,
// lib/exchange.ts), minus Next's router, request adaptation and response piping: about
// half the CPU of a proxied request and a millisecond or two of latency (README,
// Benchmark). The route handlers stay for `next dev` and for hosts without our server
// (Vercel); the dashboard and everything else is always Next's.
import "server-only";
import type http from "node:http";
import { getDb } from "@/lib/serve/database";
import { createApprovalGate } from "@/lib/approvals/gate";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { errorResponse } from "@/lib/errors";
import { handleExchange } from "@/lib/exchange";
import { handleExplain } from "@/lib/explain";
import { createNodeMcpListener, isMcpUrl } from "@/lib/serve/mcp-node";
import { getMcpRuntime } from "@/lib/mcp/runtime";
import { handleLeakReport } from "@/lib/leaks";
import { createNodeProxyListener, peerAddress, toWebRequest, writeResponse } from "@/lib/serve/node-server";
import { getProxyHandler } from "@/lib/serve/runtime";
import { setSlot } from "@/lib/serve/slots";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";

/** Handles the request and returns true when it is on the agent path; false leaves it to Next. */
export type AgentListener = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export function createAgentListener(): AgentListener {
  const hops = getEnv().trustedProxyHops;
  const proxy = createNodeProxyListener(getProxyHandler, { trustedProxyHops: hops });
  // the webhook runs after the 202 is written, as it does with after() in the route
  const approvals = createApprovalGate();
  const mcp = createNodeMcpListener(getMcpRuntime, { trustedProxyHops: hops });

  const exchange = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let response: Response;
    try {
      const request = toWebRequest(req, res);
      response = await handleExchange(
        request,
        {
          db: await getDb(),
          url: getEnv().url,
          ip: peerAddress(req, hops),
          userAgent: request.headers.get("user-agent"),
          failures: getFailureLimiter(),
        },
        approvals,
      );
    } catch (e) {
      response = errorResponse(e, { context: "token exchange" });
    }
    await writeResponse(res, response);
  };

  // leak reports too: anyone may send them, so their body cap must hold here as in the route
  const leaks = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let response: Response;
    try {
      const request = toWebRequest(req, res);
      response = await handleLeakReport(request, {
        db: await getDb(),
        ip: peerAddress(req, hops),
        userAgent: request.headers.get("user-agent"),
      });
    } catch (e) {
      response = errorResponse(e, { context: "leak report" });
    }
    await writeResponse(res, response);
  };

  // explain sits beside the exchange: same token kinds, same 64 KiB body cap
  const explain = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let response: Response;
    try {
      const request = toWebRequest(req, res);
      const db = await getDb();
      const verifier = getOperationTokenVerifier(db, { issuer: getEnv().url });
      response = await handleExplain(request, {
        db,
        ip: peerAddress(req, hops),
        verify: (token) => verifier.verify(token),
        failures: getFailureLimiter(),
      });
    } catch (e) {
      response = errorResponse(e, { context: "explain" });
    }
    await writeResponse(res, response);
  };

  const fail = (res: http.ServerResponse) => (err: unknown) => {
    console.error("[okoro] unhandled agent-path error:", err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  };

  return (req, res) => {
    const url = req.url ?? "";
    if (url.startsWith("/p/")) {
      proxy(req, res).catch(fail(res));
      return true;
    }
    if (isMcpUrl(url)) {
      mcp(req, res).catch(fail(res));
      return true;
    }
    // the exchange only: other methods get Next's 405, and /api/token/approvals/… its polls
    if (req.method === "POST" && (url === "/api/token" || url.startsWith("/api/token?"))) {
      exchange(req, res).catch(fail(res));
      return true;
    }
    if (req.method === "POST" && (url === "/api/explain" || url.startsWith("/api/explain?"))) {
      explain(req, res).catch(fail(res));
      return true;
    }
    if (req.method === "POST" && (url === "/api/leaks" || url.startsWith("/api/leaks?"))) {
      leaks(req, res).catch(fail(res));
      return true;
    }
    return false;
  };
}

/** Called from instrumentation.ts when scripts/start.mjs marked the process (the startServer slot). */
export function publishAgentListener(): AgentListener {
  const listener = createAgentListener();
  setSlot("agentListener", listener);
  return listener;
}
