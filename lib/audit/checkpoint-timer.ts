// Under `npm start` and `next dev` the server lives between requests: a timer pokes the
// checkpoint scheduler, so events written outside the proxy's pipe (in transactions) are
// covered within a minute too. It never keeps the process alive. On serverless hosts the
// cron route does this job (a frozen function's timer simply does not fire).
import "server-only";
import { getDb } from "@/lib/serve/database";
import { checkpointScheduler } from "@/lib/audit/checkpoint";
import { getEnv } from "@/lib/env";
import { getSlot, setSlot } from "@/lib/serve/slots";

export function startCheckpointTimer(everyMs = 20_000): void {
  if (getSlot("checkpointTimer")) return;
  setSlot("checkpointTimer", true);
  setInterval(() => {
    getDb()
      .then((db) => checkpointScheduler(db, getEnv().masterKeys).poke())
      .catch(() => {
        // the database is down: the next tick tries again
      });
  }, everyMs).unref();
}
