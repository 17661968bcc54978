// /mcp in a plain Node server: `npm start` hands it here before Next.js routes it (as it
// does /p/ and the exchange, lib/serve/start-hook.ts), so a tool call pays neither Next's
// router nor its response piping. Tests serve /mcp the same way.
import "server-only";
import type http from "node:http";
import { errorResponse } from "@/lib/errors";
import { answerMcpRequest, type McpJsonReply } from "@/lib/mcp/http";
import type { McpRuntime } from "@/lib/mcp/runtime";
import { nodeRequestView, peerAddress, writeResponse } from "@/lib/serve/node-server";

export function isMcpUrl(url: string): boolean {
  return url === "/mcp" || url.startsWith("/mcp?");
}

export function createNodeMcpListener(
  getRuntime: () => McpRuntime | Promise<McpRuntime>,
  options: { trustedProxyHops?: number } = {},
) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    let response: Response | McpJsonReply;
    try {
      // no web Request for the messages answered without the SDK (a lone tools/call)
      response = await answerMcpRequest(nodeRequestView(req, res), await getRuntime(), {
        ip: peerAddress(req, options.trustedProxyHops ?? 0),
      });
    } catch (e) {
      response = errorResponse(e, { context: "mcp" });
    }
    if (response instanceof Response) return writeResponse(res, response);
    // okoro's own JSON answer: written as its text, never through a web Response
    res.writeHead(response.status, {
      ...response.headers,
      "content-length": String(Buffer.byteLength(response.text)),
    });
    res.end(response.text);
  };
}
