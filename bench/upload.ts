// The upload scenario: N concurrent POSTs of B bytes each through a proxy, while the
// serving process's resident memory is watched. A proxy that streams bodies grows by a few
// buffers; one that buffers them grows by N × B. The peak comes from the kernel's
// high-water mark (VmHWM, reset first) when we may reset it, and from sampling otherwise.
import { Agent, request } from "undici";
import { memoryOf, resetPeak } from "@/bench/processes";

export type UploadResult = {
  requests: number;
  bytesEach: number;
  seconds: number;
  baselineRss: number;
  peakRss: number;
  /** peak − baseline, bytes */
  growth: number;
  peakFrom: "VmHWM" | "sampled";
};

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

export async function measureUpload(options: {
  url: string;
  headers: Record<string, string>;
  pid: number;
  requests: number;
  bytesEach: number;
}): Promise<UploadResult> {
  const body = Buffer.alloc(options.bytesEach, 0x61);
  const before = memoryOf(options.pid);
  if (!before) throw new Error(`cannot read the memory of process ${options.pid} (/proc is needed)`);
  const hwm = resetPeak(options.pid);
  let sampled = before.rss;
  const sampler = setInterval(() => {
    const now = memoryOf(options.pid);
    if (now && now.rss > sampled) sampled = now.rss;
  }, 5);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: options.requests }, async () => {
        const response = await request(options.url, {
          method: "POST",
          headers: { "content-type": "application/octet-stream", ...options.headers },
          body,
          dispatcher: agent,
        });
        const text = await response.body.text();
        if (response.statusCode !== 200)
          throw new Error(`upload ${options.url} answered ${response.statusCode}: ${text.slice(0, 300)}`);
        const received = (JSON.parse(text) as { bytes?: number }).bytes;
        if (received !== options.bytesEach)
          throw new Error(`upload ${options.url}: the upstream received ${received} bytes, not ${options.bytesEach}`);
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const after = memoryOf(options.pid);
  const peak = hwm && after ? Math.max(after.peak, sampled) : sampled;
  return {
    requests: options.requests,
    bytesEach: options.bytesEach,
    seconds,
    baselineRss: before.rss,
    peakRss: peak,
    growth: Math.max(0, peak - before.rss),
    peakFrom: hwm ? "VmHWM" : "sampled",
  };
}
