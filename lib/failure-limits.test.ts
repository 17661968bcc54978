// A flood of invalid tokens from one address: after 100 in a minute the address gets 429
// before anything is verified, at the proxy and the exchange alike; the audit log gets the
// first 100 and then one summary, not a row per request; other addresses are unaffected,
// and an IPv6 client counts by its /64.
import { and, eq, gte, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, limitCounters } from "@/db/schema";
import { SYSTEM_CHAIN } from "@/lib/audit/chain";
import { BAD_EXCHANGE_LIMIT, handleExchange } from "@/lib/exchange";
import { generateServiceToken } from "@/lib/tokens/service-token";
import { recordFailureSummary } from "@/lib/failure-limits";
import { createFailureLimiter, FAILURE_LIMIT, type FailureLimiter } from "@/lib/http/failure-limiter";
import { createProxy } from "@/lib/serve/deps";
import type { ProxyHandler } from "@/lib/proxy/handler";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, type Harness } from "@/test/harness";
import { useUpstream } from "@/test/use-upstream";

const upstream = useUpstream();

const FLOOD = 1000;

describeDatabases("invalid tokens per client address", (getDb) => {
  let h: Harness;
  let proxy: ProxyHandler;
  let failures: FailureLimiter;
  let clock = Date.UTC(2030, 0, 1, 0, 0, 5);
  let svc: string;

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url);
    await h.connect("github");
    svc = (await h.createToken({ grants: { github: ["read"] } })).token;
    // the limiter on a clock the test moves, so a minute can end without waiting for it
    failures = createFailureLimiter({ now: () => clock, report: recordFailureSummary(getDb().db) });
    proxy = createProxy({ db: getDb().db, env: h.env, failures });
    return () => failures.close();
  });

  const call = (ip: string, token: string) =>
    proxy(new Request(`${OKORO_URL}/p/github/user`, { headers: { authorization: `Bearer ${token}` } }), { ip });
  const exchange = (ip: string, token: string) =>
    handleExchange(
      new Request(`${OKORO_URL}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ provider: "github", scope: "read", intent: "list issues" }),
      }),
      { db: getDb().db, url: OKORO_URL, ip, userAgent: "vitest", failures },
    );

  /** Sends `n` requests, 50 at a time; returns the statuses. */
  async function flood(n: number, send: (i: number) => Promise<Response>): Promise<Response[]> {
    const out: Response[] = [];
    for (let i = 0; i < n; i += 50)
      out.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => send(i + j)))));
    return out;
  }

  const rowsFor = (ips: string[], since: Date) =>
    getDb()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, SYSTEM_CHAIN), inArray(auditEvents.ip, ips), gte(auditEvents.at, since)));

  /** Ends the limiter's minute and waits for its summaries to be written. */
  async function endMinute(ips: string[], since: Date) {
    clock += 60_000;
    failures.flush();
    for (let i = 0; i < 100; i++) {
      if ((await rowsFor(ips, since)).some((r) => r.error === "rate_limited")) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("at /p/: 1 000 bad tokens from one address get 429s and fewer than 200 audit rows; another address is unaffected", async () => {
    const since = new Date(Date.now() - 1000);
    const ip = "203.0.113.7";
    const answers = await flood(FLOOD, (i) => call(ip, `not-a-jwt-${i}`));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(FAILURE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(FLOOD - FAILURE_LIMIT);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get("okoro-error")).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: "rate_limited" });

    // refused before verifying: even a valid token from that address waits for the minute
    const op = await h.operationToken(svc, { provider: "github", scope: "read", intent: "list issues" });
    expect((await call(ip, op)).status).toBe(429);
    // another address: its own bucket
    expect((await call("198.51.100.1", op)).status).toBe(200);
    expect((await call("198.51.100.1", "bad")).status).toBe(401);
    // the exchange is the same door for this limit
    expect((await exchange(ip, "svc_bad")).status).toBe(429);

    await endMinute([ip], since);
    const rows = await rowsFor([ip], since);
    expect(rows.length).toBeLessThan(200);
    expect(rows.filter((r) => r.error === "invalid_token")).toHaveLength(FAILURE_LIMIT);
    const summaries = rows.filter((r) => r.error === "rate_limited");
    expect(summaries).toHaveLength(1);
    // 900 of the flood, the valid token and the exchange
    expect(summaries[0]).toMatchObject({ event: "proxy.denied", outcome: "denied", status: 429, count: 902 });
    // and the new minute starts clean
    expect((await call(ip, op)).status).toBe(200);
  });

  it("at /api/token: 1 000 bad service tokens from one address get 429s and fewer than 200 audit rows", async () => {
    const since = new Date(Date.now() - 1000);
    const ip = "192.0.2.44";
    const answers = await flood(FLOOD, (i) => exchange(ip, `svc_not_a_token_${i}`));
    const statuses = answers.map((r) => r.status);
    // malformed tokens never reach the shared database limit: exactly the first 100 get 401
    expect(statuses.filter((s) => s === 401)).toHaveLength(FAILURE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(FLOOD - FAILURE_LIMIT);
    await endMinute([ip], since);
    const rows = await rowsFor([ip], since);
    expect(rows.length).toBeLessThan(200);
    // the 900 refused before reading anything
    expect(rows.filter((r) => r.error === "rate_limited")).toMatchObject([
      { event: "proxy.denied", count: FLOOD - FAILURE_LIMIT },
    ]);
    // another address can still exchange
    const ok = await handleExchange(
      new Request(`${OKORO_URL}/api/token`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${svc}` },
        body: JSON.stringify({ provider: "github", scope: "read", intent: "list issues" }),
      }),
      { db: getDb().db, url: OKORO_URL, ip: "192.0.2.45", userAgent: "vitest", failures },
    );
    expect(ok.status).toBe(200);
  });

  it("well-formed unknown service tokens: 100 a minute per address across processes, then 429", async () => {
    // no per-process limiter here: only the database's count, which every instance shares
    const bare = (ip: string, token: string) =>
      handleExchange(
        new Request(`${OKORO_URL}/api/token`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ provider: "github", scope: "read", intent: "list issues" }),
        }),
        { db: getDb().db, url: OKORO_URL, ip, userAgent: "vitest" },
      );
    // the database's minutes are aligned to the clock: do not straddle one
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 200));
    const ip = "192.0.2.61";
    const statuses: number[] = [];
    for (let i = 0; i < BAD_EXCHANGE_LIMIT + 5; i++) statuses.push((await bare(ip, generateServiceToken())).status);
    expect(statuses.slice(0, BAD_EXCHANGE_LIMIT)).toEqual(Array(BAD_EXCHANGE_LIMIT).fill(401));
    expect(statuses.slice(BAD_EXCHANGE_LIMIT)).toEqual(Array(5).fill(429));
    // garbage from another address is refused by its format and not counted in the database
    for (let i = 0; i < BAD_EXCHANGE_LIMIT + 5; i++)
      expect((await bare("192.0.2.62", `svc_junk_${i}`)).status).toBe(401);
    const counters = await getDb()
      .db.select()
      .from(limitCounters)
      .where(eq(limitCounters.key, "ip:bad-exchange:192.0.2.62"));
    expect(counters).toHaveLength(0);
  });

  describe("IPv6", () => {
    it("addresses in one /64 share a bucket; the next /64 does not", async () => {
      await flood(FAILURE_LIMIT, (i) => call(`2001:db8:1:2::${(i + 1).toString(16)}`, "bad"));
      expect((await call("2001:db8:1:2:ffff:ffff:ffff:ffff", "bad")).status).toBe(429);
      expect((await call("2001:db8:1:3::1", "bad")).status).toBe(401);
    });
  });
});
