// Wires the proxy core to the database, the keys and the catalog. The Next.js route,
// `okoro serve-proxy` and the tests all build their handler here, so they behave alike.
import "server-only";
import { Agent, type Dispatcher } from "undici";
import type { Database } from "@/db/client";
import { authorizeProxyRequest, type CredentialResolver } from "@/lib/serve/proxy-authorize";
import { getServiceToken } from "@/db/queries/service-tokens";
import { appendAudit } from "@/lib/audit/append";
import { checkpointScheduler } from "@/lib/audit/checkpoint";
import type { Env } from "@/lib/env";
import { recordFailureSummary } from "@/lib/failure-limits";
import { createFailureLimiter, type FailureLimiter } from "@/lib/http/failure-limiter";
import { applyProviderOverrides, getProvider } from "@/lib/providers/catalog";
import { classifyRequest, needsBody } from "@/lib/providers/classify";
import { upstreamAuth } from "@/lib/providers/inject";
import { createProxyHandler, proxyProvider, type ProxyDeps, type ProxyProvider } from "@/lib/proxy/handler";
import { getOperationTokenVerifier } from "@/lib/tokens/signing-keys";
import { HELD_MAX_BODY_BYTES } from "@/lib/held/digest";
import { createHoldScopes, holdRequest, isHeld } from "@/lib/held/hold";

/** One keep-alive connection pool per process for every upstream. */
export function createUpstreamDispatcher(): Dispatcher {
  return new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 256 });
}

/**
 * The proxy's view of the catalog, with this env's overrides applied once per provider.
 * It remembers catalog ids only: the id comes from the URL before any token is checked,
 * and a cache that remembered every unknown id would grow with whatever anyone sends.
 */
export function catalogProviders(env: Env): { get: (id: string) => ProxyProvider | undefined; readonly size: number } {
  const resolved = new Map<string, ProxyProvider>();
  return {
    get(id) {
      let p = resolved.get(id);
      if (p === undefined) {
        const spec = getProvider(id);
        if (!spec) return undefined;
        // overrides from this env (tests and serve-proxy pass their own)
        p = proxyProvider(applyProviderOverrides(spec, env));
        resolved.set(id, p);
      }
      return p;
    },
    get size() {
      return resolved.size;
    },
  };
}

export function createProxyDeps(options: {
  db: Database;
  env: Env;
  dispatcher?: Dispatcher;
  resolveCredential?: CredentialResolver;
  /** the process's limiter (lib/failure-limits.ts) so every door shares it; else one of its own */
  failures?: FailureLimiter;
}): ProxyDeps {
  const { db, env } = options;
  // audit checkpoints follow the pipe's commits (a clock check per batch, the work deferred)
  checkpointScheduler(db, env.masterKeys);
  const providers = catalogProviders(env);
  const verifier = getOperationTokenVerifier(db, { issuer: env.url });
  const trello = env.oauthApp("trello");
  return {
    maxBodyBytes: env.maxBodyBytes,
    upstreamTimeoutMs: env.upstreamTimeoutMs,
    dispatcher: options.dispatcher ?? createUpstreamDispatcher(),
    provider: (id) => providers.get(id),
    verify: (token) => verifier.verify(token),
    failures: options.failures ?? createFailureLimiter({ report: recordFailureSummary(db) }),
    classify: classifyRequest,
    needsBody,
    authorize: (request) =>
      authorizeProxyRequest({ db, masterKeys: env.masterKeys, resolveCredential: options.resolveCredential }, request),
    credentialHeaders: (provider, credential, request) =>
      upstreamAuth(provider, credential, {
        method: request.method,
        url: request.url,
        contentType: request.contentType,
        body: request.body,
        consumer: trello ? { key: trello.clientId, secret: trello.clientSecret } : undefined,
      }),
    hold: {
      maxBodyBytes: HELD_MAX_BODY_BYTES,
      scopes: createHoldScopes(db),
      isHeld,
      hold: (request) => holdRequest({ db, url: env.url, masterKeys: env.masterKeys }, request),
    },
    // the bench's way to measure the scrubber's cost; env.bench is OKORO_BENCH=1 only
    benchUnscrubbed: env.bench,
    async record(event, options) {
      // verified-but-refused requests know their service token, not yet its user
      let userId = event.userId;
      if (!userId && event.serviceTokenId) userId = (await getServiceToken(db, event.serviceTokenId))?.userId ?? null;
      await appendAudit(db, { ...event, userId }, { defer: options?.deferred });
    },
  };
}

export function createProxy(options: Parameters<typeof createProxyDeps>[0]) {
  return createProxyHandler(createProxyDeps(options));
}
