// A stand-in provider: a real HTTP server on 127.0.0.1 that records exactly what okoro
// sent it and answers as each test says. Proxy tests assert on what arrived here (and on
// "0 upstream requests" for every refusal).
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

export type Responder = (req: Received, res: http.ServerResponse) => void | Promise<void>;

export type Upstream = {
  url: string;
  received: Received[];
  respond: (responder: Responder) => void;
  reset: () => void;
  close: () => Promise<void>;
};

const defaultResponder: Responder = (req, res) => {
  res.writeHead(200, { "content-type": "application/json", "set-cookie": "upstream=1", "x-upstream": "yes" });
  res.end(JSON.stringify({ ok: true, method: req.method, url: req.url }));
};

export async function startUpstream(options: { streamBodies?: boolean } = {}): Promise<Upstream> {
  let responder = defaultResponder;
  const received: Received[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    if (!options.streamBodies) for await (const c of req) chunks.push(c as Buffer);
    const r: Received = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    received.push(r);
    try {
      await responder(r, res);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond: (r) => {
      responder = r;
    },
    reset: () => {
      received.length = 0;
      responder = defaultResponder;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
