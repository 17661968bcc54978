import { expect, it } from "vitest";
import { hitWindow, windowEnd } from "@/db/queries/limits";
import { describeDatabases } from "@/test/databases";

describeDatabases("fixed-window limits", (db) => {
  it("lets exactly the limit through under concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => hitWindow(db().db, "t:rate", 10, { kind: "seconds", seconds: 60 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0)).toBe(true);
  });

  it("reports the end of day and month windows in UTC", async () => {
    const r = await hitWindow(db().db, "t:quota", 5, { kind: "day" });
    expect(r.allowed).toBe(true);
    const now = new Date();
    expect(r.resetAt.toISOString()).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString(),
    );
    expect(windowEnd(new Date("2026-12-01T00:00:00Z"), { kind: "month" }).toISOString()).toBe(
      "2027-01-01T00:00:00.000Z",
    );
  });

  it("rolls a window over lazily", async () => {
    const w = { kind: "seconds", seconds: 1 } as const;
    // windows are aligned to whole seconds: start just after a boundary so the first two
    // hits share a window even on a slow machine
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await hitWindow(db().db, "t:roll", 1, w);
    expect((await hitWindow(db().db, "t:roll", 1, w)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await hitWindow(db().db, "t:roll", 1, w)).allowed).toBe(true);
  });
});
