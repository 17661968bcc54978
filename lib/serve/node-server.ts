// The proxy core in a plain Node HTTP server (`okoro serve-proxy`, and `npm start` for the
// agent path): the same lib/proxy handler as the Next.js route, without Next's per-request
// cost, and without web objects either — the handler reads the Node request through a
// small view (proxyRequest) and its answer is written straight to the socket (writeAnswer).
// Only /p/… is served here: under serve-proxy the dashboard and the exchange stay in the
// Next.js app (same database, same keys); under npm start, lib/serve/start-hook.ts serves
// the exchange beside it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { OkoroError } from "@/lib/errors";
import { errorAnswer, type ProxyAnswer, type ProxyHandler, type ProxyRequest } from "@/lib/proxy/handler";
import type { HeaderReader } from "@/lib/proxy/headers";
import { ROUTABLE_METHODS } from "@/lib/proxy/methods";
import { assertSafePath } from "@/lib/proxy/upstream-url";

export type NodeProxyServer = { url: string; server: http.Server; close: () => Promise<void> };

/** The client address: the socket's, unless the operator trusts `hops` proxies in front. */
export function peerAddress(req: http.IncomingMessage, hops: number): string | null {
  if (hops > 0) {
    const entries = String(req.headers["x-forwarded-for"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (entries.length > 0) return entries[Math.max(0, entries.length - hops)];
  }
  const address = req.socket.remoteAddress ?? null;
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * The request body as a web stream that reads only when the proxy pulls — so a large
 * upload moves at the upstream's pace instead of piling up in memory (Node 20's
 * Readable.toWeb reads ahead without bound).
 */
function pullStream(req: http.IncomingMessage, onCancel: () => void = () => req.destroy()): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      cancel() {
        onCancel();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Writes a web Response (the exchange's) to a Node response, as writeAnswer does an answer. */
export async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  const reader = response.body?.getReader();
  const body = reader && {
    read: async () => (await reader.read()).value ?? null,
    cancel: () => void reader.cancel().catch(() => {}),
  };
  await writeAnswer(res, { status: response.status, headers, body: body ?? null });
}

/** An AbortSignal that fires when the client goes away before the response is finished. */
function abortOnClose(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** The request body as pullStream, for the methods that carry one. */
function requestBody(req: http.IncomingMessage, onCancel?: () => void): ReadableStream<Uint8Array> | null {
  return req.method !== "GET" && req.method !== "HEAD" ? pullStream(req, onCancel) : null;
}

/**
 * A body refused before its end (too large, or its sender over a limit): read no more of
 * it, and close the connection once the answer is written — keeping it alive would make
 * Node read the rest of the body to find the next request.
 */
function leaveBodyUnread(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (res.headersSent) req.destroy();
  else res.setHeader("connection", "close");
}

/**
 * A light view of a Node request for handlers that read only its method, headers, body and
 * signal (/mcp): no web Request is built unless `toWeb` is called, and that one carries no
 * body (call it after the body has been read from `body`).
 */
export function nodeRequestView(req: http.IncomingMessage, res: http.ServerResponse) {
  const signal = abortOnClose(res);
  return {
    method: req.method ?? "GET",
    headers: new NodeHeaders(req.headers),
    body: requestBody(req, () => leaveBodyUnread(req, res)),
    signal,
    toWeb(): Request {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else headers.set(name, value);
      }
      return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        signal,
      });
    },
  };
}

/**
 * The web Request for a Node request: the body streams as it is read, and the signal
 * aborts when the client goes away before the response is finished.
 */
export function toWebRequest(req: http.IncomingMessage, res: http.ServerResponse): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: requestBody(req, () => leaveBodyUnread(req, res)),
    signal: abortOnClose(res),
    duplex: "half",
  } as RequestInit);
}

/** IncomingMessage.headers read like web Headers (Node has already lower-cased and joined them). */
export class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    return joined(this.raw[name.toLowerCase()]);
  }
  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of Object.entries(this.raw)) if (value !== undefined) fn(joined(value)!, name);
  }
}

