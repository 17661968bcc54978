// /mcp in a plain Node server: `npm start` hands it here before Next.js routes it (as it
// does /p/ and the exchange, lib/serve/start-hook.ts), so a tool call pays neither Next's
// router nor its response piping. Tests serve /mcp the same way.
import "server-only";
import type http from "node:http";
import { errorResponse } from "@/lib/errors";
import { handleMcpRequest } from "@/lib/mcp/http";
import type { McpRuntime } from "@/lib/mcp/runtime";
import { peerAddress, toWebRequest, writeResponse } from "@/lib/serve/node-server";

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
      response = await handleMcpRequest(toWebRequest(req, res), await getRuntime(), {
        ip: peerAddress(req, options.trustedProxyHops ?? 0),
      });
    } catch (e) {
      response = errorResponse(e, { context: "mcp" });
    }
    await writeResponse(res, response);
  };
}
