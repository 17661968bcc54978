// The process's database: opened on first use from the environment's settings and kept in
// a process-wide slot, because Next.js may load a module more than once (route handlers,
// server components, dev reloads). db/client.ts opens databases; this decides which one.
import { openDatabase, type Database, type DbHandle } from "@/db/client";
import { roundTripCounters } from "@/lib/bench/round-trips";
import { getEnv } from "@/lib/env";
import { getSlot, promiseSlot, setSlot } from "@/lib/serve/slots";

export function getDbHandle(): Promise<DbHandle> {
  return getSlot("db") ?? promiseSlot("db", openProcessDatabase);
}

function openProcessDatabase(): Promise<DbHandle> {
  const env = getEnv();
  return openDatabase({
    driver: env.dbDriver,
    url: env.databaseUrl,
    pgliteDir: env.pgliteDir,
    neonWsProxy: env.neonWsProxy,
    // the embedded database is created and migrated on first start; servers are
    // migrated by `okoro migrate` at deploy
    migrate: env.dbDriver === "pglite",
    countRoundTrips: env.bench ? roundTripCounters : undefined,
  });
}

export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

/** For tests and the CLI: use this handle as the process's database. */
export function setDbHandle(handle: DbHandle | undefined): void {
  setSlot("db", handle ? Promise.resolve(handle) : undefined);
}
