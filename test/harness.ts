// An okoro for tests: real database, real exchange and proxy code, every provider pointed
// at one local upstream server (under /<provider-id>/…), fake but recognisable credentials
// so that a canary test can grep for them.
import http from "node:http";
import { Readable } from "node:stream";
import { createUser } from "@/lib/users";
import { setConnection } from "@/lib/connect/connections";
import { createServiceToken, type NewServiceToken } from "@/lib/tokens/service-tokens";
import type { Database } from "@/db/client";
import type { CredentialResolver } from "@/lib/serve/proxy-authorize";
import { generateMasterKey } from "@/lib/crypto/envelope";
import { loadEnv, setEnvForTesting, type Env } from "@/lib/env";
import { handleExchange } from "@/lib/exchange";
import { recordFailureSummary } from "@/lib/failure-limits";
import { createFailureLimiter } from "@/lib/http/failure-limiter";
import { getProvider, PROVIDER_IDS } from "@/lib/providers/catalog";
import { createProxy } from "@/lib/serve/deps";
import type { ProxyHandler } from "@/lib/proxy/handler";
import { listenNodeProxy, type NodeProxyServer } from "@/lib/serve/node-server";
import type { Credential } from "@/lib/providers/types";
import { resetSigningKeyCaches } from "@/lib/tokens/signing-keys";

export const OKORO_URL = "http://okoro.test";

/** Credentials that are easy to grep for in every output. */
export const CANARY: Record<string, Credential> = {
  trello: { token: "CANARYtrellotoken0001", token_secret: "CANARYtrellosecret0001" },
  github: { access_token: "CANARYgithub0001" },
  gmail: {
    access_token: "CANARYgmail0001",
    refresh_token: "CANARYgmailrefresh0001",
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
  },
  "google-drive": {
    access_token: "CANARYdrive0001",
    refresh_token: "CANARYdriverefresh0001",
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
  },
  notion: { access_token: "CANARYnotion0001" },
  slack: { access_token: "CANARYslack0001" },
  openai: { api_key: "CANARYopenai0001" },
  anthropic: { api_key: "CANARYanthropic0001" },
  stripe: { api_key: "CANARYstripe0001" },
};
export const TRELLO_CONSUMER = { key: "CANARYtrelloconsumerkey", secret: "CANARYtrelloconsumersecret" };

// one master key per test process: several harnesses may share a database (and its signing key)
const MASTER_KEYS = generateMasterKey("test1");

/** The variables of a test okoro, for child processes (serve-proxy) as well as in-process. */
export function testEnvSource(upstreamUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const source: Record<string, string> = {
    NODE_ENV: "test",
    OKORO_URL,
    OKORO_MASTER_KEYS: MASTER_KEYS,
    AUTH_SECRET: "test-auth-secret-test-auth-secret-0123",
    OKORO_TRELLO_KEY: TRELLO_CONSUMER.key,
    OKORO_TRELLO_SECRET: TRELLO_CONSUMER.secret,
    ...extra,
  };
  for (const id of PROVIDER_IDS) {
    const basePath = new URL(getProvider(id)!.baseUrl).pathname.replace(/\/+$/, "");
    source[`OKORO_PROVIDER_${id.toUpperCase().replace(/-/g, "_")}_BASE_URL`] = `${upstreamUrl}/${id}${basePath}`;
  }
  return source;
}

