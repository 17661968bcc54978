import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

describeDatabases("limits on proxied requests", (getDb) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
  });

  it("30 concurrent requests with rate_limit 10: exactly 10 reach the upstream", async () => {
    const { token } = await h.createToken({ name: "rated", grants: { github: ["read"] }, rateLimit: 10 });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list issues" });
    const results = await Promise.all(Array.from({ length: 30 }, () => h.call(op, "GET", "github/user")));
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(limited).toHaveLength(20);
    expect(upstream.received).toHaveLength(10);
    for (const r of limited) {
      expect(r.headers.get("okoro-error")).toBe("rate_limited");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(ok[0].headers.get("ratelimit-limit")).toBe("10");
    expect(Number(ok[0].headers.get("ratelimit-remaining"))).toBeLessThan(10);
    expect(ok[0].headers.get("ratelimit-reset")).toMatch(/^\d+$/);
  });

  it("20 concurrent requests against a remaining quota of 5: exactly 5", async () => {
    const { token, row } = await h.createToken({
      name: "quota",
      grants: { github: ["read"] },
      quota: 8,
      quotaPeriod: "day",
    });
    const op = await h.operationToken(token, { provider: "github", scope: "read", intent: "list issues" });
    for (let i = 0; i < 3; i++) expect((await h.call(op, "GET", "github/user")).status).toBe(200);
    upstream.reset();
    const results = await Promise.all(Array.from({ length: 20 }, () => h.call(op, "GET", "github/user")));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(15);
    const body = await refused[0].json();
    expect(body.error).toBe("quota_exceeded");
    // the description names the reset time: the next UTC midnight
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect(body.error_description).toContain(midnight);
    expect(upstream.received).toHaveLength(5);
    // the quota counts across providers for the token, not per provider
    const counters = await getDb().db.execute(sql`SELECT key FROM limit_counters WHERE key LIKE ${`svc:${row.id}:%`}`);
    expect((counters as unknown as { rows: unknown[] }).rows).toHaveLength(1);
  });
});
