// The Next.js app's proxy handler: built once per process on first use.
import "server-only";
import { getDb } from "@/lib/serve/database";
import { createCredentialRefresher } from "@/lib/connect/refresh";
import { getEnv } from "@/lib/env";
import { getFailureLimiter } from "@/lib/failure-limits";
import { createProxy } from "@/lib/serve/deps";
import type { ProxyHandler } from "@/lib/proxy/handler";
import { getSlot, promiseSlot } from "@/lib/serve/slots";

export function getProxyHandler(): Promise<ProxyHandler> {
  return getSlot("proxy") ?? promiseSlot("proxy", buildProxyHandler);
}

function buildProxyHandler(): Promise<ProxyHandler> {
  return getDb().then((db) => {
    const env = getEnv();
    return createProxy({
      db,
      env,
      resolveCredential: createCredentialRefresher({ db, env }),
      failures: getFailureLimiter(),
    });
  });
}
