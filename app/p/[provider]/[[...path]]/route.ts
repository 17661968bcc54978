// ANY /p/{provider}/{path…} — thin: hands the Request to lib/proxy.
import { errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { PROXIED_RESPONSE_HEADERS } from "@/lib/proxy/headers";
import { getProxyHandler } from "@/lib/proxy/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handle(request: Request): Promise<Response> {
  try {
    const proxy = await getProxyHandler();
    return await proxy(request, { ip: clientIp(request.headers) });
  } catch (e) {
    return errorResponse(e, { tagged: true, context: "proxy", headers: { ...PROXIED_RESPONSE_HEADERS } });
  }
}

export { handle as GET, handle as HEAD, handle as OPTIONS, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
