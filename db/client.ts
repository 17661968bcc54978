// One factory for the three drivers and one drizzle type for the rest of the code:
//   DATABASE_URL unset (or file:/pglite:) → embedded PGlite in .data/pglite, migrated on open
//   postgres://…                          → node-postgres Pool
//   a Neon host (or OKORO_DB_DRIVER=neon) → @neondatabase/serverless WebSocket Pool
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";
import { claimEmbedded, claimEmbeddedForServer, serveEmbedded, type EmbeddedKind } from "@/db/embedded";
import type { DbDriver } from "@/lib/env";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** The handle passed to drizzle's transaction callback. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Database | Tx;

export type DbHandle = {
  db: Database;
  driver: DbDriver;
  close: () => Promise<void>;
};

/** Wrap a driver so that each statement it sends is counted. */
export type RoundTripCounters = {
  pgPool: (pool: {
    on(event: "connect", listener: (client: { query: (...args: never[]) => unknown }) => void): unknown;
  }) => void;
  pglite: (pglite: object) => void;
};

export type OpenOptions = {
  driver: DbDriver;
  /** connection string for pg / neon */
  url?: string;
  /** PGlite data directory, or "memory://" */
  pgliteDir?: string;
  /** Neon only: host:port of a WebSocket→TCP bridge (tests run Neon's driver against local PostgreSQL) */
  neonWsProxy?: string;
  /** apply pending migrations after opening (embedded default: yes) */
  migrate?: boolean;
  /** pool size for pg / neon */
  max?: number;
  /**
   * `npm run bench` only (OKORO_BENCH=1): wraps the driver to count round trips. Passed in
   * (lib/bench/round-trips.ts) because the count lives in a process-wide slot of the app's.
   */
  countRoundTrips?: RoundTripCounters;
  /** embedded only: a one-shot CLI command, or a server that waits for one to finish (db/embedded.ts) */
  embeddedKind?: EmbeddedKind;
  /**
   * pg / Neon: how long a query may go unanswered before its connection is given up (0: no
   * limit). Servers keep the default; a one-shot command a person watches may lift it.
   */
  queryTimeoutMs?: number;
};

/**
 * A database that stops answering — a dead route, a failover, a partition — leaves a pool's
 * connections open and silent, and without limits every request then waits on them for
 * good (the operating system gives up on such a TCP connection after minutes). Requests
 * that need the database must fail within seconds instead (the proxy answers 503 and
 * forwards nothing) and the pool must make fresh connections once the database is back,
 * so: a bounded wait for a connection, a bounded wait for each answer (the connection is
 * then dropped from the pool), and TCP keep-alive for connections that sit idle meanwhile.
 * The query limit is wide enough for any query the app makes on its request paths.
 */
export const DB_CONNECT_TIMEOUT_MS = 3_000;
export const DB_QUERY_TIMEOUT_MS = 4_000;

/** A pool that keeps a named statement prepared on each of its connections (node-postgres' API). */
export type NamedStatementPool = {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
};

const namedStatementPools = new WeakMap<Database, NamedStatementPool>();

/**
 * The pool behind `db` when its connections are PostgreSQL sessions of their own (pg,
 * Neon), for statements worth preparing once per connection rather than parsing and
 * planning on every call (the proxy's pipe). Null for PGlite, whose one session the app
 * and the CLI share, where a statement name could clash.
 */
export function namedStatementPool(db: Database): NamedStatementPool | null {
  return namedStatementPools.get(db) ?? null;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  const handle = await connect(options);
  if (options.migrate) await migrateDatabase(handle);
  return handle;
}

async function connect(options: OpenOptions): Promise<DbHandle> {
  switch (options.driver) {
    case "pglite":
      return openEmbeddedDatabase(
        options.pgliteDir ?? "memory://",
        options.countRoundTrips,
        options.embeddedKind ?? "server",
      );
    case "pg":
      return openPg(options.url, options.max, undefined, options.countRoundTrips, options.queryTimeoutMs);
    case "neon":
      return openNeon(options.url, options.neonWsProxy, options.max, options.queryTimeoutMs);
  }
}

/** The pool options that keep a silent database from holding requests (see DB_QUERY_TIMEOUT_MS). */
function deadConnectionLimits(queryTimeoutMs = DB_QUERY_TIMEOUT_MS) {
  return {
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs } : {}),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

