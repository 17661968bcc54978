// /mcp in a plain Node server: `npm start` hands it here before Next.js routes it (as it
// does /p/ and the exchange, lib/serve/start-hook.ts), so a tool call pays neither Next's
// router nor its response piping. Tests serve /mcp the same way.
import "server-only";
import type http from "node:http";
import { errorResponse } from "@/lib/errors";
import { handleMcpRequest, mcpAnswerText } from "@/lib/mcp/http";
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
    let response: Response;
    try {
      // no web Request for the messages answered without the SDK (a lone tools/call)
      response = await handleMcpRequest(nodeRequestView(req, res), await getRuntime(), {
        ip: peerAddress(req, options.trustedProxyHops ?? 0),
      });
    } catch (e) {
      response = errorResponse(e, { context: "mcp" });
    }
    // an answer made of a JSON text is written as that text, not read back from its stream
    const text = mcpAnswerText(response);
    if (text === undefined) return writeResponse(res, response);
    const headers: string[] = [];
    response.headers.forEach((value, name) => headers.push(name, value));
    res.writeHead(response.status, [...headers, "content-length", String(Buffer.byteLength(text))]);
    res.end(text);
  };
}