export function testEnv(upstreamUrl: string, extra: Record<string, string> = {}): Env {
  return loadEnv(testEnvSource(upstreamUrl, extra));
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export type HarnessOptions = {
  /** builds the proxy's CredentialResolver (e.g. lib/connect/refresh.ts); none by default */
  resolveCredential?: (deps: { db: Database; env: Env }) => CredentialResolver;
  /**
   * How `call` reaches the proxy: "web" hands a Request to the handler (the Next.js route's
   * way); "node" sends real HTTP to the handler in a plain Node server (`npm start`'s and
   * `okoro serve-proxy`'s way), started on first use — close it with `close()`.
   */
  transport?: ProxyTransport;
};

export type ProxyTransport = "web" | "node";

export async function createHarness(
  db: Database,
  upstreamUrl: string,
  extraEnv: Record<string, string> = {},
  options: HarnessOptions = {},
) {
  const env = testEnv(upstreamUrl, extraEnv);
  setEnvForTesting(env);
  resetSigningKeyCaches(db);
  // the exchange and the proxy share one limiter of invalid tokens per address, as in the app
  const failures = createFailureLimiter({ report: recordFailureSummary(db) });
  const proxy: ProxyHandler = createProxy({
    db,
    env,
    resolveCredential: options.resolveCredential?.({ db, env }),
    failures,
  });
  const user = await createUser(db, { email: `agent-owner-${Math.random().toString(36).slice(2)}@example.com` });

  const connect = async (provider: string, credential = CANARY[provider]) =>
    setConnection({ db, userId: user.id, provider, method: "paste", credential, masterKeys: env.masterKeys });

  const createToken = async (options: Partial<NewServiceToken> & { grants: NewServiceToken["grants"] }) =>
    createServiceToken(
      db,
      { userId: user.id, name: options.name ?? "research-agent", ...options },
      (id) => getProvider(id) !== undefined,
    );

  const exchangeRaw = (init: RequestInit) =>
    handleExchange(new Request(`${OKORO_URL}/api/token`, { method: "POST", ...init }), {
      db,
      url: env.url,
      ip: "127.0.0.1",
      userAgent: "vitest",
      failures,
    });

  const exchange = (serviceToken: string | null, body: Record<string, unknown>) =>
    exchangeRaw({
      headers: {
        "content-type": "application/json",
        ...(serviceToken ? { authorization: `Bearer ${serviceToken}` } : {}),
      },
      body: JSON.stringify(body),
    });

  /** Exchanges and returns the operation token, failing the test when refused. */
  const operationToken = async (serviceToken: string, body: Record<string, unknown>) => {
    const res = await exchange(serviceToken, body);
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`exchange refused: ${res.status} ${JSON.stringify(json)}`);
    return json.access_token as string;
  };

  let server: Promise<NodeProxyServer> | undefined;
  /**
   * Over real HTTP with node:http: exactly the headers given (even odd ones), nothing
   * decoded, a fresh connection per call (a test may declare a body it never sends).
   */
  const callOverHttp = async (request: Request): Promise<Response> => {
    server ??= listenNodeProxy(proxy);
    const { url } = await server;
    const target = new URL(request.url);
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const outgoing = http.request(
        `${url}${target.pathname}${target.search}`,
        { method: request.method, headers: Object.fromEntries(request.headers), agent: false },
        resolve,
      );
      outgoing.on("error", reject);
      if (request.body) Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).pipe(outgoing);
      else outgoing.end();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const empty = request.method === "HEAD" || [204, 205, 304].includes(answer.statusCode ?? 0);
    if (empty) answer.resume();
    return new Response(empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), {
      status: answer.statusCode,
      headers,
    });
  };

  const call = (
    token: string | null,
    method: string,
    providerAndPath: string,
    init: { headers?: Record<string, string>; body?: BodyInit | null } = {},
  ) => {
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    const hasStreamBody = init.body instanceof ReadableStream;
    const request = new Request(`${OKORO_URL}/p/${providerAndPath}`, {
      method,
      headers,
      body: init.body ?? null,
      ...(hasStreamBody ? { duplex: "half" } : {}),
    } as RequestInit);
    return options.transport === "node" ? callOverHttp(request) : proxy(request, { ip: "127.0.0.1" });
  };

  const close = async () => {
    if (server) await (await server).close();
    server = undefined;
    failures.close();
  };

  return { db, env, proxy, failures, user, connect, createToken, exchange, exchangeRaw, operationToken, call, close };
}