async function openPg(
  url: string | undefined,
  max = 10,
  socketDir?: string,
  countRoundTrips?: RoundTripCounters,
  queryTimeoutMs?: number,
): Promise<DbHandle> {
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = socketDir
    ? // through the embedded owner's socket: one connection, released as soon as it idles
      new Pool({ host: socketDir, port: 5432, user: "postgres", database: "postgres", max: 1, idleTimeoutMillis: 50 })
    : new Pool({ connectionString: url, max, ...deadConnectionLimits(queryTimeoutMs) });
  pool.on("error", (e) => console.error("[okoro] database pool error:", e.message));
  countRoundTrips?.pgPool(pool);
  const db = drizzle(pool, { schema }) as unknown as Database;
  if (!socketDir) namedStatementPools.set(db, pool);
  return { db, driver: "pg", close: () => pool.end() };
}

async function openNeon(
  url: string | undefined,
  wsProxy: string | undefined,
  max = 10,
  queryTimeoutMs?: number,
): Promise<DbHandle> {
  const { Pool, neonConfig } = await import("@neondatabase/serverless");
  const { drizzle } = await import("drizzle-orm/neon-serverless");
  const { default: WebSocket } = await import("ws");
  neonConfig.webSocketConstructor = WebSocket;
  if (wsProxy) {
    // A local bridge speaks plain ws:// and forwards to the TCP address it is given.
    neonConfig.wsProxy = (host, port) => `${wsProxy}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: url, max, ...deadConnectionLimits(queryTimeoutMs) });
  pool.on("error", (e: Error) => console.error("[okoro] database pool error:", e.message));
  const db = drizzle(pool, { schema }) as unknown as Database;
  namedStatementPools.set(db, pool);
  return { db, driver: "neon", close: () => pool.end() };
}

async function openEmbeddedDatabase(
  dir: string,
  countRoundTrips: RoundTripCounters | undefined,
  kind: EmbeddedKind,
): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (dir === "memory://") {
    const pglite = await PGlite.create();
    return { db: drizzle(pglite, { schema }) as unknown as Database, driver: "pglite", close: () => pglite.close() };
  }
  const target = kind === "command" ? claimEmbedded(dir, "command") : await claimEmbeddedForServer(dir);
  if (target.role === "client") {
    const handle = await openPg(undefined, 1, target.socketDir, countRoundTrips);
    return { ...handle, driver: "pglite" };
  }
  try {
    const pglite = await PGlite.create(dir);
    countRoundTrips?.pglite(pglite);
    const server = await serveEmbedded(pglite, target.socketDir);
    const db = drizzle(pglite, { schema }) as unknown as Database;
    return {
      db,
      driver: "pglite",
      close: async () => {
        await server.close();
        await pglite.close();
        target.release();
      },
    };
  } catch (e) {
    target.release();
    throw e;
  }
}

/**
 * Applies the committed drizzle-kit migrations, then (re)grants the app's runtime role
 * what it may do, tables added since included (okoro_grant_runtime(), migration 0009).
 * Idempotent. Run it as the database owner.
 */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  await applyMigrations(handle);
  await handle.db.execute(sql`SELECT okoro_grant_runtime()`);
}

async function applyMigrations(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  // the three migrators share one implementation; each wants its own driver's db type
  const db = handle.db as never;
  if (handle.driver === "neon") return (await import("drizzle-orm/neon-serverless/migrator")).migrate(db, config);
  if (handle.driver === "pg" || !("$client" in handle.db && isPglite((handle.db as { $client: unknown }).$client))) {
    return (await import("drizzle-orm/node-postgres/migrator")).migrate(db, config);
  }
  return (await import("drizzle-orm/pglite/migrator")).migrate(db, config);
}

function isPglite(client: unknown): boolean {
  return typeof client === "object" && client !== null && "execProtocolRaw" in client;
}

/** Migrations drizzle has recorded as applied (0 before the first run). */
export async function appliedMigrationCount(db: Database): Promise<number> {
  const exists = await db.execute(sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`);
  if (!(exists as unknown as { rows: { present: boolean }[] }).rows[0]?.present) return 0;
  const result = await db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return Number((result as unknown as { rows: { n: number | string }[] }).rows[0]?.n ?? 0);
}

/** A trivial query: does the database answer? */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
