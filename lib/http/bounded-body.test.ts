// The 64 KiB cap on the bodies anyone may send before a token is checked: the exchange
// (JSON and RFC 8693 form, with or without a bearer) and leak reports, through the Next.js
// route handlers and through `npm start`'s own listener. A 200 MiB body is generated as it
// is read, and the test counts how much of it was read before the 413.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as authRoute } from "@/app/api/auth/[...nextauth]/route";
import { POST as leaksRoute } from "@/app/api/leaks/route";
import { POST as tokenRoute } from "@/app/api/token/route";
import { setDbHandle } from "@/lib/serve/database";
import { setEnvForTesting } from "@/lib/env";
import { JSON_BODY_LIMIT, readBoundedBody } from "@/lib/http/bounded-body";
import { MAX_HEADER_BYTES } from "@/lib/serve/node-server";
import { createAgentListener } from "@/lib/serve/start-hook";
import { describeDatabases } from "@/test/databases";
import { testEnv } from "@/test/harness";

const MiB = 1024 * 1024;
const HUGE = 200 * MiB;
const BOGUS = "svc_0000000000000000000000000000000000000000";

/** A 200 MiB body made chunk by chunk as it is pulled, counting what was pulled. */
function countingBody(total = HUGE) {
  const state = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(16 * 1024).fill(0x61);
  let first = true;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= total) return controller.close();
        const piece = first ? new TextEncoder().encode(`{"token":"${"a".repeat(16 * 1024 - 10)}`) : chunk.slice();
        first = false;
        state.pulled += piece.byteLength;
        controller.enqueue(piece);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

