// `npm start` serves /p/ without Next.js in between. scripts/start.mjs (plain Node, outside
// Next's bundle) cannot import the proxy core itself, so the app publishes a request
// listener for it when Next prepares the server (instrumentation.ts → here), and the
// server hands every /p/ request to that listener before Next would route it. Same handler,
// database pipe and keys as the /p/ route (lib/proxy/runtime.ts), minus Next's router,
// request adaptation and response piping — about half the CPU of a proxied request and a
// millisecond of latency (README, Benchmark). The route handler stays for `next dev` and
// for hosts without our server (Vercel).
import "server-only";
import { getEnv } from "@/lib/env";
import { createNodeProxyListener, type NodeProxyListener } from "@/lib/proxy/node-server";
import { getProxyHandler } from "@/lib/proxy/runtime";

/** Set by scripts/start.mjs: this process's HTTP server is ours and will look for the listener. */
export const START_MARKER = Symbol.for("okoro.start-server");
/** Where the listener is published for scripts/start.mjs. */
export const PROXY_LISTENER = Symbol.for("okoro.proxy-listener");

type Slots = Record<symbol, unknown>;

export function publishProxyListener(): NodeProxyListener | null {
  const slots = globalThis as unknown as Slots;
  if (slots[START_MARKER] !== true) return null;
  const listener = createNodeProxyListener(getProxyHandler, { trustedProxyHops: getEnv().trustedProxyHops });
  slots[PROXY_LISTENER] = listener;
  return listener;
}
