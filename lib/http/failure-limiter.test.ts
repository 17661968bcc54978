import { describe, expect, it } from "vitest";
import { createFailureLimiter, OVERFLOW_BUCKET, type FailureSummary } from "@/lib/http/failure-limiter";

function limiter(options: { limit?: number; maxTracked?: number } = {}) {
  let t = Date.UTC(2026, 0, 1, 12, 0, 10);
  const reports: FailureSummary[] = [];
  const l = createFailureLimiter({
    limit: options.limit ?? 3,
    maxTracked: options.maxTracked,
    now: () => t,
    report: (s) => reports.push(s),
  });
  return { l, reports, advance: (ms: number) => (t += ms) };
}

describe("failure limiter", () => {
  it("lets `limit` failures be audited, then refuses the address until the minute ends", () => {
    const { l, reports, advance } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.refuse("203.0.113.7")).toBeNull();
      expect(l.fail("203.0.113.7")).toBe(true);
    }
    const refusal = l.refuse("203.0.113.7");
    expect(refusal?.code).toBe("rate_limited");
    expect(refusal?.headers["Retry-After"]).toBe("50");
    expect(l.refuse("198.51.100.1")).toBeNull();
    // a failure that raced past the check is counted, not audited
    expect(l.fail("203.0.113.7")).toBe(false);
    expect(reports).toHaveLength(0);
    advance(50_000);
    expect(l.refuse("203.0.113.7")).toBeNull();
    l.flush();
    expect(reports).toEqual([
      { bucket: "203.0.113.7", count: 2, limit: 3, windowStart: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)) },
    ]);
    expect(l.tracked).toBe(0);
    l.close();
  });

  it("counts an IPv6 /64 as one address", () => {
    const { l } = limiter();
    for (let i = 1; i <= 3; i++) l.fail(`2001:db8:1:2::${i}`);
    expect(l.refuse("2001:db8:1:2:ffff::1")?.code).toBe("rate_limited");
    expect(l.refuse("2001:db8:1:3::1")).toBeNull();
    l.close();
  });

  it("an address failing in a new minute summarizes its last one", () => {
    const { l, reports, advance } = limiter();
    for (let i = 0; i < 5; i++) l.fail(null);
    advance(60_000);
    expect(l.fail(null)).toBe(true);
    expect(reports).toMatchObject([{ bucket: "unknown", count: 2 }]);
    l.close();
  });

  it("tracks at most maxTracked addresses; the rest are summarized together and never refused", () => {
    const { l, reports, advance } = limiter({ maxTracked: 10 });
    for (let i = 0; i < 10; i++) l.fail(`10.0.0.${i}`);
    for (let i = 0; i < 100; i++) expect(l.fail(`10.0.1.${i}`)).toBe(i < 3);
    expect(l.tracked).toBe(10);
    expect(l.refuse("10.0.1.1")).toBeNull();
    advance(60_000);
    l.flush();
    expect(reports).toMatchObject([{ bucket: OVERFLOW_BUCKET, count: 97 }]);
    expect(l.tracked).toBe(0);
    l.close();
  });
});