/** A header's values as web Headers report them. */
function joined(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The proxy's view of a Node request, without building a web Request: the body streams
 * only when pulled, and the signal aborts when the client goes away before the answer is
 * finished.
 */
function proxyRequest(req: http.IncomingMessage, res: http.ServerResponse): ProxyRequest {
  return {
    // only the path and query are read; the host is the agent's to choose and is not needed
    url: `http://okoro.invalid${req.url ?? "/"}`,
    method: req.method ?? "GET",
    headers: new NodeHeaders(req.headers),
    body: requestBody(req),
    signal: abortOnClose(res),
  };
}

/** Waits until the response can take more, or has gone away. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Writes the proxy's answer to a Node response, streaming its body with back-pressure. */
export async function writeAnswer(res: http.ServerResponse, answer: ProxyAnswer): Promise<void> {
  const { body } = answer;
  if (typeof body === "string") {
    res.writeHead(answer.status, [...answer.headers.flat(), "content-length", String(Buffer.byteLength(body))]);
    res.end(body);
    return;
  }
  res.writeHead(answer.status, answer.headers.flat());
  if (body === null) {
    res.end();
    return;
  }
  let reading = true;
  res.on("close", () => {
    if (reading) body.cancel();
  });
  try {
    for (;;) {
      const chunk = await body.read();
      if (!chunk) break;
      if (res.destroyed) return;
      // respect back-pressure so a slow agent never makes us buffer a whole download
      if (!res.write(chunk)) await drained(res);
    }
    reading = false;
    res.end();
  } catch {
    reading = false;
    res.destroy();
  }
}

export type NodeProxyListener = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/**
 * A Node request listener for /p/…: the proxy core without a framework in between. Used by
 * `okoro serve-proxy` and by `npm start` (scripts/start.mjs hands /p/ requests to it before
 * Next.js routes them; see lib/serve/start-hook.ts). `getHandler` may build the handler on
 * first use.
 */
export function createNodeProxyListener(
  getHandler: () => ProxyHandler | Promise<ProxyHandler>,
  options: { trustedProxyHops?: number } = {},
): NodeProxyListener {
  return async (req, res) => {
    const raw = req.url ?? "/";
    const pathOnly = raw.split("?")[0];
    if (!pathOnly.startsWith("/p/")) {
      await writeAnswer(
        res,
        errorAnswer(new OkoroError("not_found", "This server only proxies /p/{provider}/{path}.")),
      );
      return;
    }
    if (!ROUTABLE_METHODS.has(req.method ?? "")) {
      // the proxy core only knows the methods a web Request can carry: TRACE, CONNECT and
      // the like are refused here
      req.resume();
      await writeAnswer(
        res,
        errorAnswer(
          new OkoroError("method_not_allowed", `${String(req.method).slice(0, 16)} is not allowed through okoro.`),
        ),
      );
      return;
    }
    let answer: ProxyAnswer;
    try {
      // the raw path, before URL parsing resolves any dot segment
      assertSafePath(pathOnly);
      const proxy = await getHandler();
      answer = await proxy.answer(proxyRequest(req, res), { ip: peerAddress(req, options.trustedProxyHops ?? 0) });
    } catch (e) {
      answer = errorAnswer(e, { context: "proxy" });
    }
    await writeAnswer(res, answer);
  };
}

/**
 * The most a request line and its headers may take, set on every server of ours rather
 * than left to Node's default (the same today), so a future default or a
 * --max-http-header-size flag cannot widen what an unauthenticated client makes us parse.
 * Node answers a request past it with 431 itself. scripts/start.mjs repeats the number.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

export function createNodeProxyServer(handler: ProxyHandler, options: { trustedProxyHops?: number } = {}): http.Server {
  return http.createServer(
    { maxHeaderSize: MAX_HEADER_BYTES },
    createNodeProxyListener(() => handler, options),
  );
}

export async function listenNodeProxy(
  handler: ProxyHandler,
  options: { port?: number; host?: string; trustedProxyHops?: number } = {},
): Promise<NodeProxyServer> {
  const server = createNodeProxyServer(handler, options);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
