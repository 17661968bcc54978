// The proxy's hot path (docs/agent-api.md#proxy) as plain TypeScript: a request in, an answer out.
// No next/*, no React, no database import — everything stateful (token verification, the
// database trip that authorizes and audits, the audit sink, credentials, the upstream
// dispatcher) is passed in, so this module runs unchanged in the Next.js route, in a plain
// Node server (`okoro serve-proxy`, `npm start`) and in tests.
//
// The answer is a ProxyAnswer (status, headers, a body read chunk by chunk) rather than a
// web Response: the Next.js route turns it into one (toWebResponse), while the Node server
// writes it straight to its socket — web Request/Response/stream objects were a tenth of
// that server's CPU per request (README, Benchmark).
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { request as undiciRequest, errors as undiciErrors } from "undici";
import type { AuditInput } from "@/lib/audit/append";
import { flagsFor, withReflectedCredential } from "@/lib/audit/flags";
import { redactQuery } from "@/lib/audit/redact";
import { OkoroError, asOkoroError, errorParts } from "@/lib/errors";
import type { FailureLimiter } from "@/lib/http/failure-limiter";
import { newId } from "@/lib/ids";
import { ROUTABLE_METHODS } from "@/lib/proxy/methods";
import {
  forwardRequestHeaders,
  forwardResponseHeaders,
  PROXIED_RESPONSE_HEADERS,
  type HeaderReader,
} from "@/lib/proxy/headers";
import { createScrubber, scrubPatterns, scrubString, type Scrubber } from "@/lib/proxy/scrub";
import { buildUpstreamUrl, parseBaseUrl, type UpstreamBase } from "@/lib/proxy/upstream-url";
import { isProviderIdShaped } from "@/lib/providers/provider-id";
import type { ClassifyInput, Credential, InjectedCredential, ProviderSpec } from "@/lib/providers/types";
import { scopeAllows, type RequestScope, type Scope } from "@/lib/scopes";
import type { OperationClaims } from "@/lib/tokens/operation-token";

export type ProxyProvider = { spec: ProviderSpec; base: UpstreamBase };

export function proxyProvider(spec: ProviderSpec): ProxyProvider {
  return { spec, base: parseBaseUrl(spec.baseUrl) };
}

/** What the authorizer is asked: everything it needs to decide and to write proxy.request. */
export type AuthorizeRequest = {
  claims: OperationClaims;
  provider: ProxyProvider;
  requiredScope: RequestScope;
  audit: Omit<AuditInput, "event" | "userId">;
};

export type Authorization = {
  userId: string;
  credential: Credential;
  /** RateLimit-* headers for a limited token */
  limitHeaders?: Record<string, string>;
};

export type ProxyDeps = {
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  dispatcher: Dispatcher;
  provider: (id: string) => ProxyProvider | undefined;
  /** throws on any invalid token; the error's `cause` (a string) goes to the audit log only */
  verify: (token: string) => Promise<OperationClaims>;
  /** counts invalid tokens per client address, and refuses an address past its limit before verifying */
  failures: Pick<FailureLimiter, "refuse" | "fail">;
  classify: (provider: ProviderSpec, input: ClassifyInput) => RequestScope | "method_not_allowed";
  needsBody: (provider: ProviderSpec, input: Omit<ClassifyInput, "body">) => boolean;
  /**
   * The one database trip: revocation, single-use, connection, limits and the durable
   * proxy.request event. Throws OkoroError (401/409/429/503…) after auditing its refusal.
   */
  authorize: (request: AuthorizeRequest) => Promise<Authorization>;
  /** the provider's credential headers (bearer, x-api-key, an OAuth 1 signature…) and which of their values are secret */
  credentialHeaders: (
    provider: ProviderSpec,
    credential: Credential,
    request: { method: string; url: URL; contentType: string | undefined; body?: Uint8Array },
  ) => InjectedCredential;
  /**
   * The benchmark's switch (set only when OKORO_BENCH=1): a request carrying
   * `x-okoro-bench-unscrubbed: 1` skips the reflected-credential scrubber, so the bench can
   * measure what it costs. Never set in a deployment.
   */
  benchUnscrubbed?: boolean;
  /**
   * Writes a denial or a response event. `deferred`: nobody waits on it (proxy.response),
   * so it may share a later round trip.
   */
  record: (event: AuditInput & { serviceTokenId?: string | null }, options?: { deferred?: boolean }) => Promise<void>;
  /** held requests; absent: nothing is ever held */
  hold?: HoldDeps;
};

