// next_floor for `npm run bench` (OKORO_BENCH=1 only; 404 otherwise): the least a Next.js
// route handler can do to pass a request through — no token, no classification, no
// database, no audit. /bench/floor/{provider}/{path} goes to that provider's base URL as
// OKORO_PROVIDER_<ID>_BASE_URL points it (the bench's local upstream), so the difference
// between this and /p/{provider}/{path} is what okoro itself costs inside Next.js.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { Agent, request as undiciRequest, type Dispatcher } from "undici";
import { getEnv } from "@/lib/env";
import { errorResponse, OkoroError } from "@/lib/errors";
import { resolvedProvider } from "@/lib/providers/catalog";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// one keep-alive pool per process, like the proxy's (lib/serve/deps.ts); made on first
// use, so a server without OKORO_BENCH never has one
let agent: Agent | undefined;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
  "proxy-connection",
]);

async function handle(request: Request): Promise<Response> {
  if (!getEnv().bench) return errorResponse(new OkoroError("not_found"));
  const url = new URL(request.url);
  const match = /^\/bench\/floor\/([^/]+)(\/.*)?$/.exec(url.pathname);
  const base = match ? resolvedProvider(match[1])?.baseUrl : undefined;
  if (!match || !base) return errorResponse(new OkoroError("not_found"));

  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await undiciRequest(`${base}${match[2] ?? ""}${url.search}`, {
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) : undefined,
      dispatcher: (agent ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 })),
      signal: request.signal,
    });
  } catch {
    return errorResponse(new OkoroError("upstream_unreachable"));
  }

  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
    else responseHeaders.set(name, value);
  }
  // pulled chunk by chunk, as the proxy does, so a stream (SSE) is never held back
  const iterator = upstream.body[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch (e) {
        controller.error(e);
      }
    },
    cancel() {
      upstream.body.destroy();
    },
  });
  return new Response(body, { status: upstream.statusCode, headers: responseHeaders });
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
