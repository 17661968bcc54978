// Work that must not delay an answer (sweeps, due checkpoints, approval webhooks): Next's
// after() runs it once the response is sent and keeps a serverless instance alive for it.
// Called outside a request scope (a test calling a route's POST, a script) after() throws;
// the work then runs detached instead, so a route behaves the same wherever it is called.
import { after } from "next/server";

export function afterResponse(task: Promise<unknown> | (() => unknown)): void {
  try {
    after(task);
  } catch {
    void Promise.resolve()
      .then(() => (typeof task === "function" ? task() : task))
      .catch((e) => console.error("[okoro] background work after a response failed:", (e as Error).message));
  }
}
