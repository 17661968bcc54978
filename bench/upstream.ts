// The bench's stand-in provider, run as its own process so the load generator and the
// proxies never share its event loop. Answers every path with a small JSON body that says
// which credential arrived (so the harness can check okoro injected it), plus:
//   GET  …/sse?events=N&interval=MS   text/event-stream: the first event at once, then one
//                                     every MS milliseconds on a fixed schedule
//   POST …/upload                     drains the body and answers with its length
//   GET  …/download?bytes=N           N bytes of text (base64-like, never the credential),
//                                     with Content-Length, written in 64 KiB chunks
// Usage: node --import tsx bench/upstream.ts --bearer KEY --oauth-key CONSUMER_KEY
import http from "node:http";
import { parseArgs } from "node:util";
import { listenAndAnnounce } from "@/bench/child";

const { values } = parseArgs({ options: { bearer: { type: "string" }, "oauth-key": { type: "string" } } });
const expectedBearer = `Bearer ${values.bearer ?? ""}`;
const expectedConsumer = `oauth_consumer_key="${values["oauth-key"] ?? ""}"`;

/** Which credential the request carries: what okoro should have injected, or none. */
function credentialOf(req: http.IncomingMessage): "bearer" | "oauth1" | "none" {
  const auth = req.headers.authorization ?? "";
  if (values.bearer && auth === expectedBearer) return "bearer";
  if (auth.startsWith("OAuth ") && auth.includes(expectedConsumer) && auth.includes("oauth_signature="))
    return "oauth1";
  return "none";
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sse(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): void {
  const events = Math.min(1000, Math.max(1, Number(query.get("events") ?? 10)));
  const interval = Math.min(10_000, Math.max(1, Number(query.get("interval") ?? 20)));
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const started = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    res.write(`id: ${sent}\ndata: {"n":${sent}}\n\n`);
    sent += 1;
    if (sent >= events) {
      res.end();
      return;
    }
    // scheduled against the start, so timer lateness does not accumulate
    timer = setTimeout(send, Math.max(0, started + sent * interval - performance.now()));
  };
  req.on("close", () => clearTimeout(timer));
  send();
}

// 1 MiB of base64-like text made once: letters, digits, "+" and "/", as in JSON and
// encoded files, so the scrubber meets a credential's first characters all the time
const BLOCK = Buffer.alloc(1024 * 1024);
{
  const alphabet = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  let x = 2463534242;
  for (let i = 0; i < BLOCK.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    BLOCK[i] = i % 77 === 76 ? 0x0a : alphabet[(x >>> 0) % alphabet.length];
  }
}

function download(res: http.ServerResponse, query: URLSearchParams): void {
  const total = Math.min(256 * 1024 * 1024, Math.max(1, Number(query.get("bytes") ?? 1024 * 1024)));
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": total });
  let sent = 0;
  const more = () => {
    while (sent < total) {
      const offset = sent % BLOCK.length;
      const chunk = BLOCK.subarray(offset, Math.min(BLOCK.length, offset + 64 * 1024, offset + (total - sent)));
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", more);
        return;
      }
    }
    res.end();
  };
  more();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://upstream");
  if (req.method === "GET" && url.pathname.endsWith("/sse")) {
    sse(req, res, url.searchParams);
    return;
  }
  if (req.method === "GET" && url.pathname.endsWith("/download")) {
    download(res, url.searchParams);
    return;
  }
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.byteLength;
  });
  req.on("end", () => {
    if (url.pathname.endsWith("/upload")) json(res, 200, { ok: true, bytes });
    else json(res, 200, { ok: true, credential: credentialOf(req) });
  });
});

listenAndAnnounce(server);
