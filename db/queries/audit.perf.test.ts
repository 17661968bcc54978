// The audit viewer's queries on a 100 000-event log: how long each takes and which plan
// PostgreSQL picks. Off by default (it writes 120 000 rows); run it with
//   AUDIT_PERF=1 TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//     npx vitest run db/queries/audit.perf.test.ts
// (AUDIT_PERF_DRIVERS=pglite,pg to choose drivers; pglite alone works without a server).
// Prints a table of median timings and writes the plans to test-results/audit-plans-<driver>.txt.
import { mkdirSync, writeFileSync } from "node:fs";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditActivity,
  auditWhere,
  countAuditEvents,
  listAuditAgents,
  pageAuditEvents,
  type AuditFilter,
  type AuditPageRequest,
} from "@/db/queries/audit";
import { verifyChain } from "@/lib/audit/verify";
import { syntheticEvents, writeSeedRows } from "@/test/audit-seed";
import { openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from "@/test/databases";
import type { DbDriver } from "@/lib/env";

const ENABLED = process.env.AUDIT_PERF === "1";
const DRIVERS = (process.env.AUDIT_PERF_DRIVERS?.split(",") ?? (TEST_DATABASE_URL ? ["pg"] : ["pglite"])) as DbDriver[];
const N = Number(process.env.AUDIT_PERF_N ?? 100_000);
const USER = "usr_perf_main";
const OTHER = "usr_perf_other";

async function median(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  await fn(); // warm the cache and the plan
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)] * 100) / 100;
}

