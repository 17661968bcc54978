#!/usr/bin/env node
// okoro's production server: `npm start` (same flags as `next start`: -p/--port,
// -H/--hostname; PORT is honoured like `next start` does).
//
// It is `next start` through Next's documented custom-server API (the same request
// handlers, see next/dist/server/next.js) with one addition: every request carries the
// TCP peer's address in `x-okoro-peer-address`, overwriting whatever a client sent under
// that name. `next start` alone cannot provide this: it copies the socket address into
// X-Forwarded-For only when the request has no such header, so a client that sends its
// own X-Forwarded-For hides its real address. lib/http/client-ip.ts trusts the header
// only in a process marked below, and only when OKORO_TRUSTED_PROXY_HOPS is 0.
//
// The configuration check (docs/configuration.md#configuration-and-running) runs in instrumentation.ts when Next prepares the
// server, before it listens: a production start without the required variables prints
// each missing one and exits 1.
import { createServer } from "node:http";
import { parseArgs } from "node:util";

process.env.NODE_ENV ||= "production";

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
  },
  allowPositionals: false,
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`okoro: invalid port "${values.port ?? process.env.PORT}"`);
  process.exit(1);
}
const hostname = values.hostname;

const PEER_ADDRESS_HEADER = "x-okoro-peer-address";
// the same list as lib/proxy/methods.ts, and the same slot names as lib/serve/slots.ts
// (this file is plain JavaScript and cannot import them; scripts/start.test.ts compares)
const ROUTABLE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);
globalThis[Symbol.for("okoro.peer-address-header")] = true;
// The agent path (/p/…, POST /api/token and POST /api/explain) goes to our code directly: lib/serve/start-hook.ts
// publishes a listener while Next prepares, which takes the requests it serves and leaves
// the rest — and everything, should it be missing — to Next.
globalThis[Symbol.for("okoro.start-server")] = true;
const AGENT_LISTENER = Symbol.for("okoro.agent-listener");
// The bench measures the route handlers too (what hosts without this server run): with
// OKORO_BENCH=1, a request carrying this header is left to Next.js.
const VIA_NEXT_HEADER = process.env.OKORO_BENCH === "1" ? "x-okoro-bench-via-next" : null;

const { default: next } = await import("next");
const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

// HSTS from the running configuration (.env is loaded by now): `next build` baked the page
// headers of the build's environment, which need not be the one this server runs with.
const HSTS = /^https:\/\//i.test(process.env.OKORO_URL?.trim() ?? "") ? "max-age=31536000; includeSubDomains" : null;

// Request line and headers: at most 16 KiB (lib/serve/node-server.ts MAX_HEADER_BYTES),
// set here rather than left to Node's default so that nothing can widen what a client
// makes us parse before it is authenticated; Node answers 431 past it.
const MAX_HEADER_BYTES = 16 * 1024;

const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
  const peer = req.socket.remoteAddress;
  if (HSTS) res.setHeader("strict-transport-security", HSTS);
  // Next.js cannot route TRACE, CONNECT or methods it does not know (its Request refuses
  // them and it answers 500): refuse them here with the docs/errors.md#error-codes answer.
  if (!ROUTABLE_METHODS.has(req.method ?? "")) {
    const body = JSON.stringify({
      error: "method_not_allowed",
      error_description: `${String(req.method).slice(0, 16)} is not allowed through okoro.`,
    });
    res.writeHead(405, {
      "content-type": "application/json",
      "okoro-error": "method_not_allowed",
      allow: [...ROUTABLE_METHODS].join(", "),
    });
    res.end(body);
    req.resume();
    return;
  }
  const agentPath = globalThis[AGENT_LISTENER];
  if (agentPath && !(VIA_NEXT_HEADER && req.headers[VIA_NEXT_HEADER]) && agentPath(req, res)) return;
  if (peer) req.headers[PEER_ADDRESS_HEADER] = peer;
  else delete req.headers[PEER_ADDRESS_HEADER];
  handle(req, res).catch((err) => {
    console.error("[okoro] unhandled request error:", err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

server.on("error", (err) => {
  console.error(`okoro: cannot listen on ${hostname ?? "*"}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, hostname, () => {
  const shown = hostname && hostname !== "0.0.0.0" && hostname !== "::" ? hostname : "localhost";
  console.log(`okoro ready on http://${shown}:${port}`);
});

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    // stop accepting, let in-flight requests finish, then close Next (and its database pool)
    server.close(() => {
      // lib/serve/database.ts keeps the process's database on globalThis; closing it lets the
      // embedded PGlite shut down cleanly and pools say goodbye to the server
      const db = globalThis[Symbol.for("okoro.db")];
      Promise.allSettled([app.close(), db?.then((h) => h.close())]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
