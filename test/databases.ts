// The database suites run on every driver available: embedded PGlite always; when
// TEST_DATABASE_URL points at PostgreSQL, also on that server through `pg` and through
// Neon's serverless driver (via a local WebSocket bridge). Each suite gets a fresh,
// migrated database of its own, so suites never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { startNeonBridge } from "@/test/neon-bridge";
import type { DbDriver } from "@/lib/env";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export function availableDrivers(): DbDriver[] {
  const only = process.env.TEST_DB_DRIVERS?.split(",").filter(Boolean) as DbDriver[] | undefined;
  const all: DbDriver[] = TEST_DATABASE_URL ? ["pglite", "pg", "neon"] : ["pglite"];
  return only ? all.filter((d) => only.includes(d)) : all;
}

/** Creates a fresh database on the test server and returns its URL and a dropper. */
async function freshServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  const name = `okoro_t_${randomBytes(6).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type TestDatabase = DbHandle & { url?: string; cleanup: () => Promise<void> };

export async function openTestDatabase(driver: DbDriver, options: { max?: number } = {}): Promise<TestDatabase> {
  if (driver === "pglite") {
    const handle = await openDatabase({ driver, pgliteDir: "memory://", migrate: true });
    return { ...handle, cleanup: handle.close };
  }
  const server = await freshServerDatabase();
  const bridge = driver === "neon" ? await startNeonBridge() : undefined;
  const handle = await openDatabase({
    driver,
    url: server.url,
    neonWsProxy: bridge?.address,
    migrate: true,
    max: options.max ?? 20,
  });
  return {
    ...handle,
    url: server.url,
    cleanup: async () => {
      await handle.close();
      await bridge?.close();
      await server.drop();
    },
  };
}

/**
 * Declares a suite once per available driver. `fn` receives a getter for the suite's
 * database (valid inside tests and hooks).
 */
export function describeDatabases(
  name: string,
  fn: (db: () => TestDatabase, driver: DbDriver) => void,
  options: { max?: number } = {},
) {
  for (const driver of availableDrivers()) {
    describe(`${name} [${driver}]`, () => {
      let handle: TestDatabase | undefined;
      beforeAll(async () => {
        handle = await openTestDatabase(driver, options);
      });
      afterAll(async () => {
        await handle?.cleanup();
      });
      fn(() => {
        if (!handle) throw new Error("database not open yet");
        return handle;
      }, driver);
    });
  }
}
