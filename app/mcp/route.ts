// /mcp — the MCP server (Streamable HTTP, stateless) under `next dev` and on Vercel; npm start
// serves it before Next (lib/serve/mcp-node.ts). Thin: hands the Request to lib/mcp.
import { after } from "next/server";
import { createApprovalGate } from "@/lib/approvals/gate";
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { handleMcpRequest } from "@/lib/mcp/http";
import { getMcpRuntime } from "@/lib/mcp/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// after(): the approval webhook runs once the answer is sent, and survives it on serverless hosts
const approvals = createApprovalGate({ defer: (task) => after(task) });

async function handle(request: Request): Promise<Response> {
  try {
    return await handleMcpRequest(request, await getMcpRuntime(), { ip: clientIp(request.headers) }, { approvals });
  } catch (e) {
    return errorResponse(e, { context: "mcp" });
  }
}

export { handle as GET, handle as POST, handle as DELETE };
