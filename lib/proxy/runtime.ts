// The Next.js app's proxy handler: built once per process on first use.
import "server-only";
import { getDb } from "@/db/client";
import { createCredentialRefresher } from "@/lib/connect/refresh";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { createProxy } from "@/lib/proxy/deps";
import type { ProxyHandler } from "@/lib/proxy/handler";

type Global = typeof globalThis & { __okoroProxy?: Promise<ProxyHandler> };

export function getProxyHandler(): Promise<ProxyHandler> {
  const g = globalThis as Global;
  g.__okoroProxy ??= getDb().then((db) => {
    const env = getEnv();
    return createProxy({ db, env, resolveCredential: createCredentialRefresher({ db, env }), failures: getFailureLimiter() });
  });
  g.__okoroProxy.catch(() => {
    g.__okoroProxy = undefined;
  });
  return g.__okoroProxy;
}
