// /mcp shares the per-address limit on invalid tokens: garbage bearer tokens from one
// address are answered 401 up to the limit, then 429 without reading anything, and are
// summarized rather than logged one by one. A made-up token that passes the checksum buys
// at most 64 KiB of body reading before the token is looked up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateServiceToken } from "@/lib/tokens/service-token";
import { openTestDatabase, type TestDatabase } from "@/test/databases";
import { createFailureLimiter, type FailureSummary } from "@/lib/http/failure-limiter";
import { handleMcpRequest } from "@/lib/mcp/http";
import { createHarness } from "@/test/harness";
import type { McpRuntime } from "@/lib/mcp/runtime";

const runtime = { env: { url: "http://localhost:3000" } } as unknown as McpRuntime;

function junk(i: number): Request {
  return new Request("http://localhost:3000/mcp", {
    method: "POST",
    headers: {
      authorization: `Bearer junk-${i}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/list" }),
  });
}

describe("/mcp and the per-address limit on invalid tokens", () => {
  it("answers 401 up to the limit, then 429 with Retry-After; other addresses are unaffected", async () => {
    const summaries: FailureSummary[] = [];
    const failures = createFailureLimiter({ limit: 100, report: (s) => summaries.push(s) });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 150; i++) {
      const response = await handleMcpRequest(junk(i), runtime, { ip: "203.0.113.7" }, { failures });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const other = await handleMcpRequest(junk(999), runtime, { ip: "198.51.100.1" }, { failures });
    expect(other.status).toBe(401);
  });
});

describe("/mcp reads at most 64 KiB of a body before the token is known", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase("pglite");
  });
  afterAll(async () => {
    await db?.cleanup();
  });

  it("a well-formed but unknown token with a 20 MiB streamed body gets 401 after well under 1 MiB", async () => {
    let sent = 0;
    let cancelled = false;
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://localhost:3000/mcp", {
      method: "POST",
      headers: {
        authorization: `Bearer ${generateServiceToken()}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body,
      duplex: "half",
    } as RequestInit);
    const failures = createFailureLimiter({ report: () => {} });
    const live = {
      db: db.db,
      env: { url: "http://localhost:3000", maxBodyBytes: 10 * 1024 * 1024 },
    } as unknown as McpRuntime;
    const response = await handleMcpRequest(request, live, { ip: "203.0.113.9" }, { failures });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/resource_metadata=/);
    expect(sent).toBeLessThan(1024 * 1024);
    expect(cancelled).toBe(true);
  });

  it("an authenticated body past the limit is 413 payload_too_large, said in the okoro-error header too", async () => {
    const h = await createHarness(db.db, "http://127.0.0.1:9");
    const { token } = await h.createToken({ grants: { github: ["read"] } });
    const live = {
      db: db.db,
      env: { url: "http://localhost:3000", maxBodyBytes: 1024 },
    } as unknown as McpRuntime;
    const request = new Request("http://localhost:3000/mcp", {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { pad: "x".repeat(300_000) } }),
    });
    const failures = createFailureLimiter({ report: () => {} });
    const response = await handleMcpRequest(request, live, { ip: "203.0.113.10" }, { failures });
    expect(response.status).toBe(413);
    expect(response.headers.get("okoro-error")).toBe("payload_too_large");
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
    await h.close();
  });
});
