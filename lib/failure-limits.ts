// The process's limiter of unauthenticated failures (lib/http/failure-limiter.ts) and how
// its summaries reach the audit log. The proxy, the exchange and the approval poll share
// one limiter per process, so an address gets 100 bad tokens a minute in all, whichever
// door it knocks on.
import "server-only";
import type { Database } from "@/db/client";
import { getDb } from "@/lib/serve/database";
import { appendAudit } from "@/lib/audit/append";
import { createFailureLimiter, type FailureLimiter, type FailureSummary } from "@/lib/http/failure-limiter";
import { getSlot, slotOnce } from "@/lib/serve/slots";

/** One proxy.denied event on the system chain standing for every failure the summary counts. */
export function recordFailureSummary(db: Database | (() => Promise<Database>)) {
  return (summary: FailureSummary): void => {
    const reason = `requests with invalid tokens from this address past ${summary.limit} in the minute from ${summary.windowStart.toISOString()}: refused or counted here, not logged one by one`;
    void (typeof db === "function" ? db() : Promise.resolve(db))
      .then((d) =>
        appendAudit(d, {
          event: "proxy.denied",
          userId: null,
          outcome: "denied",
          error: "rate_limited",
          status: 429,
          ip: summary.bucket,
          count: summary.count,
          reason,
        }),
      )
      .catch((e) =>
        console.error("[okoro] could not audit a summary of invalid-token requests:", (e as Error).message),
      );
  };
}

/** The app's limiter, made on first use (the Next.js routes and `npm start`'s agent path share it). */
export function getFailureLimiter(): FailureLimiter {
  return (
    getSlot("failureLimiter") ??
    slotOnce("failureLimiter", () => createFailureLimiter({ report: recordFailureSummary(getDb) }))
  );
}
