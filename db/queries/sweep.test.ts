// Sweeping the growing tables, on every database driver: rows that can no longer matter go,
// live ones stay, in bounded batches; and a process sweeps at most once per interval.
// Rows are dated relative to the database's clock, the one the sweeps judge by.
import { sql } from "drizzle-orm";
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  sweepAccountTokens,
  sweepApprovals,
  sweepLimitCounters,
  sweepOAuthCodes,
  sweepOAuthStates,
  sweepOAuthTokens,
  sweepStaleOAuthClients,
  sweepUsedJtis,
} from "@/db/queries/sweep";
import {
  accountTokens,
  approvals,
  limitCounters,
  oauthClients,
  oauthCodes,
  oauthStates,
  oauthTokens,
  usedJtis,
} from "@/db/schema";
import { newId } from "@/lib/ids";
import { resetSweepStateForTesting, sweepExpiredRows, sweepIfDue, SWEEP_INTERVAL_MS } from "@/lib/sweep";
import { describeDatabases } from "@/test/databases";
import { createHarness, type Harness } from "@/test/harness";

describeDatabases("sweeping expired rows", (getDb) => {
  let h: Harness;
  let tokenId: string;
  const db = () => getDb().db;

  /** The database's now() shifted by an interval, e.g. at("-2 minutes"). */
  const at = async (shift: string): Promise<Date> => {
    const result = await db().execute(sql`SELECT (now() + ${shift}::interval) AS t`);
    return new Date((result as unknown as { rows: { t: string | Date }[] }).rows[0].t);
  };
  const keys = async <T>(rows: Promise<T[]>, pick: (row: T) => string) => (await rows).map(pick).sort();

  beforeAll(async () => {
    h = await createHarness(db(), "http://127.0.0.1:9");
    tokenId = (await h.createToken({ grants: { github: ["read"] } })).row.id;
  });
  beforeEach(async () => {
    for (const table of [usedJtis, limitCounters, oauthStates, approvals]) await db().delete(table);
    resetSweepStateForTesting();
  });

  it("used jtis: gone a minute after their token expired, kept while it may still be presented", async () => {
    await db()
      .insert(usedJtis)
      .values([
        { jti: "expired-long-ago", expiresAt: await at("-1 day") },
        { jti: "expired-2-min", expiresAt: await at("-2 minutes") },
        { jti: "just-expired", expiresAt: await at("-5 seconds") },
        { jti: "live", expiresAt: await at("5 minutes") },
      ]);
    expect(await sweepUsedJtis(db(), { limit: 100 })).toBe(2);
    expect(await keys(db().select().from(usedJtis), (r) => r.jti)).toEqual(["just-expired", "live"]);
  });

  it("limit counters: gone once their window is over; monthly quotas last the month", async () => {
    const monthStart = async (shiftMonths: number) => {
      const result = await db().execute(
        sql`SELECT (date_trunc('month', now() AT TIME ZONE 'utc') AT TIME ZONE 'utc') + make_interval(months => ${shiftMonths}::int) AS t`,
      );
      return new Date((result as unknown as { rows: { t: string | Date }[] }).rows[0].t);
    };
    await db()
      .insert(limitCounters)
      .values([
        { key: "svc:old:rate", windowStart: await at("-2 days"), count: 5 },
        { key: "ip:bad-exchange:203.0.113.9", windowStart: await at("-25 hours"), count: 99 },
        { key: "svc:old:quota:day", windowStart: await at("-3 days"), count: 7 },
        { key: "svc:old:quota:month", windowStart: await monthStart(-1), count: 700 },
        { key: "svc:live:rate", windowStart: await at("-30 seconds"), count: 3 },
        { key: "ip:signin:198.51.100.4", windowStart: await at("-5 minutes"), count: 2 },
        { key: "svc:live:quota:day", windowStart: await at("-2 hours"), count: 40 },
        { key: "svc:live:quota:month", windowStart: await monthStart(0), count: 400 },
      ]);
    expect(await sweepLimitCounters(db(), { limit: 100 })).toBe(4);
    expect(await keys(db().select().from(limitCounters), (r) => r.key)).toEqual([
      "ip:signin:198.51.100.4",
      "svc:live:quota:day",
      "svc:live:quota:month",
      "svc:live:rate",
    ]);
  });

  it("account links: gone a day past their expiry, used or not; younger ones kept", async () => {
    const link = async (id: string, expiresIn: string, used = false) => ({
      id,
      userId: h.user.id,
      purpose: "reset_password" as const,
      tokenHash: `hash-${id}`,
      expiresAt: await at(expiresIn),
      usedAt: used ? await at("-3 days") : null,
    });
    await db()
      .insert(accountTokens)
      .values([
        await link("old-unused", "-2 days"),
        await link("old-used", "-26 hours", true),
        await link("expired-recently", "-2 hours"),
        await link("live", "20 minutes"),
      ]);
    expect(await sweepAccountTokens(db(), { limit: 100 })).toBe(2);
    expect(await keys(db().select().from(accountTokens), (r) => r.id)).toEqual(["expired-recently", "live"]);
  });

  it("OAuth connect states: gone once expired, pending ones kept", async () => {
    const state = async (stateHash: string, expiresIn: string) => ({
      stateHash,
      userId: h.user.id,
      provider: "github",
      createdAt: await at("-20 minutes"),
      expiresAt: await at(expiresIn),
    });
    await db()
      .insert(oauthStates)
      .values([await state("abandoned", "-10 minutes"), await state("pending", "5 minutes")]);
    expect(await sweepOAuthStates(db(), { limit: 100 })).toBe(1);
    expect(await keys(db().select().from(oauthStates), (r) => r.stateHash)).toEqual(["pending"]);
  });

  it("approvals: gone long after their window closed, whatever their status; recent ones kept", async () => {
    const approval = async (intent: string, status: "pending" | "used" | "denied" | "expired", expiresIn: string) => ({
      id: newId("apr"),
      userId: h.user.id,
      serviceTokenId: tokenId,
      provider: "github",
      scope: "read",
      intent,
      ttl: 300,
      status,
      createdAt: await at("-60 days"),
      expiresAt: await at(expiresIn),
    });
    await db()
      .insert(approvals)
      .values([
        await approval("old pending", "pending", "-31 days"),
        await approval("old used", "used", "-40 days"),
        await approval("recently expired", "expired", "-29 days"),
        await approval("recently denied", "denied", "-1 day"),
        await approval("waiting", "pending", "10 minutes"),
      ]);
    expect(await sweepApprovals(db(), { limit: 100, days: 30 })).toBe(2);
    expect(await keys(db().select().from(approvals), (r) => r.intent)).toEqual([
      "recently denied",
      "recently expired",
      "waiting",
    ]);
  });

  it("OAuth for MCP clients: codes an hour past expiry, expired tokens and day-old registrations nobody authorized go", async () => {
    await db()
      .insert(oauthCodes)
      .values([
        {
          codeHash: "old-code",
          serviceTokenId: tokenId,
          clientId: "c",
          redirectUri: "https://x.example/cb",
          codeChallenge: "x",
          expiresAt: await at("-2 hours"),
        },
        {
          codeHash: "fresh-code",
          serviceTokenId: tokenId,
          clientId: "c",
          redirectUri: "https://x.example/cb",
          codeChallenge: "x",
          expiresAt: await at("-5 minutes"),
        },
      ]);
    expect(await sweepOAuthCodes(db(), { limit: 100 })).toBe(1);
    expect(await keys(db().select().from(oauthCodes), (r) => r.codeHash)).toEqual(["fresh-code"]);

    await db()
      .insert(oauthTokens)
      .values([
        {
          tokenHash: "expired-access",
          kind: "access",
          serviceTokenId: tokenId,
          clientId: "c",
          expiresAt: await at("-1 minute"),
        },
        // used (rotated) but alive: kept, so presenting it again is still seen as a replay
        {
          tokenHash: "rotated-refresh",
          kind: "refresh",
          serviceTokenId: tokenId,
          clientId: "c",
          expiresAt: await at("20 days"),
          usedAt: await at("-1 hour"),
        },
        {
          tokenHash: "live-access",
          kind: "access",
          serviceTokenId: tokenId,
          clientId: "c",
          expiresAt: await at("30 minutes"),
        },
      ]);
    expect(await sweepOAuthTokens(db(), { limit: 100 })).toBe(1);
    expect(await keys(db().select().from(oauthTokens), (r) => r.tokenHash)).toEqual(["live-access", "rotated-refresh"]);

    await db()
      .insert(oauthClients)
      .values([
        { id: "stale", name: "s", redirectUris: [], createdAt: await at("-2 days") },
        {
          id: "authorized",
          name: "a",
          redirectUris: [],
          createdAt: await at("-30 days"),
          lastAuthorizedAt: await at("-29 days"),
        },
        { id: "new", name: "n", redirectUris: [], createdAt: await at("-1 hour") },
      ]);
    expect(await sweepStaleOAuthClients(db(), { limit: 100 })).toBe(1);
    expect(await keys(db().select().from(oauthClients), (r) => r.id)).toEqual(["authorized", "new"]);
  });

  it("sweeps in bounded batches: a backlog goes over several statements, each at most the batch", async () => {
    const expired = await at("-1 hour");
    await db()
      .insert(usedJtis)
      .values(Array.from({ length: 25 }, (_, i) => ({ jti: `old-${i}`, expiresAt: expired })));
    expect(await sweepUsedJtis(db(), { limit: 10 })).toBe(10);
    expect(await sweepExpiredRows(db(), { batch: 10, maxBatches: 1 })).toMatchObject({ usedJtis: 10 });
    expect(await sweepExpiredRows(db(), { batch: 10 })).toMatchObject({
      usedJtis: 5,
      limitCounters: 0,
      oauthStates: 0,
      approvals: 0,
    });
    expect(await db().select().from(usedJtis)).toEqual([]);
  });

  it("a process sweeps at most once per interval", async () => {
    const expired = await at("-1 hour");
    const started = Date.now();
    await db().insert(usedJtis).values({ jti: "first", expiresAt: expired });
    await sweepIfDue(async () => db(), started);
    expect(await db().select().from(usedJtis)).toEqual([]);

    await db().insert(usedJtis).values({ jti: "second", expiresAt: expired });
    expect(sweepIfDue(async () => db(), started + SWEEP_INTERVAL_MS - 1)).toBeUndefined();
    expect(await keys(db().select().from(usedJtis), (r) => r.jti)).toEqual(["second"]);
    await sweepIfDue(async () => db(), started + SWEEP_INTERVAL_MS);
    expect(await db().select().from(usedJtis)).toEqual([]);
  });

  it("a failing sweep is logged, not thrown", async () => {
    await expect(sweepIfDue(async () => Promise.reject(new Error("database is down")))).resolves.toBeUndefined();
  });
});