const post = (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  new Request(`http://okoro.test${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);

const CASES: { name: string; path: string; headers: Record<string, string> }[] = [
  {
    name: "/api/token (JSON, bogus bearer)",
    path: "/api/token",
    headers: { "content-type": "application/json", authorization: `Bearer ${BOGUS}` },
  },
  { name: "/api/token (JSON, no bearer)", path: "/api/token", headers: { "content-type": "application/json" } },
  {
    name: "/api/token (RFC 8693 form)",
    path: "/api/token",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  },
  { name: "/api/leaks", path: "/api/leaks", headers: { "content-type": "application/json" } },
];

describe("readBoundedBody", () => {
  it("reads a body up to the cap and refuses one byte more", async () => {
    const ok = new Request("http://x/", { method: "POST", body: "a".repeat(JSON_BODY_LIMIT) });
    expect((await readBoundedBody(ok)).byteLength).toBe(JSON_BODY_LIMIT);
    const over = new Request("http://x/", { method: "POST", body: "a".repeat(JSON_BODY_LIMIT + 1) });
    await expect(readBoundedBody(over)).rejects.toMatchObject({ code: "payload_too_large", status: 413 });
  });

  it("refuses a declared Content-Length over the cap without reading", async () => {
    const { stream, state } = countingBody();
    const request = post("/", stream, { "content-length": String(HUGE) });
    await expect(readBoundedBody(request)).rejects.toMatchObject({ code: "payload_too_large" });
    expect(state.pulled).toBe(0);
    expect(state.cancelled).toBe(true);
  });
});

describeDatabases("64 KiB bodies on the open endpoints", (getDb) => {
  beforeAll(() => {
    setEnvForTesting(testEnv("http://127.0.0.1:9"));
    setDbHandle(getDb());
  });
  afterAll(() => setDbHandle(undefined));

  describe("the Next.js route handlers", () => {
    for (const c of CASES) {
      it(`${c.name}: 413 before 1 MiB is read, the stream cancelled`, async () => {
        const route = c.path === "/api/leaks" ? leaksRoute : tokenRoute;
        const { stream, state } = countingBody();
        const res = await route(post(c.path, stream, c.headers));
        expect(res.status).toBe(413);
        expect(await res.json()).toMatchObject({ error: "payload_too_large" });
        expect(state.pulled).toBeLessThan(MiB);
        expect(state.cancelled).toBe(true);
      });
    }

    it("next-auth's POST (sign-in callback, form): 413 before 1 MiB is read; a small form still reaches it", async () => {
      const { stream, state } = countingBody();
      const headers = { "content-type": "application/x-www-form-urlencoded" };
      const res = await authRoute(
        new NextRequest("http://okoro.test/api/auth/callback/credentials", {
          method: "POST",
          headers,
          body: stream,
          duplex: "half",
        } as ConstructorParameters<typeof NextRequest>[1]),
      );
      expect(res.status).toBe(413);
      expect(state.pulled).toBeLessThan(MiB);
      expect(state.cancelled).toBe(true);
      // without its CSRF token next-auth refuses the form itself: the body got through to it
      const small = await authRoute(
        new NextRequest("http://okoro.test/api/auth/callback/credentials", {
          method: "POST",
          headers,
          body: "email=a%40example.com&password=x",
        }),
      );
      expect(small.status).not.toBe(413);
      expect(small.status).toBeLessThan(500);
    });

    it("a small body still goes through (leak report: 202; exchange with a bogus token: 401)", async () => {
      const leak = await leaksRoute(
        new Request("http://okoro.test/api/leaks", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: BOGUS }),
        }),
      );
      expect(leak.status).toBe(202);
      const exchange = await tokenRoute(
        new Request("http://okoro.test/api/token", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${BOGUS}` },
          body: JSON.stringify({ provider: "github", scope: "read", intent: "x".repeat(200) }),
        }),
      );
      expect(exchange.status).toBe(401);
    });
  });

  describe("npm start's agent listener (a real socket)", () => {
    let server: http.Server;
    let base: string;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      const listener = createAgentListener();
      server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
        if (!listener(req, res)) res.writeHead(404).end();
      });
      server.on("connection", (s: Socket) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** Streams a generated 200 MiB body; resolves with the answer and what the server's socket had read by then. */
    function sendHuge(path: string, headers: Record<string, string>) {
      return new Promise<{ status: number; body: string; readAtAnswer: number; readLater: number }>(
        (resolve, reject) => {
          sockets.length = 0;
          let sent = 0;
          const source = new Readable({
            read() {
              if (sent >= HUGE) return this.push(null);
              sent += 64 * 1024;
              this.push(Buffer.alloc(64 * 1024, 0x61));
            },
          });
          let answered = false;
          const req = http.request(`${base}${path}`, { method: "POST", headers, agent: false }, (res) => {
            answered = true;
            const readAtAnswer = sockets.reduce((n, s) => n + s.bytesRead, 0);
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => {
              // the rest of the body stays unread: nothing drains it after the answer
              setTimeout(() => {
                const readLater = sockets.reduce((n, s) => n + s.bytesRead, 0);
                source.destroy();
                req.destroy();
                resolve({ status: res.statusCode ?? 0, body, readAtAnswer, readLater });
              }, 300);
            });
          });
          // once answered, the server stops reading and closes: the client's writes may then fail
          req.on("error", (e) => {
            if (!answered) reject(e);
          });
          source.on("error", reject);
          source.pipe(req);
        },
      );
    }

    for (const c of CASES) {
      it(`${c.name}: 413 before 1 MiB has been read from the socket`, async () => {
        const answer = await sendHuge(c.path, c.headers);
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body)).toMatchObject({ error: "payload_too_large" });
        expect(answer.readAtAnswer).toBeLessThan(MiB);
        expect(answer.readLater).toBeLessThan(MiB);
      });
    }

    it("/api/token with a declared Content-Length of 200 MiB: 413 at once", async () => {
      const answer = await sendHuge("/api/token", {
        "content-type": "application/json",
        "content-length": String(HUGE),
      });
      expect(answer.status).toBe(413);
      expect(answer.readLater).toBeLessThan(MiB);
    });
  });
});
