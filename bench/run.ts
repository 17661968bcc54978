// `npm run bench`: okoro's latency and throughput next to what the same request costs
// without it, in one run on loopback (see the README's Benchmark section).
//
//   npm run bench                 3 rounds × 3 s per run, results in bench/results.json
//   npm run bench -- --quick      a seconds-long smoke (CI), results in bench/results.tmp.json
//   options: --rounds N  --duration S  --downloads N (per round and way)  --build (always rebuild)  --no-build  --dist-dir D  --out FILE
//
// It builds the app into a private dist dir when the build is missing or older than the
// sources, then starts, each in its own process: a local upstream, node_floor (bare Node
// passthrough), the app with `npm start`'s server (OKORO_BENCH=1, providers pointed at the
// upstream) and `okoro serve-proxy`; provisions a user, connections and a service token with
// the CLI on a fresh database; and measures the scenarios in interleaved rounds so that
// drift of a shared machine hits each of them alike. Everything listens on 127.0.0.1, every
// child is stopped on the way out, and a deadline bounds the run.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureBuild } from "@/bench/build";
import { measureDatabaseFloor, prepareDatabase, type BenchDatabase } from "@/bench/database";
import { runLoad, type LoadRun, type LoadSpec } from "@/bench/load";
import { freePort, Processes, waitForHttp } from "@/bench/processes";
import { buildResults, formatTable, LOAD_SCENARIOS, type LoadScenario, type Machine, type Raw } from "@/bench/report";
import {
  appStats,
  exchange,
  EXCHANGE_BODY,
  MCP_TOOL_BODY,
  migrate,
  OPENAI_KEY,
  provision,
  TRELLO_CONSUMER,
} from "@/bench/setup";
import { timeStream } from "@/bench/sse";
import { percentile } from "@/bench/stats";
import { measureUpload } from "@/bench/upload";
import { timeDownload, UNSCRUBBED, type DownloadTiming } from "@/bench/download";

const ROOT = path.resolve(import.meta.dirname, "..");
/** with OKORO_BENCH=1, `npm start` leaves a /p/ request carrying this to Next's route handler */
const VIA_NEXT = { "x-okoro-bench-via-next": "1" };
const NODE = process.execPath;
const TSX = ["--import", "tsx"];

type Config = {
  quick: boolean;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  sse: { events: number; intervalMs: number; streamsPerRound: number };
  upload: { requests: number; bytesEach: number };
  /** per round: this many downloads of `bytes` with the scrubber on, and as many with it off */
  download: { perRound: number; bytes: number };
  build: "auto" | "always" | "never";
  distDir: string;
  out: string;
  /** after the build: the run fails rather than go on past this */
  deadlineMs: number;
};

function parseConfig(argv: string[]): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      rounds: { type: "string" },
      duration: { type: "string" },
      downloads: { type: "string" },
      build: { type: "boolean" },
      "no-build": { type: "boolean" },
      "dist-dir": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(
      readFileSync(import.meta.filename, "utf8")
        .split("\n")
        .slice(0, 7)
        .join("\n")
        .replace(/^\/\/ ?/gm, "") + "\n",
    );
    process.exit(0);
  }
  const quick = Boolean(values.quick) || process.env.BENCH_QUICK === "1";
  const positive = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes a positive number`);
    return n;
  };
  const rounds = Math.round(positive(values.rounds, "rounds", quick ? 1 : 3));
  const seconds = positive(values.duration, "duration", quick ? 1 : 3);
  return {
    quick,
    rounds,
    seconds,
    warmupSeconds: quick ? 0.3 : 2,
    sse: quick ? { events: 5, intervalMs: 10, streamsPerRound: 2 } : { events: 20, intervalMs: 20, streamsPerRound: 5 },
    upload: { requests: 20, bytesEach: 5 * 1024 * 1024 },
    download: { perRound: Math.round(positive(values.downloads, "downloads", quick ? 2 : 5)), bytes: 20 * 1024 * 1024 },
    build: values.build ? "always" : values["no-build"] ? "never" : "auto",
    distDir: values["dist-dir"] ?? ".next-bench",
    out: path.resolve(ROOT, values.out ?? (quick ? "bench/results.tmp.json" : "bench/results.json")),
    deadlineMs: (quick ? 4 : 12) * 60_000 + rounds * seconds * 2 * LOAD_SCENARIOS.length * 1000,
  };
}

const began = performance.now();
const log = (line: string) =>
  console.log(`bench: [${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The harness's environment minus anything that would configure okoro another way. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(OKORO_|AUTH_|DATABASE_URL$|TEST_DATABASE_URL$|NODE_ENV$|PORT$|__NEXT|VITEST)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
}

function machine(database: BenchDatabase): Machine {
  const cpus = os.cpus();
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    // the bench's own earlier output does not make the code it measures any different
    const changed = execFileSync(
      "git",
      ["status", "--porcelain", "--", ".", ":!bench/results.json", ":!bench/results.tmp.json"],
      { cwd: ROOT, encoding: "utf8" },
    ).trim();
    if (changed) commit += " + uncommitted changes";
  } catch {
    // not a git checkout
  }
  const autocannonVersion = (createRequire(import.meta.url)("autocannon/package.json") as { version: string }).version;
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    database: database.description,
    loadGenerator: `autocannon ${autocannonVersion}`,
    loadAverageAtStart: os.loadavg(),
    commit,
  };
}

