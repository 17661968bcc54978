// Counts database round trips for the benchmark (`npm run bench`, OKORO_BENCH=1 only).
// db/client.ts wraps the driver it opens with these when handed them (roundTripCounters); GET /bench/stats reads
// the total, and the harness divides the difference by the requests it sent. Nothing
// here is installed when the flag is off, so the product pays nothing for it.
//
// A round trip is one statement sent to the database and its answer: one node-postgres
// `client.query` (drizzle's extended-protocol Parse/Bind/Execute/Sync goes as one flight),
// or one PGlite `query`/`exec`; a PGlite transaction adds its BEGIN and COMMIT.

import type { RoundTripCounters } from "@/db/client";
import { slotOnce } from "@/lib/serve/slots";

export type RoundTripCounter = { trips: number };

/** One counter per process: Next.js may load this module more than once. */
function counter(): RoundTripCounter {
  return slotOnce("dbRoundTrips", () => ({ trips: 0 }));
}

/** Round trips this process has made since it started (0 when counting is off). */
export function roundTrips(): number {
  return counter().trips;
}

type Query = (...args: never[]) => unknown;

/** Replaces `target[name]` with a version that counts each call before delegating. */
function countCalls<T extends object>(target: T, name: keyof T & string, per = 1): void {
  const original = target[name] as unknown as Query;
  const c = counter();
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: never[]) {
    c.trips += per;
    return original.apply(this, args);
  };
}

/** node-postgres: every client the pool connects counts its queries (Pool.query goes through them too). */
export function countPgPool(pool: {
  on(event: "connect", listener: (client: { query: Query }) => void): unknown;
}): void {
  pool.on("connect", (client) => countCalls(client, "query"));
}

type PgliteLike = {
  query: Query;
  exec: Query;
  transaction: <R>(callback: (tx: { query: Query; sql: Query; exec: Query }) => Promise<R>) => Promise<R>;
};

/** PGlite: its public calls; a transaction's own BEGIN/COMMIT and the statements inside it. */
export function countPglite(pglite: object): void {
  const db = pglite as PgliteLike;
  countCalls(db, "query");
  countCalls(db, "exec");
  const transaction = db.transaction.bind(db);
  const c = counter();
  db.transaction = (callback) => {
    c.trips += 2;
    return transaction((tx) => {
      // the transaction object's methods call PGlite's private runners, not the ones above
      countCalls(tx, "query");
      countCalls(tx, "sql");
      countCalls(tx, "exec");
      return callback(tx);
    });
  };
}

/** What db/client.ts's openDatabase takes as `countRoundTrips`. */
export const roundTripCounters: RoundTripCounters = { pgPool: countPgPool, pglite: countPglite };
