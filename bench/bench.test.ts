// Smoke of `npm run bench -- --quick`: the harness still starts everything, every path
// answers through okoro with the credential injected, and results.json has every number.
// No thresholds: it proves the benchmark works, not that okoro is fast. It needs a
// production build and about a minute, so it runs only when asked:
//
//   BENCH_SMOKE=1 npx vitest run bench/bench.test.ts                 (builds .next-bench if stale)
//   BENCH_SMOKE=1 BENCH_DIST_DIR=.next npx vitest run bench/bench.test.ts   (reuses that build as it is)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOAD_SCENARIOS, type Results } from "@/bench/report";

const root = path.resolve(import.meta.dirname, "..");

describe.skipIf(process.env.BENCH_SMOKE !== "1")("npm run bench -- --quick", () => {
  it(
    "measures every scenario and writes results.json",
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "okoro-bench-smoke-"));
      const out = path.join(dir, "results.json");
      try {
        const distDir = process.env.BENCH_DIST_DIR;
        const run = spawnSync(
          process.execPath,
          [
            "--import",
            "tsx",
            "bench/run.ts",
            "--quick",
            "--out",
            out,
            ...(distDir ? ["--dist-dir", distDir, "--no-build"] : []),
          ],
          {
            cwd: root,
            encoding: "utf8",
            timeout: 20 * 60_000,
          },
        );
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
        const results = JSON.parse(readFileSync(out, "utf8")) as Results;
        for (const name of LOAD_SCENARIOS) {
          const s = results.scenarios[name];
          expect(s.requests, name).toBeGreaterThan(0);
          expect(s.errors, name).toBe(0);
          expect(s.rps50, name).toBeGreaterThan(0);
          expect(s.p50_1, name).toBeGreaterThan(0);
        }
        // the counter works, and the floor does no database work (a stray deferred audit
        // flush of the scenario before may land in its window, hence not exactly 0)
        expect(results.scenarios.next_floor.dbRoundTripsPerRequest?.c1).toBeLessThan(0.1);
        expect(results.scenarios.okoro.dbRoundTripsPerRequest?.c1).toBeGreaterThan(0);
        expect(results.sse.okoro.streams).toBeGreaterThan(0);
        expect(results.upload.okoro.maxGrowthMB).not.toBeNull();
        expect(results.download?.ratio).toBeGreaterThan(0);
        expect(results.targets.length).toBeGreaterThan(0);
        // the database's own floor is measured on PostgreSQL (PGlite lives inside the app)
        if (process.env.DATABASE_URL && !/^(file|pglite):/i.test(process.env.DATABASE_URL))
          expect(results.databaseFloor?.durableInsertP50).toBeGreaterThan(0);
        else expect(results.databaseFloor).toBeNull();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    25 * 60_000,
  );
});
