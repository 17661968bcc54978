// The download scenario: one large body through okoro with the reflected-credential
// scrubber searching it, against the same body with the scrubber switched off (the
// x-okoro-bench-unscrubbed header, honoured only under OKORO_BENCH=1). The ratio of the
// two throughputs is what scrubbing costs a download.
import { Agent, request } from "undici";

export type DownloadTiming = {
  bytes: number;
  seconds: number;
  /** the answer's Content-Length: absent when the body was scrubbed (its length may change) */
  contentLength: string | null;
};

/** with this header okoro skips the scrubber (OKORO_BENCH=1 only) */
export const UNSCRUBBED = { "x-okoro-bench-unscrubbed": "1" };

const agent = new Agent({ keepAliveTimeout: 10_000 });

export async function timeDownload(
  url: string,
  headers: Record<string, string>,
  expectedBytes: number,
): Promise<DownloadTiming> {
  const started = performance.now();
  const response = await request(url, { method: "GET", headers, dispatcher: agent });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    throw new Error(`download ${url} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  let bytes = 0;
  for await (const chunk of response.body) bytes += (chunk as Buffer).byteLength;
  const seconds = (performance.now() - started) / 1000;
  if (bytes !== expectedBytes) throw new Error(`download ${url}: ${bytes} bytes arrived, not ${expectedBytes}`);
  const length = response.headers["content-length"];
  return { bytes, seconds, contentLength: length === undefined ? null : String(length) };
}
