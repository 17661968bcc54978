// /mcp — the MCP server (Streamable HTTP, stateless) under `next dev` and on Vercel; npm start
// serves it before Next (lib/serve/mcp-node.ts). Thin: hands the Request to lib/mcp.
import { afterResponse } from "@/lib/http/after-response";
import { createApprovalGate } from "@/lib/approvals/gate";
import { withErrorResponse } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-ip";
import { handleMcpRequest } from "@/lib/mcp/http";
import { getMcpRuntime } from "@/lib/mcp/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// after(): the approval webhook runs once the answer is sent, and survives it on serverless hosts
const approvals = createApprovalGate({ defer: (task) => afterResponse(task) });

const handle = withErrorResponse("mcp", async (request: Request): Promise<Response> => {
  return await handleMcpRequest(request, await getMcpRuntime(), { ip: clientIp(request.headers) }, { approvals });
});

export { handle as GET, handle as POST, handle as DELETE };