/** A request to hold for a person instead of forwarding (docs/agent-api.md#held-requests). */
export type HoldRequest = {
  claims: OperationClaims;
  provider: ProviderSpec;
  requiredScope: RequestScope;
  method: string;
  /** after /p/{provider}, still percent-encoded */
  path: string;
  /** "?…" or "" */
  search: string;
  /** the query as the audit log stores it (secrets redacted) */
  auditQuery: string;
  /** the agent's allowlisted request headers (no credential, no Authorization) */
  headers: Record<string, string>;
  body: Uint8Array;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
};

export type HoldDeps = {
  /** at most this many body bytes are stored; more is 413 */
  maxBodyBytes: number;
  /** the token's hold_scopes (read once a minute at most) */
  scopes: (serviceTokenId: string) => Promise<readonly string[]>;
  isHeld: (holdScopes: readonly string[], tokenScope: string, requiredScope: string) => boolean;
  /** stores the request (or finds the same one pending): the 202 body */
  hold: (request: HoldRequest) => Promise<Record<string, unknown>>;
};

/** What the proxy reads from a request: a web Request has it all; the Node server passes a lighter view. */
export type ProxyRequest = {
  /** absolute; only the path and query are used */
  url: string;
  method: string;
  headers: HeaderReader;
  body: ReadableStream<Uint8Array> | null;
  /** aborts when the agent goes away */
  signal: AbortSignal;
};

/** A response body read chunk by chunk: null at the end. Read it to the end, or cancel it. */
export type ProxyBody = { read(): Promise<Uint8Array | null>; cancel(): void };

export type ProxyAnswer = {
  status: number;
  /** lower-case names; a name may repeat */
  headers: [string, string][];
  /** okoro's own JSON (a refusal), the provider's body streaming through, or nothing */
  body: string | ProxyBody | null;
};

/** A refusal or an error as a tagged docs/agent-api.md#conventions JSON answer. */
export function errorAnswer(
  e: unknown,
  options: { headers?: Record<string, string>; context?: string } = {},
): ProxyAnswer {
  const { status, headers, body } = errorParts(e, {
    ...options,
    headers: { ...options.headers, ...PROXIED_RESPONSE_HEADERS },
    tagged: true,
  });
  return { status, headers: Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]), body };
}

/** The answer as a web Response (the Next.js route, tests). */
export function toWebResponse(answer: ProxyAnswer): Response {
  const { status, body } = answer;
  const headers = new Headers(answer.headers);
  if (body === null || typeof body === "string") return new Response(body, { status, headers });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // a read that throws errors the stream, as the provider's broken body should
      const chunk = await body.read();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      body.cancel();
    },
  });
  return new Response(stream, { status, headers });
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

type Context = {
  requestId: string;
  started: number;
  method: string;
  path: string;
  query: string;
  ip: string | null;
  userAgent: string | null;
};

function bearer(request: ProxyRequest): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

class BodyTooLarge extends Error {}

