// Turns the measurements into the summary (results.json) and the printed table. Every
// number that compares scenarios is computed here, from the raw runs the harness kept.
import type { LoadRun } from "@/bench/load";
import { meanAbsDeviation, median, percentile, round } from "@/bench/stats";
import type { DatabaseFloor } from "@/bench/database";
import type { StreamTiming } from "@/bench/sse";
import type { UploadResult } from "@/bench/upload";
import type { DownloadTiming } from "@/bench/download";

// okoro and exchange: the agent path as `npm start` serves it (our code straight from its
// server, in the app's process); okoro_route and exchange_route: the same requests through
// Next's route handlers, as on hosts that run Next without our server (Vercel)
export const LOAD_SCENARIOS = [
  "direct",
  "node_floor",
  "next_floor",
  "okoro",
  "okoro_route",
  "okoro_oauth1",
  "okoro_node",
  "mcp_tool",
  "exchange",
  "exchange_route",
] as const;
export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

/** One measured run and, for scenarios served by the app, its database round trips. */
export type Measured = { round: number; run: LoadRun; dbRoundTrips: number | null };

export type Raw = {
  load: Record<LoadScenario, { c1: Measured[]; c50: Measured[] }>;
  sse: Record<string, StreamTiming[]>;
  sseInterval: number;
  upload: Record<string, UploadResult[]>;
  /** okoro (the app) downloads with the reflected-credential scrubber on and off */
  download?: { scrubbed: DownloadTiming[]; unscrubbed: DownloadTiming[] };
  databaseFloor?: DatabaseFloor | null;
};

export type Machine = {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  database: string;
  loadGenerator: string;
  loadAverageAtStart: number[];
  commit: string | null;
};

export type ScenarioSummary = {
  rps50: number | null;
  rps1: number | null;
  p50_1: number | null;
  p99_1: number | null;
  p50_50: number | null;
  p99_50: number | null;
  addedP50_1: number | null;
  addedP99_1: number | null;
  addedP50_50: number | null;
  dbRoundTripsPerRequest: { c1: number | null; c50: number | null } | null;
  requests: number;
  errors: number;
  rounds: {
    round: number;
    connections: number;
    rps: number | null;
    p50: number | null;
    requests: number;
    dbRoundTrips: number | null;
  }[];
};

export type Target = { name: string; value: number | null; limit: string; met: boolean | null };

export type Results = {
  version: 1;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  config: {
    rounds: number;
    secondsPerRun: number;
    connections: [1, 50];
    sse: { events: number; intervalMs: number; streamsPerRound: number };
    upload: { requests: number; bytesEach: number };
    download?: { perRound: number; bytes: number };
  };
  machine: Machine;
  scenarios: Record<LoadScenario, ScenarioSummary>;
  ratios: Record<string, number | null>;
  sse: Record<
    string,
    {
      firstEventP50: number | null;
      addedFirstEventP50: number | null;
      spacingMad: number | null;
      addedSpacingMad: number | null;
      streams: number;
    }
  >;
  upload: Record<
    string,
    { maxGrowthMB: number | null; growthMB: (number | null)[]; seconds: (number | null)[]; peakFrom: string }
  >;
  /** MB/s (median) of a large download through okoro with the scrubber and without, and their ratio */
  download: {
    scrubbedMBps: number | null;
    unscrubbedMBps: number | null;
    ratio: number | null;
    downloads: number;
    bytesEach: number | null;
  } | null;
  /** p50 ms of a bare round trip and of a durable one-row INSERT, from outside the app (PostgreSQL only) */
  databaseFloor: { roundTripP50: number | null; durableInsertP50: number | null } | null;
  targets: Target[];
};

const MB = 1024 * 1024;

