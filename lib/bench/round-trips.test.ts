// The bench's round-trip counter on a real PGlite and on a pool's connect event.
import { EventEmitter } from "node:events";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { countPglite, countPgPool, roundTrips } from "@/lib/bench/round-trips";

describe("round-trip counter", () => {
  it("counts PGlite statements, and a transaction's BEGIN and COMMIT", async () => {
    const pglite = await PGlite.create();
    try {
      countPglite(pglite);
      const start = roundTrips();
      await pglite.query("select 1");
      await pglite.exec("select 1; select 2");
      expect(roundTrips() - start).toBe(2);
      await pglite.transaction(async (tx) => {
        await tx.query("select 1");
        await tx.sql`select ${2}`;
      });
      expect(roundTrips() - start).toBe(6);
    } finally {
      await pglite.close();
    }
  });

  it("counts the queries of every client a pool connects", async () => {
    const pool = new EventEmitter();
    countPgPool(pool);
    const client = { query: async (text: string) => text };
    pool.emit("connect", client);
    const start = roundTrips();
    expect(await client.query("select 1")).toBe("select 1");
    await client.query("select 2");
    expect(roundTrips() - start).toBe(2);
  });
});
