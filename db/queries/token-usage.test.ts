import { expect, it } from "vitest";
import { hitWindow } from "@/db/queries/limits";
import { createServiceToken } from "@/lib/tokens/service-tokens";
import { currentWindowStart, quotaKey, rateKey, tokenLimitUsage } from "@/db/queries/token-usage";
import { createUser } from "@/lib/users";
import { limitCounters } from "@/db/schema";
import { describeDatabases } from "@/test/databases";

it("aligns windows like the SQL counters do (UTC)", () => {
  const now = new Date("2026-03-31T23:59:30.500Z");
  expect(currentWindowStart({ kind: "seconds", seconds: 60 }, now).toISOString()).toBe("2026-03-31T23:59:00.000Z");
  expect(currentWindowStart({ kind: "day" }, now).toISOString()).toBe("2026-03-31T00:00:00.000Z");
  expect(currentWindowStart({ kind: "month" }, now).toISOString()).toBe("2026-03-01T00:00:00.000Z");
});

describeDatabases("service token limit usage", (handle) => {
  const db = () => handle().db;

  it("reads the proxy's counters for the current windows, and nothing for tokens without limits", async () => {
    const user = await createUser(db(), { email: `usage-${Date.now()}@example.com` });
    const known = () => true;
    const limited = await createServiceToken(
      db(),
      { userId: user.id, name: "limited", grants: { openai: ["read"] }, rateLimit: 5, quota: 3, quotaPeriod: "day" },
      known,
    );
    const monthly = await createServiceToken(
      db(),
      { userId: user.id, name: "monthly", grants: { openai: ["read"] }, quota: 1000, quotaPeriod: "month" },
      known,
    );
    const free = await createServiceToken(db(), { userId: user.id, name: "free", grants: { openai: ["read"] } }, known);

    // keep both rate hits inside one minute window
    if (Date.now() % 60_000 > 57_000) await new Promise((r) => setTimeout(r, 3_500));
    // the proxy's own counting: two requests this minute, and four against a quota of three
    for (let i = 0; i < 2; i++) await hitWindow(db(), rateKey(limited.row.id), 5, { kind: "seconds", seconds: 60 });
    for (let i = 0; i < 4; i++) await hitWindow(db(), quotaKey(limited.row.id, "day"), 3, { kind: "day" });

    const usage = await tokenLimitUsage(db(), [limited.row, monthly.row, free.row]);
    const l = usage.get(limited.row.id)!;
    expect(l.rate).toMatchObject({ used: 2, limit: 5, exhausted: false });
    expect(l.rate!.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
    // the refused fourth request is counted by the proxy but the display stops at the limit
    expect(l.quota).toMatchObject({ used: 3, limit: 3, exhausted: true, period: "day" });
    const now = new Date();
    expect(l.quota!.resetAt.toISOString()).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString(),
    );

    expect(usage.get(monthly.row.id)).toEqual({
      rate: null,
      quota: expect.objectContaining({ used: 0, limit: 1000, exhausted: false, period: "month" }),
    });
    expect(usage.get(free.row.id)).toEqual({ rate: null, quota: null });
  });

  it("reads a counter left from an earlier window as 0", async () => {
    const user = await createUser(db(), { email: `usage-old-${Date.now()}@example.com` });
    const { row } = await createServiceToken(
      db(),
      { userId: user.id, name: "old", grants: { github: ["read"] }, rateLimit: 10, quota: 50, quotaPeriod: "day" },
      () => true,
    );
    await db()
      .insert(limitCounters)
      .values([
        { key: rateKey(row.id), windowStart: new Date(Date.now() - 5 * 60_000), count: 9 },
        { key: quotaKey(row.id, "day"), windowStart: new Date(Date.now() - 2 * 86_400_000), count: 50 },
      ]);
    const usage = (await tokenLimitUsage(db(), [row])).get(row.id)!;
    expect(usage.rate).toMatchObject({ used: 0, exhausted: false });
    expect(usage.quota).toMatchObject({ used: 0, exhausted: false });
  });

  it("asks nothing of the database when no token has limits", async () => {
    expect(await tokenLimitUsage(db(), [])).toEqual(new Map());
  });
});