function summarize(
  raw: { c1: Measured[]; c50: Measured[] },
  direct: { p50_1: number; p99_1: number; p50_50: number } | null,
): ScenarioSummary {
  const pooled = (runs: Measured[]) => runs.flatMap((m) => m.run.latencies);
  const l1 = pooled(raw.c1);
  const l50 = pooled(raw.c50);
  const trips = (runs: Measured[]) => {
    if (runs.length === 0 || runs.some((m) => m.dbRoundTrips === null)) return null;
    const sent = runs.reduce((a, m) => a + m.run.sent, 0);
    return sent > 0 ? round(runs.reduce((a, m) => a + (m.dbRoundTrips ?? 0), 0) / sent, 2) : null;
  };
  const p50_1 = percentile(l1, 50);
  const p99_1 = percentile(l1, 99);
  const p50_50 = percentile(l50, 50);
  const c1Trips = trips(raw.c1);
  const c50Trips = trips(raw.c50);
  const all = [...raw.c1, ...raw.c50];
  return {
    rps50: round(median(raw.c50.map((m) => m.run.rps)), 0),
    rps1: round(median(raw.c1.map((m) => m.run.rps)), 0),
    p50_1: round(p50_1),
    p99_1: round(p99_1),
    p50_50: round(p50_50),
    p99_50: round(percentile(l50, 99)),
    addedP50_1: direct ? round(p50_1 - direct.p50_1) : null,
    addedP99_1: direct ? round(p99_1 - direct.p99_1) : null,
    addedP50_50: direct ? round(p50_50 - direct.p50_50) : null,
    dbRoundTripsPerRequest: c1Trips === null && c50Trips === null ? null : { c1: c1Trips, c50: c50Trips },
    requests: all.reduce((a, m) => a + m.run.ok, 0),
    errors: all.reduce((a, m) => a + m.run.errors + m.run.non2xx, 0),
    rounds: all
      .map((m) => ({
        round: m.round,
        connections: m.run.connections,
        rps: round(m.run.rps, 0),
        p50: round(percentile(m.run.latencies, 50)),
        requests: m.run.sent,
        dbRoundTrips: m.dbRoundTrips,
      }))
      .sort((a, b) => a.round - b.round || a.connections - b.connections),
  };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b != null && b > 0 ? round(a / b, 2) : null;
const diff = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b != null ? round(a - b) : null;

export function buildResults(
  raw: Raw,
  meta: Pick<Results, "startedAt" | "finishedAt" | "quick" | "config" | "machine">,
): Results {
  const d = raw.load.direct;
  const directLat = {
    p50_1: percentile(
      d.c1.flatMap((m) => m.run.latencies),
      50,
    ),
    p99_1: percentile(
      d.c1.flatMap((m) => m.run.latencies),
      99,
    ),
    p50_50: percentile(
      d.c50.flatMap((m) => m.run.latencies),
      50,
    ),
  };
  const scenarios = Object.fromEntries(
    LOAD_SCENARIOS.map((name) => [name, summarize(raw.load[name], name.startsWith("exchange") ? null : directLat)]),
  ) as Record<LoadScenario, ScenarioSummary>;
  const s = scenarios;

  const ratios: Record<string, number | null> = {
    okoro_over_next_floor_rps: ratio(s.okoro.rps50, s.next_floor.rps50),
    okoro_over_node_floor_rps: ratio(s.okoro.rps50, s.node_floor.rps50),
    okoro_route_over_next_floor_rps: ratio(s.okoro_route.rps50, s.next_floor.rps50),
    okoro_oauth1_over_next_floor_rps: ratio(s.okoro_oauth1.rps50, s.next_floor.rps50),
    okoro_node_over_node_floor_rps: ratio(s.okoro_node.rps50, s.node_floor.rps50),
    okoro_minus_next_floor_p50_1_ms: diff(s.okoro.p50_1, s.next_floor.p50_1),
    okoro_node_minus_node_floor_p50_1_ms: diff(s.okoro_node.p50_1, s.node_floor.p50_1),
    okoro_route_minus_next_floor_p50_1_ms: diff(s.okoro_route.p50_1, s.next_floor.p50_1),
    mcp_tool_over_okoro_rps: ratio(s.mcp_tool.rps50, s.okoro.rps50),
    mcp_tool_minus_okoro_p50_1_ms: diff(s.mcp_tool.p50_1, s.okoro.p50_1),
  };

  const sseDirect = raw.sse.direct ?? [];
  const firstP50 = (t: StreamTiming[]) => median(t.map((x) => x.firstEvent));
  const mad = (t: StreamTiming[]) =>
    meanAbsDeviation(
      t.flatMap((x) => x.gaps),
      raw.sseInterval,
    );
  const sse = Object.fromEntries(
    Object.entries(raw.sse).map(([name, timings]) => [
      name,
      {
        firstEventP50: round(firstP50(timings)),
        addedFirstEventP50: name === "direct" ? null : round(firstP50(timings) - firstP50(sseDirect)),
        spacingMad: round(mad(timings)),
        addedSpacingMad: name === "direct" ? null : round(mad(timings) - mad(sseDirect)),
        streams: timings.length,
      },
    ]),
  );

  const upload = Object.fromEntries(
    Object.entries(raw.upload).map(([name, results]) => [
      name,
      {
        maxGrowthMB: round(Math.max(...results.map((r) => r.growth)) / MB, 1),
        growthMB: results.map((r) => round(r.growth / MB, 1)),
        seconds: results.map((r) => round(r.seconds, 2)),
        peakFrom: results[0]?.peakFrom ?? "n/a",
      },
    ]),
  );

  const mbps = (timings: DownloadTiming[]) => median(timings.map((t) => t.bytes / MB / t.seconds));
  const dl = raw.download;
  const download =
    dl && dl.scrubbed.length > 0 && dl.unscrubbed.length > 0
      ? {
          scrubbedMBps: round(mbps(dl.scrubbed), 0),
          unscrubbedMBps: round(mbps(dl.unscrubbed), 0),
          ratio: ratio(mbps(dl.scrubbed), mbps(dl.unscrubbed)),
          downloads: dl.scrubbed.length + dl.unscrubbed.length,
          bytesEach: dl.scrubbed[0].bytes,
        }
      : null;

  const target = (name: string, value: number | null, limit: string, ok: (v: number) => boolean): Target => ({
    name,
    value,
    limit,
    met: value === null ? null : ok(value),
  });
  const targets: Target[] = [
    target("okoro rps@50 / next_floor", ratios.okoro_over_next_floor_rps, "≥ 0.8", (v) => v >= 0.8),
    target("okoro p50@1 − next_floor p50@1 (ms)", ratios.okoro_minus_next_floor_p50_1_ms, "≤ 0.3", (v) => v <= 0.3),
    target("exchange rps@50", s.exchange.rps50, "≥ 500", (v) => v >= 500),
    target("sse: okoro first event added (ms)", sse.okoro?.addedFirstEventP50 ?? null, "≤ 5", (v) => v <= 5),
    // "nothing" within timer noise: the direct stream's own deviation is the baseline
    target(
      "sse: okoro spacing deviation added (ms)",
      sse.okoro?.addedSpacingMad ?? null,
      "≤ 1 (≈ nothing)",
      (v) => v <= 1,
    ),
    target("upload: okoro peak RSS growth (MB)", upload.okoro?.maxGrowthMB ?? null, "< 50", (v) => v < 50),
    target("download: okoro throughput scrubbed / unscrubbed", download?.ratio ?? null, "≥ 0.8", (v) => v >= 0.8),
    target("okoro_node rps@50 / node_floor", ratios.okoro_node_over_node_floor_rps, "≥ 0.6", (v) => v >= 0.6),
    target("okoro_node added p50@1 over direct (ms)", s.okoro_node.addedP50_1, "≤ 0.5", (v) => v <= 0.5),
    // a tool call is an exchange plus the same proxied request: the MCP layer must not be the slow part
    target("mcp_tool rps@50 / okoro", ratios.mcp_tool_over_okoro_rps, "≥ 0.7", (v) => v >= 0.7),
    target("mcp_tool p50@1 − okoro p50@1 (ms)", ratios.mcp_tool_minus_okoro_p50_1_ms, "≤ 1", (v) => v <= 1),
  ];

  const floor = raw.databaseFloor;
  const databaseFloor = floor
    ? {
        roundTripP50: round(percentile(floor.roundTrip, 50)),
        durableInsertP50: round(percentile(floor.durableInsert, 50)),
      }
    : null;

  return { version: 1, ...meta, scenarios, ratios, sse, upload, download, databaseFloor, targets };
}

function cell(value: number | null | undefined, digits = 2, signed = false): string {
  if (value === null || value === undefined) return "—";
  const text = value.toFixed(digits);
  return signed && value >= 0 ? `+${text}` : text;
}

export function formatTable(r: Results): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(
    `okoro bench${r.quick ? " (quick smoke: numbers are not meaningful)" : ""} — ${r.startedAt.slice(0, 16).replace("T", " ")} UTC, ${r.config.rounds} round(s) × ${r.config.secondsPerRun} s per run`,
    `${m.cpu} · ${m.cores} cores · ${m.memoryGiB} GiB · Node ${m.node} · ${m.database} · ${m.loadGenerator} · load avg at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")}${m.commit ? ` · ${m.commit}` : ""}`,
    "",
  );
  const header = [
    "scenario",
    "rps@50",
    "p50@1",
    "p99@1",
    "p50@50",
    "p99@50",
    "+p50@1",
    "+p99@1",
    "+p50@50",
    "db trips/req @1 @50",
  ];
  const rows = LOAD_SCENARIOS.map((name) => {
    const s = r.scenarios[name];
    const trips = s.dbRoundTripsPerRequest
      ? `${cell(s.dbRoundTripsPerRequest.c1)} ${cell(s.dbRoundTripsPerRequest.c50)}`
      : name === "okoro_node"
        ? "(as okoro)"
        : "—";
    return [
      name,
      cell(s.rps50, 0),
      cell(s.p50_1),
      cell(s.p99_1),
      cell(s.p50_50),
      cell(s.p99_50),
      cell(s.addedP50_1, 2, true),
      cell(s.addedP99_1, 2, true),
      cell(s.addedP50_50, 2, true),
      trips,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  lines.push(fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt));
  lines.push("latencies in ms; + columns: added over direct; db trips counted in the app (next_floor must be 0)", "");

  const q = r.ratios;
  lines.push(
    `ratios   okoro/next_floor ${cell(q.okoro_over_next_floor_rps)} · okoro_route/next_floor ${cell(q.okoro_route_over_next_floor_rps)} · okoro/node_floor ${cell(q.okoro_over_node_floor_rps)} · okoro_oauth1/next_floor ${cell(q.okoro_oauth1_over_next_floor_rps)} · okoro_node/node_floor ${cell(q.okoro_node_over_node_floor_rps)} · mcp_tool/okoro ${cell(q.mcp_tool_over_okoro_rps)}  (rps@50)`,
    `         p50@1 okoro − next_floor ${cell(q.okoro_minus_next_floor_p50_1_ms, 2, true)} ms · okoro_route − next_floor ${cell(q.okoro_route_minus_next_floor_p50_1_ms, 2, true)} ms · okoro_node − node_floor ${cell(q.okoro_node_minus_node_floor_p50_1_ms, 2, true)} ms · mcp_tool − okoro ${cell(q.mcp_tool_minus_okoro_p50_1_ms, 2, true)} ms`,
  );
  const sseParts = Object.entries(r.sse).map(([name, s]) =>
    name === "direct"
      ? `direct first ${cell(s.firstEventP50)} ms, spacing ±${cell(s.spacingMad)} ms`
      : `${name} first ${cell(s.addedFirstEventP50, 2, true)}, spacing ${cell(s.addedSpacingMad, 2, true)}`,
  );
  lines.push(`sse      ${r.config.sse.events} events every ${r.config.sse.intervalMs} ms: ${sseParts.join(" · ")}`);
  const up = Object.entries(r.upload).map(([name, u]) => `${name} +${cell(u.maxGrowthMB, 1)} MB`);
  lines.push(
    `upload   ${r.config.upload.requests} × ${r.config.upload.bytesEach / MB} MB concurrent, peak RSS growth: ${up.join(" · ")}`,
  );
  if (r.download) {
    lines.push(
      `download ${r.download.downloads} × ${cell((r.download.bytesEach ?? 0) / MB, 0)} MB through okoro: scrubbed ${cell(r.download.scrubbedMBps, 0)} MB/s · unscrubbed ${cell(r.download.unscrubbedMBps, 0)} MB/s · ratio ${cell(r.download.ratio)}`,
    );
  }
  if (r.databaseFloor) {
    lines.push(
      `database one round trip from Node, p50: SELECT 1 ${cell(r.databaseFloor.roundTripP50)} ms · durable one-row INSERT ${cell(r.databaseFloor.durableInsertP50)} ms`,
      "         (okoro's proxy makes one durable write before forwarding: the least it can add at 1 connection)",
    );
  }
  lines.push("");
  lines.push("targets (measured, not asserted)");
  for (const t of r.targets)
    lines.push(`  ${t.met === null ? "?" : t.met ? "✓" : "✗"} ${t.name}: ${cell(t.value)} (target ${t.limit})`);
  return lines.join("\n");
}
