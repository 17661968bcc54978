// The plain Node server (`okoro serve-proxy`) over real HTTP, and limits holding across
// two separate app processes sharing one database.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxy } from "@/lib/serve/deps";
import { listenNodeProxy, type NodeProxyServer } from "@/lib/serve/node-server";
import { BIN, ROOT } from "@/lib/cli/testing";
import { describeDatabases, TEST_DATABASE_URL } from "@/test/databases";
import { createHarness, testEnvSource, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

/** A raw request, so the path reaches the server exactly as written (no URL normalization). */
function rawGet(base: string, path: string, token: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request(
      { host: u.hostname, port: u.port, path, method, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describeDatabases("serve-proxy (plain Node server)", (getDb) => {
  let h: Harness;
  let server: NodeProxyServer;
  let svc: string;
  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    svc = (await h.createToken({ grants: { github: ["read"] } })).token;
    server = await listenNodeProxy(createProxy({ db: getDb().db, env: h.env }));
  });
  afterAll(async () => {
    await server.close();
  });

  it("proxies with the same checks as the app", async () => {
    const op = await h.operationToken(svc, { provider: "github", scope: "read", intent: "list issues" });
    const ok = await fetch(`${server.url}/p/github/user?x=1`, { headers: { authorization: `Bearer ${op}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("okoro-request-id")).toMatch(/^req_/);
    expect(upstream.received[0].headers.authorization).toBe("Bearer CANARYgithub0001");
    const denied = await fetch(`${server.url}/p/github/user`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${op}` },
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("okoro-error")).toBe("insufficient_scope");
    expect(upstream.received).toHaveLength(1);
  });

  it("answers TRACE and unknown methods with 405 method_not_allowed", async () => {
    const op = await h.operationToken(svc, { provider: "github", scope: "read", intent: "list issues" });
    for (const method of ["TRACE", "PROPFIND"]) {
      const res = await rawGet(server.url, "/p/github/user", op, method);
      expect(res.status, method).toBe(405);
      expect(JSON.parse(res.body).error).toBe("method_not_allowed");
    }
    expect(upstream.received).toHaveLength(0);
  });

  it("refuses a request line and headers over 16 KiB with 431, set on the server rather than left to Node's default", async () => {
    // Node keeps the option on the server (untyped); unset, it would follow Node's default
    expect((server.server as unknown as { maxHeaderSize?: number }).maxHeaderSize).toBe(16 * 1024);
    const op = await h.operationToken(svc, { provider: "github", scope: "read", intent: "list issues" });
    const long = await rawGet(server.url, `/p/github/user?q=${"a".repeat(17 * 1024)}`, op);
    expect(long.status).toBe(431);
    const normal = await rawGet(server.url, `/p/github/user?q=${"a".repeat(1024)}`, op);
    expect(normal.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });

  it("refuses a raw dot-dot path before any URL parsing", async () => {
    const op = await h.operationToken(svc, { provider: "github", scope: "read", intent: "list issues" });
    for (const path of ["/p/github/../../admin", "/p/github/repos/%2e%2e/admin", "/p/github/a\\..\\b"]) {
      const res = await rawGet(server.url, path, op);
      expect(res.status, path).toBe(400);
    }
    expect(upstream.received).toHaveLength(0);
  });
});

// Two separate processes, one PostgreSQL database: the rate limit is still exact.
describe.runIf(TEST_DATABASE_URL)("limits across two app processes", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
  });

  it("lets exactly rate_limit requests through across both", async () => {
    const { openTestDatabase } = await import("@/test/databases");
    const db = await openTestDatabase("pg");
    try {
      const h = await createHarness(db.db, upstream.url);
      await h.connect("github");
      const { token } = await h.createToken({ grants: { github: ["read"] }, rateLimit: 10 });
      const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list issues" });
      const env = {
        ...testEnvSource(upstream.url),
        DATABASE_URL: db.url!,
        NODE_ENV: "development",
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
      } as NodeJS.ProcessEnv;
      const urls = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<string>((resolve, reject) => {
              const child = spawn(process.execPath, [BIN, "serve-proxy", "--port", "0", "--json"], {
                cwd: ROOT,
                env,
                stdio: ["ignore", "pipe", "pipe"],
              });
              children.push(child);
              let out = "";
              child.stdout!.on("data", (c) => {
                out += c;
                const m = /"url":\s*"([^"]+)"/.exec(out);
                if (m) resolve(m[1]);
              });
              let err = "";
              child.stderr!.on("data", (c) => (err += c));
              child.on("exit", (code) => reject(new Error(`serve-proxy exited ${code}: ${err}`)));
            }),
        ),
      );
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fetch(`${urls[i % 2]}/p/github/user`, { headers: { authorization: `Bearer ${op}` } }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(results.filter((r) => r.status === 429)).toHaveLength(20);
      expect(upstream.received).toHaveLength(10);
    } finally {
      for (const c of children) c.kill("SIGTERM");
      await db.cleanup();
    }
  }, 60_000);
});