/** Reads the whole body (only for rules that must see it), refusing more than `max` bytes. */
async function readBody(request: ProxyRequest, max: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Streams the body through, counting bytes and stopping at `max`. */
async function* streamBody(body: ReadableStream<Uint8Array>, max: number, counter: { bytes: number }) {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      counter.bytes += value.byteLength;
      if (counter.bytes > max) throw new BodyTooLarge();
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function upstreamError(e: unknown): OkoroError {
  if (e instanceof BodyTooLarge)
    return new OkoroError("payload_too_large", "The request body is larger than this okoro accepts.");
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.ConnectTimeoutError) {
    return new OkoroError("upstream_timeout", "The provider did not answer in time.");
  }
  if (e instanceof undiciErrors.RequestContentLengthMismatchError) {
    return new OkoroError("invalid_request", "The request body does not match its Content-Length.");
  }
  return new OkoroError("upstream_unreachable", "The provider could not be reached.");
}

/** `/p/{provider}{path}` → its parts, from the URL as received. */
export function splitProxyUrl(url: string): { provider: string; path: string; search: string } | null {
  const parsed = new URL(url);
  const match = /^\/p\/([^/]+)(\/.*)?$/.exec(parsed.pathname);
  if (!match) return null;
  let provider: string;
  try {
    provider = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return { provider, path: match[2] ?? "", search: parsed.search };
}

/** The proxy as a web handler (Request → Response), with `answer` for servers that write their own responses. */
export type ProxyHandler = ((request: Request, client: { ip: string | null }) => Promise<Response>) & {
  answer: (request: ProxyRequest, client: { ip: string | null }) => Promise<ProxyAnswer>;
};

export function createProxyHandler(deps: ProxyDeps): ProxyHandler {
  const deny = async (
    ctx: Context,
    error: OkoroError,
    audit: {
      claims?: OperationClaims | null;
      requiredScope?: string | null;
      cause?: string;
      event?: "proxy.denied" | "token_replayed";
    },
  ) => {
    const c = audit.claims;
    // docs/audit.md#audit-log flags a refused request too: "check …" with a DELETE is worth a look whether
    // or not okoro let it through (the refusals inside authorize() carry them already)
    const { flags, flagReason } = c
      ? flagsFor({
          scope: c.scope as Scope,
          requiredScope: (audit.requiredScope as RequestScope | null | undefined) ?? null,
          intent: c.intent,
          provider: c.provider,
          event: audit.event ?? "proxy.denied",
        })
      : { flags: [], flagReason: null };
    await deps
      .record({
        event: audit.event ?? "proxy.denied",
        userId: null,
        serviceTokenId: c?.sub ?? null,
        agent: c?.agent ?? null,
        jti: c?.jti ?? null,
        provider: c?.provider ?? null,
        scope: c?.scope ?? null,
        requiredScope: audit.requiredScope ?? null,
        intent: c?.intent ?? null,
        reason: audit.cause ?? null,
        method: ctx.method,
        path: ctx.path,
        query: ctx.query,
        status: error.status,
        outcome: "denied",
        error: error.code,
        flags,
        flagReason,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        requestId: ctx.requestId,
        durationMs: performance.now() - ctx.started,
      })
      .catch((e) => console.error("[okoro] could not audit a proxy denial:", (e as Error).message));
    return errorAnswer(error, { headers: { "okoro-request-id": ctx.requestId } });
  };

  /**
   * Handles `ANY /p/{provider}/{path…}`. The path is taken from the raw request URL (still
   * percent-encoded), never from a router's decoded segments.
   */
  async function answer(request: ProxyRequest, client: { ip: string | null }): Promise<ProxyAnswer> {
    const target = splitProxyUrl(request.url);
    if (!target) return errorAnswer(new OkoroError("not_found", "Proxy URLs look like /p/{provider}/{path}."));
    const params = { ...target, ip: client.ip };
    const ctx: Context = {
      requestId: newId("req"),
      started: performance.now(),
      method: request.method.toUpperCase(),
      path: params.path,
      query: params.search ? redactQuery(params.search.slice(1)) : "",
      ip: params.ip,
      userAgent: request.headers.get("user-agent"),
    };
    const tagged = (e: OkoroError) => errorAnswer(e, { headers: { "okoro-request-id": ctx.requestId } });

    // 1. the catalog; text that cannot be a catalog id is neither looked up nor echoed
    const provider = isProviderIdShaped(params.provider) ? deps.provider(params.provider) : undefined;
    if (!provider)
      return tagged(
        new OkoroError(
          "unknown_provider",
          isProviderIdShaped(params.provider)
            ? `okoro does not know a provider called "${params.provider}".`
            : "okoro does not know that provider.",
        ),
      );

    // 2. the operation token: one identical 401 whatever the cause. An address that keeps
    // sending bad tokens is refused before anything is verified, and its failures past the
    // limit are summarized rather than audited one by one
    const throttled = deps.failures.refuse(ctx.ip);
    if (throttled) return tagged(throttled);
    const token = bearer(request);
    let claims: OperationClaims;
    try {
      if (!token) throw Object.assign(new Error("missing"), { cause: "no bearer token" });
      claims = await deps.verify(token);
    } catch (e) {
      const cause = (e as Error).cause;
      if (typeof cause !== "string") {
        // not a verdict on the token: the keys could not be loaded (database down)
        console.error("[okoro] operation token verification failed:", (e as Error).message);
        return tagged(new OkoroError("unavailable"));
      }
      if (!deps.failures.fail(ctx.ip)) return tagged(new OkoroError("invalid_token"));
      return deny(ctx, new OkoroError("invalid_token"), { cause });
    }
    if (claims.provider !== params.provider) {
      return deny(
        ctx,
        new OkoroError("wrong_provider", `This token is for ${claims.provider}, not ${params.provider}.`),
        { claims },
      );
    }

    // 3. classification
    if (!ROUTABLE_METHODS.has(ctx.method)) {
      return deny(
        ctx,
        new OkoroError("method_not_allowed", `${ctx.method.slice(0, 16)} is not allowed through okoro.`),
        { claims },
      );
    }
    const contentType = request.headers.get("content-type") ?? undefined;
    const query = new URLSearchParams(params.search);
    const declaredLength = Number(request.headers.get("content-length") ?? "0");
    if (declaredLength > deps.maxBodyBytes) {
      return deny(ctx, new OkoroError("payload_too_large", "The request body is larger than this okoro accepts."), {
        claims,
      });
    }
    const input = { method: ctx.method, path: params.path || "/", query, contentType };
    let body: Uint8Array | undefined;
    if (deps.needsBody(provider.spec, input)) {
      try {
        body = await readBody(request, deps.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge)
          return deny(ctx, new OkoroError("payload_too_large", "The request body is larger than this okoro accepts."), {
            claims,
          });
        throw e;
      }
    }
    const required = deps.classify(provider.spec, { ...input, body });
    if (required === "method_not_allowed") {
      return deny(ctx, new OkoroError("method_not_allowed", `${ctx.method} is not allowed through okoro.`), { claims });
    }
    if (!scopeAllows(claims.scope as Scope, required)) {
      return deny(
        ctx,
        new OkoroError(
          "insufficient_scope",
          `This request needs the ${required} scope; the token has ${claims.scope}. Exchange for a ${required} token.`,
        ),
        { claims, requiredScope: required },
      );
    }

    // 6 (checked before any database work). the upstream URL can only be the provider's
    let url: URL;
    try {
      url = buildUpstreamUrl(provider.base, params.path, params.search);
    } catch (e) {
      return deny(ctx, asOkoroError(e), { claims, requiredScope: required });
    }

    // a scope the token holds: stored for a person instead of forwarded (docs/agent-api.md#held-requests)
    if (deps.hold) {
      const hold = deps.hold;
      let holdScopes: readonly string[];
      try {
        holdScopes = await hold.scopes(claims.sub);
      } catch (e) {
        return tagged(asOkoroError(e, "hold scopes"));
      }
      if (hold.isHeld(holdScopes, claims.scope, required)) {
        const tooLarge = () =>
          deny(ctx, new OkoroError("payload_too_large", "A held request's body may be at most 1 MiB."), {
            claims,
            requiredScope: required,
          });
        if (declaredLength > hold.maxBodyBytes) return tooLarge();
        let held: Uint8Array;
        try {
          held = body ?? (await readBody(request, hold.maxBodyBytes));
        } catch (e) {
          if (e instanceof BodyTooLarge) return tooLarge();
          throw e;
        }
        if (held.byteLength > hold.maxBodyBytes) return tooLarge();
        try {
          const answer = await hold.hold({
            claims,
            provider: provider.spec,
            requiredScope: required,
            method: ctx.method,
            path: params.path,
            search: params.search,
            auditQuery: ctx.query,
            headers: forwardRequestHeaders(request.headers),
            body: held,
            ip: ctx.ip,
            userAgent: ctx.userAgent,
            requestId: ctx.requestId,
          });
          return {
            status: 202,
            headers: [
              ["content-type", "application/json"],
              ["cache-control", "no-store"],
              ["okoro-request-id", ctx.requestId],
              // okoro's own 202, not the provider's (an MCP tool call tells them apart by it)
              ["okoro-held", "1"],
              ...Object.entries(PROXIED_RESPONSE_HEADERS).map(([n, v]): [string, string] => [n.toLowerCase(), v]),
            ],
            body: JSON.stringify(answer),
          };
        } catch (e) {
          return tagged(asOkoroError(e, "hold"));
        }
      }
    }

    // 4 + 5. revocation, single-use, limits, connection and the durable audit event
    const { flags, flagReason } = flagsFor({
      scope: claims.scope as Scope,
      requiredScope: required,
      intent: claims.intent,
      provider: claims.provider,
      event: "proxy.request",
    });
    let authz: Authorization;
    try {
      authz = await deps.authorize({
        claims,
        provider,
        requiredScope: required,
        audit: {
          agent: claims.agent,
          serviceTokenId: claims.sub,
          jti: claims.jti,
          provider: claims.provider,
          scope: claims.scope,
          requiredScope: required,
          intent: claims.intent,
          reason: claims.reason ?? null,
          method: ctx.method,
          path: ctx.path,
          query: ctx.query,
          outcome: "allowed",
          flags,
          flagReason,
          ip: ctx.ip,
          userAgent: ctx.userAgent,
          requestId: ctx.requestId,
          bytesIn: body ? body.byteLength : declaredLength || null,
        },
      });
    } catch (e) {
      return tagged(asOkoroError(e, "proxy authorization"));
    }

    // 7. headers: the agent's allowlisted ones, provider defaults, then the credential
    const headers = forwardRequestHeaders(request.headers);
    for (const [name, value] of Object.entries(provider.spec.defaultHeaders ?? {})) {
      if (!(name.toLowerCase() in headers)) headers[name.toLowerCase()] = value;
    }
    let injected: InjectedCredential;
    try {
      injected = deps.credentialHeaders(provider.spec, authz.credential, {
        method: ctx.method,
        url,
        contentType,
        body,
      });
    } catch (e) {
      return tagged(asOkoroError(e, "credential injection"));
    }
    for (const [name, value] of Object.entries(injected.headers)) headers[name.toLowerCase()] = value;
    if (body) headers["content-length"] = String(body.byteLength);
    // an uncompressed answer can be searched for an echo of the credential; a compressed
    // one cannot, so okoro asks for compression only when the agent did
    headers["accept-encoding"] ??= "identity";
    const unscrubbed = deps.benchUnscrubbed === true && request.headers.get("x-okoro-bench-unscrubbed") === "1";
    const patterns = unscrubbed ? null : scrubPatterns(injected.secrets);
    // echoes found in the answer's headers, and the body's scrubber (proxy.response is flagged by them)
    let reflected = 0;
    let scrubber: Scrubber | null = null;

    // 8. forward: no redirects followed, bounded wait for headers and for each body gap
    const counter = { bytes: 0 };
    const hasBody = ctx.method !== "GET" && ctx.method !== "HEAD" && (body !== undefined || request.body !== null);
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await undiciRequest(url, {
        method: ctx.method as Dispatcher.HttpMethod,
        headers,
        body: !hasBody
          ? undefined
          : body !== undefined
            ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
            : Readable.from(streamBody(request.body!, deps.maxBodyBytes, counter), { objectMode: false }),
        dispatcher: deps.dispatcher,
        signal: request.signal,
        headersTimeout: deps.upstreamTimeoutMs,
        bodyTimeout: deps.upstreamTimeoutMs,
      });
    } catch (e) {
      const error = request.signal.aborted
        ? new OkoroError("upstream_unreachable", "The agent went away.")
        : upstreamError(e);
      void recordResponse(error.status, 0, error.code);
      return tagged(error);
    }

    // 9. stream the answer back with allowlisted headers
    // okoro's own headers replace any the provider sent under the same name
    const own: [string, string][] = [
      ["okoro-request-id", ctx.requestId],
      ...Object.entries(PROXIED_RESPONSE_HEADERS),
      ...Object.entries(authz.limitHeaders ?? {}).map(([n, v]): [string, string] => [n.toLowerCase(), v]),
    ];
    let responseHeaders = [
      ...forwardResponseHeaders(upstream.headers).filter(([name]) => !own.some(([n]) => n === name)),
      ...own,
    ];
    if (patterns) {
      for (const header of responseHeaders) {
        const scrubbed = scrubString(header[1], patterns);
        header[1] = scrubbed.value;
        reflected += scrubbed.found;
      }
    }

    const status = upstream.statusCode;
    if (ctx.method === "HEAD" || NULL_BODY_STATUS.has(status)) {
      await upstream.body.dump().catch(() => {});
      void recordResponse(status, 0, null);
      return { status, headers: responseHeaders, body: null };
    }

    // A body that is not compressed is searched as it streams. A redaction changes its
    // length, which is only known once it has passed, so such a body goes out without
    // Content-Length (chunked) rather than with a length that could turn out wrong.
    const encoding = upstream.headers["content-encoding"];
    const compressed = encoding !== undefined && String(encoding).trim().toLowerCase() !== "identity";
    if (patterns && !compressed) scrubber = createScrubber(patterns);
    if (scrubber) responseHeaders = responseHeaders.filter(([name]) => name !== "content-length");

    // 10. proxy.response once the body has been delivered, broke off or was cancelled
    let bytesOut = 0;
    let recorded = false;
    const finish = (error: string | null) => {
      if (recorded) return;
      recorded = true;
      void recordResponse(status, bytesOut, error);
    };
    const iterator = upstream.body[Symbol.asyncIterator]();
    let ended = false;
    const streamed: ProxyBody = {
      async read() {
        for (;;) {
          if (ended) {
            finish(null);
            return null;
          }
          let chunk: Uint8Array;
          try {
            const { done, value } = await iterator.next();
            if (done) {
              ended = true;
              // what was held back in case it began a secret
              if (!scrubber) continue;
              chunk = scrubber.flush();
            } else {
              chunk = scrubber
                ? scrubber.push(value)
                : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
            }
          } catch (e) {
            finish(e instanceof undiciErrors.BodyTimeoutError ? "upstream_timeout" : "upstream_unreachable");
            throw e;
          }
          // all of it held back: nothing to hand on yet
          if (chunk.byteLength === 0) continue;
          bytesOut += chunk.byteLength;
          return chunk;
        }
      },
      cancel() {
        if (recorded) return;
        upstream.body.destroy();
        finish("client_closed");
      },
    };
    return { status, headers: responseHeaders, body: streamed };

    async function recordResponse(statusCode: number, bytes: number, error: string | null) {
      const found = reflected + (scrubber?.found ?? 0);
      const flagged = found > 0 ? withReflectedCredential({ flags, flagReason }) : { flags, flagReason };
      await deps
        .record(
          {
            event: "proxy.response",
            userId: authz.userId,
            agent: claims.agent,
            serviceTokenId: claims.sub,
            jti: claims.jti,
            provider: claims.provider,
            scope: claims.scope,
            requiredScope: required,
            intent: claims.intent,
            method: ctx.method,
            path: ctx.path,
            query: ctx.query,
            status: statusCode,
            durationMs: performance.now() - ctx.started,
            bytesIn: body ? body.byteLength : counter.bytes || null,
            bytesOut: bytes,
            outcome: error ? "error" : "allowed",
            error,
            flags: flagged.flags,
            flagReason: flagged.flagReason,
            ip: ctx.ip,
            userAgent: ctx.userAgent,
            requestId: ctx.requestId,
          },
          { deferred: true },
        )
        .catch((e) => console.error("[okoro] could not audit a proxy response:", (e as Error).message));
    }
  }

  const handle = async (request: Request, client: { ip: string | null }) =>
    toWebResponse(await answer(request, client));
  return Object.assign(handle, { answer });
}
