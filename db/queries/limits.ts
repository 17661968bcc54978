// Fixed-window counters (docs/limits.md#limits): one statement counts and rolls the window over, so N
// concurrent callers against a remaining allowance of k let exactly k through, on any
// number of app instances. Used for per-token rate limits and quotas and per-IP limits.
import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";

export type WindowResult = {
  allowed: boolean;
  /** count in the window after this call (not incremented when refused) */
  count: number;
  limit: number;
  remaining: number;
  /** when the current window ends */
  resetAt: Date;
};

/**
 * A window of at most a day, or a calendar month. The sweep (db/queries/sweep.ts) deletes a
 * counter a day after its window began unless its key ends in `:quota:month`: a longer
 * window needs a rule there too.
 */
export type Window = { kind: "seconds"; seconds: number } | { kind: "day" } | { kind: "month" };

/** SQL expression for the start of the window containing now(), in UTC. */
function windowStartSql(window: Window) {
  switch (window.kind) {
    case "day":
      return sql`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`;
    case "month":
      return sql`date_trunc('month', now() at time zone 'utc') at time zone 'utc'`;
    case "seconds":
      return sql`to_timestamp(floor(extract(epoch from now()) / ${window.seconds}) * ${window.seconds})`;
  }
}

export function windowEnd(start: Date, window: Window): Date {
  switch (window.kind) {
    case "day":
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1));
    case "month":
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case "seconds":
      return new Date(start.getTime() + window.seconds * 1000);
  }
}

/**
 * Counts one hit against `key`. Hits past the limit are counted too (that is what keeps
 * the decision exact with a single statement): the row lock of the upsert orders
 * concurrent hits, so exactly the first `limit` of a window see count ≤ limit. A newer
 * window resets the count in the same statement.
 */
export async function hitWindow(db: Queryable, key: string, limit: number, window: Window): Promise<WindowResult> {
  const start = windowStartSql(window);
  const result = await db.execute(sql`
    INSERT INTO limit_counters AS c (key, window_start, count)
    VALUES (${key}, ${start}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN c.window_start < excluded.window_start THEN 1 ELSE c.count + 1 END,
      window_start = greatest(c.window_start, excluded.window_start)
    RETURNING count, window_start`);
  const row = (result as unknown as { rows: { count: number | string; window_start: string | Date }[] }).rows[0];
  const count = Number(row.count);
  return {
    allowed: count <= limit,
    count,
    limit,
    remaining: Math.max(0, limit - count),
    resetAt: windowEnd(new Date(row.window_start), window),
  };
}
