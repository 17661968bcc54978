// ANY /p/{provider}/{path…} — thin: hands the Request to lib/proxy.
import { afterResponse } from "@/lib/http/after-response";
import { pendingCheckpoints } from "@/lib/audit/checkpoint";
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { PROXIED_RESPONSE_HEADERS } from "@/lib/proxy/headers";
import { getProxyHandler } from "@/lib/serve/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handle(request: Request): Promise<Response> {
  try {
    const proxy = await getProxyHandler();
    const response = await proxy(request, { ip: clientIp(request.headers) });
    // an audit checkpoint that came due during this request finishes after the response
    // (a serverless function would otherwise be frozen with it half done)
    const checkpoint = pendingCheckpoints();
    if (checkpoint) afterResponse(checkpoint);
    return response;
  } catch (e) {
    return errorResponse(e, { tagged: true, context: "proxy", headers: { ...PROXIED_RESPONSE_HEADERS } });
  }
}

export {
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
};
