// The database a bench run uses, always a fresh one so a run never writes into data that
// matters: with DATABASE_URL set, a scratch database created on that PostgreSQL server and
// dropped afterwards; otherwise an embedded PGlite in the run's temporary directory.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";

export type BenchDatabase = {
  kind: "pglite" | "postgresql";
  /** what the app, the CLI and serve-proxy get as DATABASE_URL */
  url: string;
  /** e.g. "PostgreSQL 16.4" or "PGlite (embedded)" */
  description: string;
  drop: () => Promise<void>;
};

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function prepareDatabase(databaseUrl: string | undefined, tmpDir: string): Promise<BenchDatabase> {
  if (!databaseUrl || /^(file|pglite):/i.test(databaseUrl)) {
    return {
      kind: "pglite",
      url: `pglite:${path.join(tmpDir, "pglite")}`,
      description: "PGlite (embedded)",
      drop: async () => {},
    };
  }
  const name = `okoro_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  let version = "";
  try {
    version = String((await admin.query("SHOW server_version")).rows[0]?.server_version ?? "");
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (e) {
    await admin.end();
    throw new Error(
      `cannot create a scratch database on DATABASE_URL's server (${(e as Error).message}); the bench needs CREATEDB there`,
    );
  }
  await admin.end();
  return {
    kind: "postgresql",
    url: withDatabase(databaseUrl, name),
    description: `PostgreSQL ${version.split(" ")[0]}`,
    async drop() {
      const client = new pg.Client({ connectionString: databaseUrl });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } catch (e) {
        console.error(`bench: could not drop the scratch database ${name}: ${(e as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

export type DatabaseFloor = {
  /** ms per `SELECT 1` from this process: the network and driver, nothing durable */
  roundTrip: number[];
  /** ms per single-row INSERT committed with the server's settings (fsync and all) */
  durableInsert: number[];
};

/**
 * What one database round trip costs here before okoro does anything: okoro's hot path
 * must make one (the durable proxy.request event — no audit, no call), so no proxy on this
 * machine and database can add less than `durableInsert` at one connection. Sequential
 * queries from the harness, with node-postgres like the app; PostgreSQL only (PGlite runs
 * inside the app's process, where no client here can time it).
 */
export async function measureDatabaseFloor(database: BenchDatabase, count: number): Promise<DatabaseFloor | null> {
  if (database.kind !== "postgresql") return null;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(
      "CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text)",
    );
    const time = async (query: () => Promise<unknown>) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await query();
        out.push(performance.now() - started);
      }
      return out.slice(Math.floor(count / 5)); // the first fifth warms the connection and plans
    };
    const roundTrip = await time(() => client.query("SELECT 1"));
    const durableInsert = await time(() => client.query("INSERT INTO bench_floor (note) VALUES ($1)", ["floor"]));
    await client.query("DROP TABLE bench_floor");
    return { roundTrip, durableInsert };
  } finally {
    await client.end();
  }
}