/** One request before any load: the path works end to end and okoro injected the credential. */
async function check(
  name: string,
  spec: LoadSpec,
  expect: (body: Record<string, unknown>, headers: Headers) => boolean,
): Promise<void> {
  const response = await fetch(spec.url, {
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (response.status !== 200 || !expect(body, response.headers))
    throw new Error(`${name}: ${spec.method ?? "GET"} ${spec.url} answered ${response.status}: ${text.slice(0, 300)}`);
}

/** A load run must have worked: a refused or failing path would otherwise look very fast. */
async function assertHealthy(name: string, spec: LoadSpec, run: LoadRun, warmup = false): Promise<void> {
  const tolerated = Math.max(5, run.sent * 0.01);
  // a short warm-up of a cold server may end before its first answers arrive
  if ((run.ok > 0 || warmup) && run.non2xx === 0 && run.errors <= tolerated) return;
  let sample = "";
  try {
    const response = await fetch(spec.url, {
      method: spec.method ?? "GET",
      headers: spec.headers,
      body: spec.body,
      signal: AbortSignal.timeout(10_000),
    });
    sample = `; a request now answers ${response.status}: ${(await response.text()).slice(0, 200)}`;
  } catch (e) {
    sample = `; a request now fails: ${(e as Error).message}`;
  }
  throw new Error(
    `${name} at ${run.connections} connection(s): ${run.ok} ok, ${run.non2xx} non-2xx ${JSON.stringify(run.statusCodes)}, ${run.errors} errors${sample}`,
  );
}

async function main(
  config: Config,
  processes: Processes,
  tmp: string,
  onDatabase: (db: BenchDatabase) => void,
): Promise<void> {
  const startedAt = new Date().toISOString();
  const base = cleanEnv();
  const build = await ensureBuild({
    root: ROOT,
    distDir: config.distDir,
    mode: config.build,
    processes,
    env: { ...base, OKORO_NEXT_DIST_DIR: config.distDir },
    log,
  });
  log(build.built ? `built ${config.distDir}` : `using the build in ${config.distDir} (${build.reason})`);

  const deadline = sleep(config.deadlineMs).then(() => {
    throw new Error(`the run took longer than its ${Math.round(config.deadlineMs / 1000)} s deadline`);
  });
  const bounded = <T>(work: Promise<T>) => Promise.race([work, deadline, processes.crashed]);

  await bounded(
    (async () => {
      const database = await prepareDatabase(process.env.DATABASE_URL, tmp);
      onDatabase(database);
      log(`database: ${database.description}`);
      const databaseFloor = await measureDatabaseFloor(database, config.quick ? 200 : 2000);

      const upstream = processes.start(
        "upstream",
        NODE,
        [...TSX, "bench/upstream.ts", "--bearer", OPENAI_KEY, "--oauth-key", TRELLO_CONSUMER.key],
        { cwd: ROOT, env: base },
      );
      const ready = (line: string) => {
        try {
          return (JSON.parse(line) as { port?: number }).port;
        } catch {
          return undefined;
        }
      };
      const upstreamUrl = `http://127.0.0.1:${await upstream.waitForLine(ready, 30_000)}`;
      const nodeFloor = processes.start(
        "node-floor",
        NODE,
        [...TSX, "bench/node-floor.ts", "--upstream", upstreamUrl],
        { cwd: ROOT, env: base },
      );
      const nodeFloorUrl = `http://127.0.0.1:${await nodeFloor.waitForLine(ready, 30_000)}`;

      const appPort = await freePort();
      const appUrl = `http://127.0.0.1:${appPort}`;
      const env: NodeJS.ProcessEnv = {
        ...base,
        OKORO_BENCH: "1",
        OKORO_URL: appUrl,
        OKORO_DATA_DIR: path.join(tmp, "data"),
        OKORO_MASTER_KEYS: `bench:${randomBytes(32).toString("base64")}`,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        DATABASE_URL: database.url,
        OKORO_NEXT_DIST_DIR: config.distDir,
        OKORO_PROVIDER_OPENAI_BASE_URL: upstreamUrl,
        OKORO_PROVIDER_TRELLO_BASE_URL: upstreamUrl,
        OKORO_TRELLO_KEY: TRELLO_CONSUMER.key,
        OKORO_TRELLO_SECRET: TRELLO_CONSUMER.secret,
        // the bench makes its user with the CLI; a production server with open sign-up
        // would refuse to start without a mail server (docs/configuration.md#mail)
        OKORO_SIGNUP: "closed",
      };

      // PostgreSQL is migrated at deploy, before the app starts; PGlite migrates itself
      if (database.kind === "postgresql") await migrate({ processes, root: ROOT, env });
      const app = processes.start("app", NODE, ["scripts/start.mjs", "-p", String(appPort), "-H", "127.0.0.1"], {
        cwd: ROOT,
        env,
      });
      await waitForHttp(`${appUrl}/api/health`, 120_000, app);
      // the CLI while the app runs, as an operator would: on the embedded database it goes
      // through the app's socket, which is also quicker than opening PGlite per command
      log("provisioning a user, two connections and a service token with the okoro CLI");
      const serviceToken = await provision({ processes, root: ROOT, env });
      // serve-proxy after the app: on the embedded database the app owns it, and serve-proxy
      // queries through the app's socket (PostgreSQL: its own pool)
      const serveProxy = processes.start("serve-proxy", NODE, ["bin/okoro.mjs", "serve-proxy", "--port", "0"], {
        cwd: ROOT,
        env,
      });
      const serveProxyUrl = await serveProxy.waitForLine(
        (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1],
        60_000,
      );
      const appPid = (await appStats(appUrl)).pid;
      log(
        `upstream ${upstreamUrl} · node_floor ${nodeFloorUrl} · app ${appUrl} (pid ${appPid}) · serve-proxy ${serveProxyUrl}`,
      );

      const tokens = { read: "", write: "", trello: "" };
      const refreshTokens = async () => {
        tokens.read = await exchange(appUrl, serviceToken, "openai", "read");
        tokens.write = await exchange(appUrl, serviceToken, "openai", "write");
        tokens.trello = await exchange(appUrl, serviceToken, "trello", "read");
      };
      await refreshTokens();

      const asClient = { authorization: `Bearer ${OPENAI_KEY}` };
      const specs = (): Record<LoadScenario, LoadSpec> => ({
        direct: { url: `${upstreamUrl}/v1/models`, headers: asClient },
        node_floor: { url: `${nodeFloorUrl}/v1/models`, headers: asClient },
        next_floor: { url: `${appUrl}/bench/floor/openai/v1/models`, headers: asClient },
        okoro: { url: `${appUrl}/p/openai/v1/models`, headers: { authorization: `Bearer ${tokens.read}` } },
        okoro_route: {
          url: `${appUrl}/p/openai/v1/models`,
          headers: { authorization: `Bearer ${tokens.read}`, ...VIA_NEXT },
        },
        okoro_oauth1: { url: `${appUrl}/p/trello/1/members/me`, headers: { authorization: `Bearer ${tokens.trello}` } },
        okoro_node: { url: `${serveProxyUrl}/p/openai/v1/models`, headers: { authorization: `Bearer ${tokens.read}` } },
        mcp_tool: {
          url: `${appUrl}/mcp`,
          method: "POST",
          headers: {
            authorization: `Bearer ${serviceToken}`,
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "mcp-protocol-version": "2025-06-18",
          },
          body: JSON.stringify(MCP_TOOL_BODY),
        },
        exchange: {
          url: `${appUrl}/api/token`,
          method: "POST",
          headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" },
          body: JSON.stringify(EXCHANGE_BODY),
        },
        exchange_route: {
          url: `${appUrl}/api/token`,
          method: "POST",
          headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json", ...VIA_NEXT },
          body: JSON.stringify(EXCHANGE_BODY),
        },
      });
      // which scenarios the app serves, so its round-trip counter covers them
      const inApp = new Set<LoadScenario>([
        "next_floor",
        "okoro",
        "okoro_route",
        "okoro_oauth1",
        "mcp_tool",
        "exchange",
        "exchange_route",
      ]);
      // Next.js marks what its router served with `vary: rsc, …`: okoro and exchange must
      // come from our code directly, the _route scenarios through Next
      const viaNext = (h: Headers) => /\brsc\b/.test(h.get("vary") ?? "");
      const expected: Record<LoadScenario, (b: Record<string, unknown>, h: Headers) => boolean> = {
        direct: (b) => b.credential === "bearer",
        node_floor: (b) => b.credential === "bearer",
        next_floor: (b) => b.credential === "bearer",
        okoro: (b, h) => b.credential === "bearer" && !viaNext(h),
        okoro_route: (b, h) => b.credential === "bearer" && viaNext(h),
        okoro_oauth1: (b) => b.credential === "oauth1",
        okoro_node: (b) => b.credential === "bearer",
        // the tool result carries the upstream's body, which says how the credential came
        mcp_tool: (b, h) =>
          /"credential": "bearer"/.test(
            String((b.result as { content?: { text?: string }[] } | undefined)?.content?.[0]?.text),
          ) && !viaNext(h),
        exchange: (b, h) => typeof b.access_token === "string" && !viaNext(h),
        exchange_route: (b, h) => typeof b.access_token === "string" && viaNext(h),
      };
      for (const name of LOAD_SCENARIOS) await check(name, specs()[name], expected[name]);
      log("every path answers, with the credential injected where okoro is in the way");

      /**
       * After a run: autocannon hangs up on requests still in flight, which the servers
       * finish anyway, and each response's audit event is written after the body went out.
       * Wait until the app's round-trip count stands still, so none of that lands in the
       * next run's time or count. Returns the count.
       */
      const settle = async (): Promise<number> => {
        await sleep(250);
        let last = (await appStats(appUrl)).dbRoundTrips;
        for (const until = Date.now() + 5_000; Date.now() < until; ) {
          await sleep(150);
          const now = (await appStats(appUrl)).dbRoundTrips;
          if (now === last) break;
          last = now;
        }
        return last;
      };

      log(`warming up (${config.warmupSeconds} s each at 50 connections)`);
      for (const name of LOAD_SCENARIOS) {
        await assertHealthy(name, specs()[name], await runLoad(specs()[name], 50, config.warmupSeconds), true);
        await settle();
      }

      const downloads: NonNullable<Raw["download"]> = { scrubbed: [], unscrubbed: [] };
      const raw: Raw = {
        load: Object.fromEntries(LOAD_SCENARIOS.map((n) => [n, { c1: [], c50: [] }])) as unknown as Raw["load"],
        sse: {},
        sseInterval: config.sse.intervalMs,
        upload: {},
        download: downloads,
        databaseFloor,
      };
      const sseTargets: Record<string, (q: string) => { url: string; headers: Record<string, string> }> = {
        direct: (q) => ({ url: `${upstreamUrl}/v1/bench/sse?${q}`, headers: asClient }),
        next_floor: (q) => ({ url: `${appUrl}/bench/floor/openai/v1/bench/sse?${q}`, headers: asClient }),
        okoro: (q) => ({
          url: `${appUrl}/p/openai/v1/bench/sse?${q}`,
          headers: { authorization: `Bearer ${tokens.read}` },
        }),
        okoro_route: (q) => ({
          url: `${appUrl}/p/openai/v1/bench/sse?${q}`,
          headers: { authorization: `Bearer ${tokens.read}`, ...VIA_NEXT },
        }),
        okoro_node: (q) => ({
          url: `${serveProxyUrl}/p/openai/v1/bench/sse?${q}`,
          headers: { authorization: `Bearer ${tokens.read}` },
        }),
      };
      const uploadTargets: Record<string, { url: string; pid: number }> = {
        okoro: { url: `${appUrl}/p/openai/v1/bench/upload`, pid: appPid },
        okoro_node: { url: `${serveProxyUrl}/p/openai/v1/bench/upload`, pid: serveProxy.pid },
      };

      // one untimed stream each: connections and routes warm, as for the load scenarios
      for (const target of Object.values(sseTargets)) {
        const { url, headers } = target(`events=2&interval=${config.sse.intervalMs}`);
        await timeStream(url, headers, 2);
      }

      // the download scenario through the app: the scrubber on (as deployed) and off
      const downloadUrl = `${appUrl}/p/openai/v1/bench/download?bytes=${config.download.bytes}`;
      const download = (scrubbed: boolean) =>
        timeDownload(
          downloadUrl,
          { authorization: `Bearer ${tokens.read}`, ...(scrubbed ? {} : UNSCRUBBED) },
          config.download.bytes,
        );
      {
        // untimed, and a check that the switch works: a scrubbed body loses its Content-Length
        const [on, off] = [await download(true), await download(false)];
        if (on.contentLength !== null || off.contentLength !== String(config.download.bytes)) {
          throw new Error(
            `download: the scrubber switch did not take (Content-Length ${on.contentLength} scrubbed, ${off.contentLength} unscrubbed)`,
          );
        }
      }

      for (let round = 0; round < config.rounds; round++) {
        if (round > 0) await refreshTokens();
        // a different order every round: no scenario always runs first or right after another
        const order = LOAD_SCENARIOS.map((_, i) => LOAD_SCENARIOS[(i + round) % LOAD_SCENARIOS.length]);
        log(`round ${round + 1}/${config.rounds}: ${order.join(", ")}`);
        for (const name of order) {
          const spec = specs()[name];
          for (const connections of [1, 50] as const) {
            const measure = async (seconds: number) => {
              const before = inApp.has(name) ? (await appStats(appUrl)).dbRoundTrips : null;
              const run = await runLoad(spec, connections, seconds);
              const after = await settle();
              return { run, dbRoundTrips: before === null ? null : after - before };
            };
            let measured = await measure(config.seconds);
            // nothing came back in time (a starved machine): one longer try before calling it broken
            if (measured.run.ok === 0 && measured.run.non2xx === 0) measured = await measure(config.seconds * 4);
            const { run } = measured;
            log(
              `  ${name} @${connections}: ${Math.round(run.rps)} rps, p50 ${percentile(run.latencies, 50).toFixed(2)} ms (${run.ok} ok)`,
            );
            await assertHealthy(name, spec, run);
            raw.load[name][connections === 1 ? "c1" : "c50"].push({ round, ...measured });
          }
        }
        const query = `events=${config.sse.events}&interval=${config.sse.intervalMs}`;
        const sseNames = Object.keys(sseTargets);
        for (const name of sseNames.map((_, i) => sseNames[(i + round) % sseNames.length])) {
          const target = sseTargets[name](query);
          for (let i = 0; i < config.sse.streamsPerRound; i++)
            (raw.sse[name] ??= []).push(await timeStream(target.url, target.headers, config.sse.events));
        }
        for (const [name, target] of Object.entries(uploadTargets)) {
          await sleep(250);
          (raw.upload[name] ??= []).push(
            await measureUpload({
              url: target.url,
              headers: { authorization: `Bearer ${tokens.write}` },
              pid: target.pid,
              ...config.upload,
            }),
          );
        }
        // alternated, each way first in turn, so drift of the machine hits both alike
        for (let i = 0; i < config.download.perRound; i++) {
          for (const scrubbed of (round + i) % 2 === 0 ? [true, false] : [false, true]) {
            const timing: DownloadTiming = await download(scrubbed);
            downloads[scrubbed ? "scrubbed" : "unscrubbed"].push(timing);
          }
        }
      }

      // the table's sse section lists direct first
      raw.sse = Object.fromEntries(Object.keys(sseTargets).map((n) => [n, raw.sse[n] ?? []]));
      const results = buildResults(raw, {
        startedAt,
        finishedAt: new Date().toISOString(),
        quick: config.quick,
        config: {
          rounds: config.rounds,
          secondsPerRun: config.seconds,
          connections: [1, 50],
          sse: config.sse,
          upload: config.upload,
          download: config.download,
        },
        machine: machine(database),
      });
      mkdirSync(path.dirname(config.out), { recursive: true });
      writeFileSync(config.out, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\n${formatTable(results)}\n`);
      log(`results written to ${path.relative(ROOT, config.out)}`);
    })(),
  );
}

async function cli(): Promise<number> {
  let config: Config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    return 2;
  }
  try {
    createRequire(import.meta.url).resolve("autocannon");
  } catch {
    console.error("bench: autocannon is not installed (it is a devDependency): run npm install");
    return 1;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "okoro-bench-"));
  const logs = path.join(tmp, "logs");
  mkdirSync(logs);
  const processes = new Processes(logs);
  let database: BenchDatabase | undefined;
  let cleaned = false;
  const cleanup = async (ok: boolean) => {
    if (cleaned) return;
    cleaned = true;
    await processes.stopAll();
    await database?.drop();
    // keep the logs of a failed run; the database files are never worth keeping
    if (ok) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(path.join(tmp, "data"), { recursive: true, force: true });
      rmSync(path.join(tmp, "pglite"), { recursive: true, force: true });
      console.error(`bench: the children's logs are in ${logs}`);
    }
  };
  process.on("exit", () => processes.killAllNow());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping`);
      void cleanup(false).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
  try {
    await main(config, processes, tmp, (db) => {
      database = db;
    });
    await cleanup(true);
    return 0;
  } catch (e) {
    console.error(`bench: FAILED: ${(e as Error).message}`);
    await cleanup(false);
    return 1;
  }
}

process.exit(await cli());
