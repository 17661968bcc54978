// The redirects of the connect routes. A path is resolved against OKORO_URL (never the
// request's Host, which a proxy or a client may set); absolute URLs come from the flow
// (the provider's authorization page, or okoro's own connections page). Not cached, and
// without a Referer for the next hop.
import { getEnv } from "@/lib/env";

export function connectRedirect(location: string, status: 302 | 303 = 302): Response {
  const target = location.startsWith("/") && !location.startsWith("//") ? `${getEnv().url}${location}` : location;
  return new Response(null, {
    status,
    headers: { Location: target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
  });
}
