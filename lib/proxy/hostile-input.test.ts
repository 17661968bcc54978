// Hostile agents against the exchange and the proxy: text the database cannot store must
// not fail anyone else's request nor go unlogged, and what a request costs before its token
// is known (redacting its query, looking up its provider, parsing its GraphQL) is bounded.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import { verifyChains } from "@/lib/audit/verify";
import { generateMasterKey } from "@/lib/crypto/envelope";
import { loadEnv } from "@/lib/env";
import { catalogProviders } from "@/lib/serve/deps";
import { describeDatabases } from "@/test/databases";
import { createHarness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

// what no stored text may contain: C0/C1 controls, bidi controls, lone surrogates
const UNSTORABLE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describeDatabases("hostile agent input", (getDb) => {
  it("poisoned exchanges of one user are refused with a 4xx and logged, and fail none of another user's 30 calls", async () => {
    const db = getDb().db;
    const good = await createHarness(db, upstream.url);
    await good.connect("github");
    const { token: goodSvc } = await good.createToken({ grants: { github: ["read"] } });
    const goodJwt = await good.operationToken(goodSvc, {
      provider: "github",
      scope: "read",
      intent: "list my repositories",
    });

    const bad = await createHarness(db, upstream.url);
    const { token: badSvc } = await bad.createToken({ grants: { github: ["read"] }, name: "poison-agent" });
    const poisoned = [
      { provider: "github", scope: "all", intent: "list issues", reason: "bad \u0000 reason, long enough" },
      { provider: "git\ud800hub", scope: "read", intent: "list issues" },
      { provider: "github", scope: "read", intent: "\u202echeck\u202c the \u2066issues\u2069 \u0000" },
      { provider: "github", scope: "read", intent: "lone \udc00 surrogate", reason: "\ud83d" },
    ];

    const [calls, refusals] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => good.call(goodJwt, "GET", `github/user?i=${i}`))),
      Promise.all(poisoned.map((body) => bad.exchange(badSvc, body))),
    ]);
    expect(calls.map((r) => r.status)).toEqual(Array(30).fill(200));
    for (const r of refusals) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(upstream.received).toHaveLength(30);

    const badRows = await db.select().from(auditEvents).where(eq(auditEvents.userId, bad.user.id));
    const denied = badRows.filter((r) => r.event === "token.denied");
    expect(denied).toHaveLength(poisoned.length);
    for (const row of badRows) {
      for (const text of [row.agent, row.provider, row.intent, row.reason, row.flagReason, row.userAgent]) {
        if (text !== null) expect(text).not.toMatch(UNSTORABLE);
      }
    }
    // the provider as typed is kept, made storable
    expect(denied.some((r) => r.provider === "git\ufffdhub" && r.error === "invalid_request")).toBe(true);
    expect(denied.some((r) => r.intent === "check the issues")).toBe(true);
    const goodRows = await db.select().from(auditEvents).where(eq(auditEvents.userId, good.user.id));
    expect(goodRows.filter((r) => r.event === "proxy.request")).toHaveLength(30);
    expect((await verifyChains(db)).every((c) => c.ok)).toBe(true);
  });

  it("answers 8 concurrent unauthenticated requests with a 14 kB query within 400 ms", async () => {
    const h = await createHarness(getDb().db, upstream.url);
    const path = `github/user?${"A".repeat(14_000)}=1`;
    // warm: the first request pays for loading keys and connecting
    await (await h.call("junk", "GET", path)).arrayBuffer();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.call("junk", "GET", path)));
    const took = performance.now() - started;
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(401));
    expect(took).toBeLessThan(400);
    expect(upstream.received).toHaveLength(0);
  });

  it("classifies a hostile GraphQL batch without parsing it all, before any database work", async () => {
    const h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    const { token: plaintext } = await h.createToken({ grants: { github: ["read"] } });
    const jwt = await h.operationToken(plaintext, { provider: "github", scope: "read", intent: "read my profile" });
    // ten documents of 99 999 tokens each: seconds of parsing when nothing bounds it
    const doc = `{ ${"a ".repeat(99_998)}}`;
    const body = JSON.stringify(Array.from({ length: 10 }, () => ({ query: doc })));
    const started = performance.now();
    const res = await h.call(jwt, "POST", "github/graphql", { headers: { "content-type": "application/json" }, body });
    const took = performance.now() - started;
    // over the caps is update, which this read token does not hold
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "insufficient_scope" });
    expect(took).toBeLessThan(500);
    expect(upstream.received).toHaveLength(0);
  });
});

describe("unknown providers", () => {
  it("the proxy's provider lookup remembers catalog ids only", () => {
    const env = loadEnv({
      NODE_ENV: "test",
      OKORO_URL: "http://okoro.test",
      OKORO_MASTER_KEYS: generateMasterKey("t"),
      AUTH_SECRET: "test-auth-secret-test-auth-secret-0123",
    });
    const providers = catalogProviders(env);
    for (let i = 0; i < 1000; i++) expect(providers.get(`nope-${i}-${"x".repeat(100)}`)).toBeUndefined();
    expect(providers.get("github")?.spec.id).toBe("github");
    expect(providers.size).toBe(1);
  });

  it("4 000 requests to random 12 kB provider ids grow the server by under 25 MB", async () => {
    // a child with --expose-gc: what is measured is what the proxy keeps, not garbage
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--expose-gc",
        "--conditions=react-server",
        "--import",
        "tsx",
        "test/unknown-provider-growth.ts",
        "4000",
        "12000",
      ],
      { cwd: process.cwd(), timeout: 60_000 },
    );
    const { growth } = JSON.parse(stdout) as { growth: number };
    expect(growth).toBeLessThan(25 * 1024 * 1024);
  });
});
