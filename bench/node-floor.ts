// node_floor: the least a plain Node server can do to pass a request through — one
// keep-alive undici Agent, no checks, no database. okoro_node (`okoro serve-proxy`)
// is compared with it, as okoro is with next_floor inside Next.js.
// Usage: node --import tsx bench/node-floor.ts --upstream http://127.0.0.1:PORT
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { Agent, request, type Dispatcher } from "undici";
import { listenAndAnnounce } from "@/bench/child";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (!values.upstream) throw new Error("--upstream is required");
const upstream = values.upstream.replace(/\/+$/, "");

const agent = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 });
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

function without(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const server = http.createServer(async (req, res) => {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const answer = await request(`${upstream}${req.url ?? "/"}`, {
      method: req.method as Dispatcher.HttpMethod,
      headers: without(req.headers),
      body: hasBody ? req : undefined,
      dispatcher: agent,
      signal: controller.signal,
    });
    res.writeHead(answer.statusCode, without(answer.headers));
    await pipeline(answer.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});

listenAndAnnounce(server);
