// The SSE scenario's client: opens one event stream and notes when each event arrives.
// Time to the first event and the spacing of the later ones are compared with the same
// stream fetched straight from the upstream, which emits them on a fixed schedule.
import { Agent, request } from "undici";

export type StreamTiming = {
  /** ms from sending the request to the end of the first event */
  firstEvent: number;
  /** ms between consecutive events (events − 1 of them) */
  gaps: number[];
};

const agent = new Agent({ keepAliveTimeout: 10_000 });

export async function timeStream(url: string, headers: Record<string, string>, events: number): Promise<StreamTiming> {
  const started = performance.now();
  const response = await request(url, {
    method: "GET",
    headers: { accept: "text/event-stream", ...headers },
    dispatcher: agent,
  });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    throw new Error(`SSE ${url} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  const arrivals: number[] = [];
  let buffer = "";
  for await (const chunk of response.body) {
    const now = performance.now();
    buffer += (chunk as Buffer).toString("utf8");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      arrivals.push(now);
      buffer = buffer.slice(end + 2);
    }
  }
  if (arrivals.length !== events) throw new Error(`SSE ${url}: expected ${events} events, got ${arrivals.length}`);
  return { firstEvent: arrivals[0] - started, gaps: arrivals.slice(1).map((t, i) => t - arrivals[i]) };
}
