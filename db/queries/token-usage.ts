// How much of its limits each service token has used in the current window (docs/limits.md#limits), for
// the tokens page: "37 / 1000 today". Reads the counters the proxy keeps in
// limit_counters (keys `svc:<id>:rate` and `svc:<id>:quota:<day|month>`, see
// lib/serve/proxy-authorize.ts) in one query, and never writes: windows roll over lazily
// on the next request, so a counter whose window has passed simply reads as 0 here.
import "server-only";
import { inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { windowEnd, type Window } from "@/db/queries/limits";
import { limitCounters, type ServiceToken } from "@/db/schema";

export type LimitUsage = {
  /** requests counted in the current window, at most `limit` (refused attempts count too, past it) */
  used: number;
  limit: number;
  /** true once the window's allowance is spent: further requests get 429 until resetAt */
  exhausted: boolean;
  resetAt: Date;
};

export type TokenUsage = {
  rate: LimitUsage | null;
  quota: (LimitUsage & { period: "day" | "month" }) | null;
};

type LimitedToken = Pick<ServiceToken, "id" | "rateLimit" | "quota" | "quotaPeriod">;

const RATE_WINDOW: Window = { kind: "seconds", seconds: 60 };

export function rateKey(tokenId: string): string {
  return `svc:${tokenId}:rate`;
}

export function quotaKey(tokenId: string, period: "day" | "month"): string {
  return `svc:${tokenId}:quota:${period}`;
}

/** Start of the window containing `now`, aligned like db/queries/limits.ts does it in SQL (UTC). */
export function currentWindowStart(window: Window, now: Date): Date {
  switch (window.kind) {
    case "seconds":
      return new Date(Math.floor(now.getTime() / (window.seconds * 1000)) * window.seconds * 1000);
    case "day":
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    case "month":
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  }
}

function usageOf(
  row: { windowStart: Date; count: number } | undefined,
  limit: number,
  window: Window,
  now: Date,
): LimitUsage {
  const start = currentWindowStart(window, now);
  const count = row && row.windowStart.getTime() >= start.getTime() ? row.count : 0;
  return { used: Math.min(count, limit), limit, exhausted: count >= limit, resetAt: windowEnd(start, window) };
}

/** Usage per token id; tokens without limits get `{ rate: null, quota: null }`. */
export async function tokenLimitUsage(
  db: Queryable,
  tokens: LimitedToken[],
  now = new Date(),
): Promise<Map<string, TokenUsage>> {
  const keys = tokens.flatMap((t) => [
    ...(t.rateLimit ? [rateKey(t.id)] : []),
    ...(t.quota && t.quotaPeriod ? [quotaKey(t.id, t.quotaPeriod)] : []),
  ]);
  const rows = keys.length
    ? await db
        .select({ key: limitCounters.key, windowStart: limitCounters.windowStart, count: limitCounters.count })
        .from(limitCounters)
        .where(inArray(limitCounters.key, keys))
    : [];
  const byKey = new Map(rows.map((r) => [r.key, r]));

  return new Map(
    tokens.map((t) => [
      t.id,
      {
        rate: t.rateLimit ? usageOf(byKey.get(rateKey(t.id)), t.rateLimit, RATE_WINDOW, now) : null,
        quota:
          t.quota && t.quotaPeriod
            ? {
                ...usageOf(byKey.get(quotaKey(t.id, t.quotaPeriod)), t.quota, { kind: t.quotaPeriod }, now),
                period: t.quotaPeriod,
              }
            : null,
      },
    ]),
  );
}
