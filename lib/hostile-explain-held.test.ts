// Hostile clients against the two newest agent endpoints, POST /api/explain and
// GET /api/held/{id} (docs/security.md#hostile-input): a client without a token cannot make
// okoro wait on its body, oversize and malformed input is refused with a 4xx (never a 500),
// agent text the database cannot store changes nothing, nothing reaches the upstream, and
// bad tokens are limited per address.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditEvents, heldRequests } from "@/db/schema";
import { handleExplain } from "@/lib/explain";
import { handleHeldPoll } from "@/lib/held/poll";
import { FAILURE_WINDOW_MS } from "@/lib/http/failure-limiter";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness, OKORO_URL } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

/** A body that sends one chunk and then never ends: a slow (or stalled) client. */
function stalledBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"method":"GET","path":"/us'));
    },
  });
}

describeDatabases("hostile input at /api/explain and /api/held/{id}", (getDb) => {
  let h: Harness;
  let svc: string;
  let tokenId: string;

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    const created = await h.createToken({ name: "hostile", grants: { github: ["read", "delete"] } });
    svc = created.token;
    tokenId = created.row.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const explain = (init: RequestInit & { ip?: string }) => {
    const verifier = getOperationTokenVerifier(h.db, { issuer: h.env.url });
    return handleExplain(
      new Request(`${OKORO_URL}/api/explain`, { method: "POST", ...init, duplex: "half" } as RequestInit),
      { db: h.db, ip: init.ip ?? "192.0.2.10", verify: (t) => verifier.verify(t), failures: h.failures },
    );
  };
  const poll = (id: string, token: string | null, ip = "192.0.2.20") =>
    handleHeldPoll(
      new Request(`${OKORO_URL}/api/held/x`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
      { db: h.db, url: OKORO_URL, ip, userAgent: "vitest", failures: h.failures },
      id,
    );
  const auditRows = async () =>
    (await h.db.select().from(auditEvents).where(eq(auditEvents.serviceTokenId, tokenId))).length;

  it("explain: without a token, a stalled body is not waited on (401 at once)", async () => {
    for (const authorization of [undefined, "Bearer svc_not-a-real-token", "Basic abc"]) {
      const started = performance.now();
      const res = await explain({
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: stalledBody(),
        ip: "192.0.2.11",
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_token");
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it("explain: a body over 64 KiB is 413, by its length or as it streams", async () => {
    const big = JSON.stringify({ method: "GET", path: "/user", intent: "x".repeat(70_000) });
    const declared = await explain({
      headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    });
    const streamed = await explain({
      headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
      body: chunks,
    });
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: string }).error).toBe("payload_too_large");
  });

  it("explain: a 16 KiB path, NUL bytes, bidi controls and lone surrogates get a 4xx or an answer, never a 500, and reach nothing", async () => {
    const before = await auditRows();
    const hostile = [
      { provider: "github", method: "GET", path: `/${"a/".repeat(8 * 1024)}` },
      { provider: "github", method: "GET", path: "/repos/o/r\u0000/issues", intent: "nul \u0000 intent" },
      { provider: "github", method: "DELETE", path: "/repos/o/\u202er/issues", query: "q=\ud800" },
      { provider: "git\udc00hub", method: "GET", path: "/user" },
      { provider: "github", method: "G\u0000ET", path: "/user" },
      { provider: "github", method: "GET", path: "/../../evil.example/x" },
      { provider: "github", method: "GET", path: "/user", body: "\ud83d".repeat(1000) },
    ];
    for (const body of hostile) {
      const res = await explain({
        headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeLessThan(500);
      const json = (await res.json()) as Record<string, unknown>;
      expect(typeof json).toBe("object");
    }
    // raw bytes that are not UTF-8 JSON at all
    const raw = await explain({
      headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x22, 0x7d]),
    });
    expect(raw.status).toBe(400);
    expect(upstream.received).toHaveLength(0);
    expect(await auditRows()).toBe(before);
  });

  it("held poll: oversize, NUL, lone-surrogate and traversal ids are 404 for a good token and 401 without one", async () => {
    const ids = [
      `apr_${"A".repeat(16 * 1024)}`,
      "apr_\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
      "apr_\ud800AAAAAAAAAAAAAAAAAAAAA",
      "../../api/token",
      "apr_AAAAAAAAAAAAAAAAAAAAAA' OR '1'='1",
      "",
    ];
    for (const id of ids) {
      const started = performance.now();
      const res = await poll(id, svc);
      expect(res.status, id.slice(0, 40)).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe("not_found");
      expect(performance.now() - started).toBeLessThan(1000);
      // the token is checked first: nothing is said about any id without one
      expect((await poll(id, null, "192.0.2.21")).status).toBe(401);
    }
    expect(await h.db.select().from(heldRequests)).toHaveLength(0);
    expect(upstream.received).toHaveLength(0);
  });

  it("bad tokens are limited per address at both, and another address is unaffected", async () => {
    // the limiter's minutes are aligned to the clock: do not straddle one
    const left = FAILURE_WINDOW_MS - (Date.now() % FAILURE_WINDOW_MS);
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) {
      statuses.push((await poll("apr_AAAAAAAAAAAAAAAAAAAAAA", `svc_${"x".repeat(40)}${i}`, "198.51.100.77")).status);
    }
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
    // the same address at explain is refused too, before its body is read
    const refused = await explain({
      headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
      body: stalledBody(),
      ip: "198.51.100.77",
    });
    expect(refused.status).toBe(429);
    const elsewhere = await explain({
      headers: { authorization: `Bearer ${svc}`, "content-type": "application/json" },
      body: JSON.stringify({ provider: "github", method: "GET", path: "/user" }),
      ip: "198.51.100.200",
    });
    expect(elsewhere.status).toBe(200);
  });
});
