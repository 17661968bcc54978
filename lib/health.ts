// The health check behind GET /api/health: can the database answer a trivial query?
import "server-only";
import { pingDatabase, type Database } from "@/db/client";
import { getDb } from "@/lib/serve/database";

const TIMEOUT_MS = 3_000;

/**
 * True when `select 1` succeeds within a few seconds. Never throws: a database that is
 * down, unreachable or misconfigured is simply unhealthy (the cause goes to the log).
 */
export async function databaseHealthy(db?: Database): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = (async () => {
      await pingDatabase(db ?? (await getDb()));
      return true;
    })();
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), TIMEOUT_MS);
    });
    // a probe that loses the race must not surface later as an unhandled rejection
    probe.catch(() => {});
    return await Promise.race([probe, timeout]);
  } catch (e) {
    console.error("[okoro] health check: database unavailable:", e instanceof Error ? e.message : e);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