for (const driver of DRIVERS) {
  describe.skipIf(!ENABLED)(`audit queries on ${N} events [${driver}]`, () => {
    let h: TestDatabase;
    const plans: string[] = [];
    const results: { query: string; ms: number; rows: number }[] = [];

    beforeAll(async () => {
      h = await openTestDatabase(driver);
      const now = new Date();
      const t = performance.now();
      await writeSeedRows(
        h.db,
        syntheticEvents(USER, N, { from: new Date(now.getTime() - 30 * 86_400_000), to: now, seed: 7 }),
      );
      await writeSeedRows(
        h.db,
        syntheticEvents(OTHER, Math.round(N / 5), {
          from: new Date(now.getTime() - 30 * 86_400_000),
          to: now,
          seed: 9,
        }),
      );
      console.log(`[${driver}] seeded ${N + Math.round(N / 5)} events in ${Math.round(performance.now() - t)} ms`);
      await h.db.execute(sql`ANALYZE audit_events`);
    }, 900_000);

    afterAll(async () => {
      console.table(results);
      mkdirSync("test-results", { recursive: true });
      writeFileSync(`test-results/audit-plans-${driver}.txt`, plans.join("\n\n"));
      // AUDIT_PERF_KEEP=1 leaves the database for psql (its URL is printed)
      if (process.env.AUDIT_PERF_KEEP === "1") {
        console.log(`[${driver}] kept: ${h?.url}`);
        await h?.close();
      } else await h?.cleanup();
    });

    const dialect = new PgDialect();
    async function explain(label: string, query: SQL) {
      const q = dialect.sqlToQuery(query);
      // inline the parameters: EXPLAIN cannot take bind parameters on every driver
      const text = q.sql.replace(/\$(\d+)/g, (_, i) => {
        const v = q.params[Number(i) - 1];
        return typeof v === "number"
          ? String(v)
          : v instanceof Date
            ? `'${v.toISOString()}'`
            : `'${String(v).replace(/'/g, "''")}'`;
      });
      const res = await h.db.execute(sql.raw(`EXPLAIN (ANALYZE, BUFFERS) ${text}`));
      const rows = (Array.isArray(res) ? res : (res as { rows: Record<string, string>[] }).rows) as Record<
        string,
        string
      >[];
      plans.push(`### ${label}\n${rows.map((r) => Object.values(r)[0]).join("\n")}`);
    }

    async function measurePage(label: string, filter: Omit<AuditFilter, "userId">, request: AuditPageRequest = {}) {
      const f = { userId: USER, ...filter };
      let rows = 0;
      const ms = await median(async () => {
        rows = (await pageAuditEvents(h.db, f, request)).rows.length;
      });
      results.push({ query: label, ms, rows });
      // the plan of the main statement (first segment) of this page
      const where = auditWhere(f);
      await explain(label, sql`SELECT * FROM audit_events WHERE ${where} ORDER BY seq DESC LIMIT 51`);
      return ms;
    }

    it("first page, filters, deep pages, sorts, counts, activity, chain verification", async () => {
      const { rows: firstRows } = await pageAuditEvents(h.db, { userId: USER }, {});
      expect(firstRows).toHaveLength(50);
      const newest = firstRows[0].seq;
      expect(newest).toBe(N);

      await measurePage("first page (newest 50)", {});
      await measurePage("filtered: agent", { agent: "billing-watch" });
      await measurePage("filtered: agent + provider + outcome", {
        agent: "research-agent",
        provider: "github",
        outcome: "allowed",
      });
      await measurePage("filtered: event proxy.denied", { event: "proxy.denied" });
      await measurePage("filtered: scope delete", { scope: "delete" });
      await measurePage("deep cursor (seq < 500)", {}, { after: { v: null, s: 500 } });
      await measurePage(
        "deep cursor, agent filter (seq < 2000)",
        { agent: "ci-helper" },
        { after: { v: null, s: 2000 } },
      );
      await measurePage("flagged only", { flagged: true });
      await measurePage("flagged only, deep (seq < 5000)", { flagged: true }, { after: { v: null, s: 5000 } });
      await measurePage("time range: last hour", { since: new Date(Date.now() - 3_600_000) });
      await measurePage("time range: last 24 h, agent", {
        since: new Date(Date.now() - 86_400_000),
        agent: "notion-sync",
      });
      await measurePage("time range: a day 20 days ago", {
        since: new Date(Date.now() - 20 * 86_400_000),
        until: new Date(Date.now() - 19 * 86_400_000),
      });
      await measurePage("text: common ('standup')", { text: "standup" });
      await measurePage("text: rare ('#499')", { text: "#499" });
      await measurePage("text: none ('no such thing')", { text: "no such thing" });
      await measurePage("text + flagged", { text: "invoices", flagged: true });

      for (const key of ["status", "duration", "agent", "provider"] as const) {
        for (const dir of ["desc", "asc"] as const) {
          const first = await pageAuditEvents(h.db, { userId: USER }, { sort: { key, dir } });
          const ms = await median(() => pageAuditEvents(h.db, { userId: USER }, { sort: { key, dir } }));
          results.push({ query: `sort ${key} ${dir}: first page`, ms, rows: first.rows.length });
          // a deep page: walk 5 pages of 1000, then measure the next page of 50
          let cursor = first.next!;
          for (let i = 0; i < 5; i++)
            cursor = (await pageAuditEvents(h.db, { userId: USER }, { sort: { key, dir }, after: cursor, limit: 1000 }))
              .next!;
          const deep = await median(() =>
            pageAuditEvents(h.db, { userId: USER }, { sort: { key, dir }, after: cursor }),
          );
          results.push({ query: `sort ${key} ${dir}: page after 5 050 rows`, ms: deep, rows: 50 });
          const back = await median(() =>
            pageAuditEvents(h.db, { userId: USER }, { sort: { key, dir }, before: cursor }),
          );
          results.push({ query: `sort ${key} ${dir}: previous page`, ms: back, rows: 50 });
        }
      }
      // a sort into the rows without a value (sign-ins have no status): the second segment
      {
        const sort = { key: "status", dir: "desc" } as const;
        const ms = await median(() => pageAuditEvents(h.db, { userId: USER }, { sort, after: { v: null, s: N } }));
        results.push({ query: "sort status desc: rows without status", ms, rows: 50 });
      }
      await explain(
        "sort status desc (valued segment)",
        sql`SELECT * FROM audit_events WHERE ${auditWhere({ userId: USER })} AND status IS NOT NULL ORDER BY status DESC, seq DESC LIMIT 51`,
      );
      await explain(
        "sort duration asc deep (valued segment)",
        sql`SELECT * FROM audit_events WHERE ${auditWhere({ userId: USER })} AND (duration_ms, seq) > (500, 1) ORDER BY duration_ms ASC, seq ASC LIMIT 51`,
      );
      await explain(
        "sort agent asc deep (valued segment)",
        sql`SELECT * FROM audit_events WHERE ${auditWhere({ userId: USER })} AND (agent, seq) > ('notion-sync', 1) ORDER BY agent ASC, seq ASC LIMIT 51`,
      );

      for (const [label, filter] of [
        ["count: everything (capped at 10 000)", {}],
        ["count: flagged", { flagged: true }],
        ["count: agent + 24 h", { agent: "release-bot", since: new Date(Date.now() - 86_400_000) }],
        ["count: text", { text: "invoices" }],
      ] as const) {
        let n = 0;
        const ms = await median(async () => {
          n = (await countAuditEvents(h.db, { userId: USER, ...filter })).count;
        });
        results.push({ query: label, ms, rows: n });
      }

      const activity = await median(() => auditActivity(h.db, { userId: USER }));
      results.push({ query: "activity: 24 hourly buckets", ms: activity, rows: 24 });
      const agents = await median(() => listAuditAgents(h.db, USER));
      results.push({
        query: "distinct agents (loose index scan)",
        ms: agents,
        rows: (await listAuditAgents(h.db, USER)).length,
      });

      const t = performance.now();
      const check = await verifyChain(h.db, USER);
      results.push({
        query: `verifyChain (${N} rows, once)`,
        ms: Math.round(performance.now() - t),
        rows: check.verifiedThrough,
      });
      expect(check.ok).toBe(true);
    }, 900_000);
  });
}
