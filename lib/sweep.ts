// Keeping the tables that grow with traffic from growing forever: used single-use token
// ids, limit counters, abandoned OAuth connect states and long-expired approvals are
// deleted once they can no longer matter (the rules are in db/queries/sweep.ts).
//
// At most one sweep every SWEEP_INTERVAL_MS per process. A long-running server (`npm
// start`, `next dev`) runs it on a timer from instrumentation.ts; on hosts that run the
// app only while it answers (serverless), a few routes that are not the proxy's ask for
// it after their response is sent (sweepIfDue). Either way a sweep is a handful of small
// batched DELETEs off the request's path, and a failure is logged, never thrown.
import "server-only";
import type { Database } from "@/db/client";
import { getDb as processDb } from "@/lib/serve/database";
import {
  sweepAccountTokens,
  sweepApprovals,
  sweepLimitCounters,
  sweepOAuthCodes,
  sweepOAuthStates,
  sweepOAuthTokens,
  sweepStaleOAuthClients,
  sweepUsedJtis,
  sweepUserSessions,
} from "@/db/queries/sweep";
import { sweepNotificationDeliveries } from "@/db/queries/notifications";
import { deleteStaleHeld } from "@/db/queries/held";
import { recoverHeld } from "@/lib/held/execute";
import { sweepTwoFactor } from "@/db/queries/two-factor";
import { slotOnce } from "@/lib/serve/slots";

export const SWEEP_INTERVAL_MS = 5 * 60 * 1000;
/** Rows per DELETE, and DELETEs per table per sweep: a backlog goes over several sweeps. */
export const SWEEP_BATCH = 500;
export const SWEEP_MAX_BATCHES = 20;
/** How long an approval is kept after its window closed (the dashboard's recent list). */
export const APPROVAL_RETENTION_DAYS = 30;
/** How long a finished notification delivery stays listed. */
export const NOTIFICATION_RETENTION_DAYS = 30;

export type SweepCounts = {
  /** expired WebAuthn challenges and sign-in tickets */
  twoFactor: number;
  usedJtis: number;
  limitCounters: number;
  oauthStates: number;
  approvals: number;
  oauthCodes: number;
  oauthTokens: number;
  oauthClients: number;
  userSessions: number;
  notificationDeliveries: number;
  heldRequests: number;
  /** verification, reset and e-mail-change links a day past expiry */
  accountTokens: number;
};

async function drain(sweep: (limit: number) => Promise<number>, batch: number, maxBatches: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await sweep(batch);
    total += n;
    if (n < batch) break;
  }
  return total;
}

/**
 * Held requests (docs/agent-api.md#held-requests): after a restart, approved ones nobody
 * sent are sent (once) and interrupted sends are marked so; stored requests and answers
 * nobody can collect any more are deleted.
 */
async function sweepHeld(db: Database, batch: number, max: number): Promise<number> {
  await recoverHeld(db).catch((e) => console.error("[okoro] held-request recovery failed:", (e as Error).message));
  return drain((limit) => deleteStaleHeld(db, limit), batch, max);
}

/** One sweep of every growing table, in batches. */
export async function sweepExpiredRows(
  db: Database,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<SweepCounts> {
  const batch = options.batch ?? SWEEP_BATCH;
  const max = options.maxBatches ?? SWEEP_MAX_BATCHES;
  return {
    usedJtis: await drain((limit) => sweepUsedJtis(db, { limit }), batch, max),
    limitCounters: await drain((limit) => sweepLimitCounters(db, { limit }), batch, max),
    oauthStates: await drain((limit) => sweepOAuthStates(db, { limit }), batch, max),
    approvals: await drain((limit) => sweepApprovals(db, { limit, days: APPROVAL_RETENTION_DAYS }), batch, max),
    oauthCodes: await drain((limit) => sweepOAuthCodes(db, { limit }), batch, max),
    oauthTokens: await drain((limit) => sweepOAuthTokens(db, { limit }), batch, max),
    oauthClients: await drain((limit) => sweepStaleOAuthClients(db, { limit }), batch, max),
    userSessions: await drain((limit) => sweepUserSessions(db, { limit }), batch, max),
    // delivered or given up (docs/dashboard.md#notifications)
    notificationDeliveries: await drain(
      (limit) => sweepNotificationDeliveries(db, { limit, days: NOTIFICATION_RETENTION_DAYS }),
      batch,
      max,
    ),
    heldRequests: await sweepHeld(db, batch, max),
    twoFactor: await drain((limit) => sweepTwoFactor(db, { limit }), batch, max),
    accountTokens: await drain((limit) => sweepAccountTokens(db, { limit }), batch, max),
  };
}

export type SweepState = {
  lastStartedAt: number;
  running: Promise<void> | undefined;
  timer?: ReturnType<typeof setInterval>;
};

/** One state per process: Next.js may load this module more than once. */
function state(): SweepState {
  return slotOnce("sweep", () => ({ lastStartedAt: Number.NEGATIVE_INFINITY, running: undefined }));
}

/**
 * Sweeps unless this process did so less than SWEEP_INTERVAL_MS ago (or is doing so now).
 * Returns the sweep when one starts, undefined otherwise; it never rejects.
 */
export function sweepIfDue(getDb: () => Promise<Database> = processDb, now = Date.now()): Promise<void> | undefined {
  const s = state();
  if (s.running || now - s.lastStartedAt < SWEEP_INTERVAL_MS) return undefined;
  s.lastStartedAt = now;
  s.running = (async () => {
    try {
      await sweepExpiredRows(await getDb());
    } catch (e) {
      // the database may be down; the next sweep tries again
      console.error(`[okoro] sweeping expired rows failed: ${(e as Error).message}`);
    } finally {
      s.running = undefined;
    }
  })();
  return s.running;
}

/**
 * For a long-running server: asks sweepIfDue once a minute, so the first sweep comes a
 * minute after start-up and the next ones every SWEEP_INTERVAL_MS (sooner never, whoever
 * else asked). The timer is unref'd: it never keeps an otherwise finished process alive.
 */
export function startSweeper(getDb: () => Promise<Database> = processDb): void {
  const s = state();
  if (s.timer) return;
  s.timer = setInterval(() => void sweepIfDue(getDb), 60_000);
  s.timer.unref();
}

/** For tests: forget when the last sweep ran. */
export function resetSweepStateForTesting(): void {
  const s = state();
  s.lastStartedAt = Number.NEGATIVE_INFINITY;
  s.running = undefined;
}
