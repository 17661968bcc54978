// One load run with autocannon: N keep-alive connections for D seconds against one URL.
// Latencies are taken from autocannon's per-response event (hrtime, in ms as floats)
// rather than its histogram, which rounds to whole milliseconds — too coarse for a
// proxy whose added latency is a fraction of one.
import autocannon from "autocannon";

export type LoadSpec = { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string };

export type LoadRun = {
  connections: number;
  seconds: number;
  /** 2xx responses */
  ok: number;
  /** requests written, finished or not (the denominator for database round trips) */
  sent: number;
  rps: number;
  /** ms, one per 2xx response */
  latencies: number[];
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
};

export async function runLoad(spec: LoadSpec, connections: number, seconds: number): Promise<LoadRun> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers,
    body: spec.body,
    connections,
    duration: seconds,
    timeout: 10,
    // autocannon stops at the first sample tick after `duration`: tick often so runs end on time
    sampleInt: 100,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
  });
  const result = await instance;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    connections,
    seconds: result.duration,
    ok: result["2xx"],
    sent: result.requests.sent,
    rps: result.duration > 0 ? result["2xx"] / result.duration : 0,
    latencies,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
  };
}
