// Carrying out an approved held request (docs/agent-api.md#held-requests): exactly once.
// One conditional UPDATE (claimHeldExecution) picks the single caller that sends it —
// whoever gets there first of the person's Approve, a poll, or the sweep after a restart.
// The request goes out with the credential current at that moment, the answer (status,
// allowlisted headers, up to 1 MiB of body, credential echoes scrubbed) is stored
// encrypted for the agent's poll, and proxy.request / proxy.response carry the approval
// id (request_id) and the digest. A timeout or a broken connection is recorded as the
// outcome; the request is never sent again by okoro on its own.
import "server-only";
import { request as undiciRequest, errors as undiciErrors, type Dispatcher } from "undici";
import type { Database } from "@/db/client";
import { getConnection, readSealedCredential } from "@/db/queries/connections";
import { claimHeldExecution, finishHeld, getHeld, listApprovedUnsent, markHeldInterrupted } from "@/db/queries/held";
import type { Connection } from "@/db/schema";
import { appendAudit, type AuditInput } from "@/lib/audit/append";
import { withReflectedCredential } from "@/lib/audit/flags";
import { redactQuery } from "@/lib/audit/redact";
import { connectionAad } from "@/lib/connect/connections";
import { createCredentialRefresher } from "@/lib/connect/refresh";
import { openJson, sealJson } from "@/lib/crypto/envelope";
import { getEnv, type Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { HELD_MAX_BODY_BYTES } from "@/lib/held/digest";
import { heldRequestAad, heldResponseAad, type StoredRequest, type StoredResponse } from "@/lib/held/hold";
import { applyProviderOverrides, getProvider } from "@/lib/providers/catalog";
import { upstreamAuth } from "@/lib/providers/inject";
import type { Credential } from "@/lib/providers/types";
import { forwardResponseHeaders } from "@/lib/proxy/headers";
import { createScrubber, scrubPatterns, scrubString } from "@/lib/proxy/scrub";
import { buildUpstreamUrl, parseBaseUrl } from "@/lib/proxy/upstream-url";
import { createUpstreamDispatcher } from "@/lib/serve/deps";
import type { CredentialResolver } from "@/lib/serve/proxy-authorize";

export type ExecuteDeps = {
  env?: Env;
  dispatcher?: Dispatcher;
  resolveCredential?: CredentialResolver;
};

export type ExecuteResult =
  | { executed: false }
  | { executed: true; state: "done" | "failed"; status: number | null; outcome: string | null };

let sharedDispatcher: Dispatcher | undefined;
function dispatcherOf(deps: ExecuteDeps): Dispatcher {
  if (deps.dispatcher) return deps.dispatcher;
  sharedDispatcher ??= createUpstreamDispatcher();
  return sharedDispatcher;
}

/** Executions older than this are treated as interrupted (the process that sent them is gone). */
export function interruptedAfterSeconds(env: Env): number {
  return Math.ceil((2 * env.upstreamTimeoutMs) / 1000) + 60;
}

/** Sends the held request if this caller wins the claim; otherwise does nothing. */
export async function executeHeld(db: Database, id: string, deps: ExecuteDeps = {}): Promise<ExecuteResult> {
  const claimed = await claimHeldExecution(db, id);
  if (!claimed) return { executed: false };
  const env = deps.env ?? getEnv();
  const view = await getHeld(db, id);
  if (!view) return { executed: false };
  const { held, approval, agent } = view;
  const started = performance.now();
  const digestNote = `held request ${held.digest}`;
  const audit: Omit<AuditInput, "event"> = {
    userId: held.userId,
    agent,
    serviceTokenId: held.serviceTokenId,
    provider: held.provider,
    scope: approval.scope,
    requiredScope: approval.scope === "all" ? null : approval.scope,
    intent: approval.intent,
    reason: [digestNote, approval.reason].filter(Boolean).join("; "),
    method: held.method,
    path: held.path,
    query: held.query ? redactQuery(held.query) : "",
    requestId: held.id,
    bytesIn: held.bodyBytes,
  };

  const fail = async (outcome: string, status: number | null, event: "proxy.denied" | "proxy.response") => {
    await finishHeld(db, { id, state: "failed", outcome, responseStatus: status, response: null });
    await appendAudit(db, {
      ...audit,
      event,
      status,
      outcome: event === "proxy.denied" ? "denied" : "error",
      error: outcome,
      durationMs: performance.now() - started,
    }).catch((e) => console.error("[okoro] could not audit a held request's execution:", (e as Error).message));
    return { executed: true as const, state: "failed" as const, status, outcome };
  };

  const entry = getProvider(held.provider);
  if (!entry) return fail("unknown_provider", 404, "proxy.denied");
  const spec = applyProviderOverrides(entry, env);

  // the credential current now: a reconnect since the hold is used, a disconnect refuses
  const summary = await getConnection({ db, userId: held.userId, provider: held.provider });
  const sealed = await readSealedCredential(db, held.userId, held.provider);
  if (!summary || !sealed || summary.status !== "active") return fail("not_connected", 409, "proxy.denied");
  let credential: Credential;
  let stored: StoredRequest;
  try {
    credential = openJson<Credential>(
      sealed.credential as never,
      connectionAad(sealed.id, held.userId, held.provider),
      env.masterKeys,
    );
    stored = openJson<StoredRequest>(held.request, heldRequestAad(id, held.userId, held.provider), env.masterKeys);
  } catch (e) {
    console.error("[okoro] a held request or its credential could not be decrypted:", (e as Error).message);
    return fail("internal_error", 500, "proxy.denied");
  }
  const resolve = deps.resolveCredential ?? createCredentialRefresher({ db, env });
  try {
    credential = await resolve({ ...summary, credential: sealed.credential } as Connection, credential);
  } catch (e) {
    if (e instanceof OkoroError) return fail(e.code, e.status, "proxy.denied");
    throw e;
  }

  const body = new Uint8Array(Buffer.from(stored.body, "base64"));
  let url: URL;
  try {
    url = buildUpstreamUrl(parseBaseUrl(spec.baseUrl), held.path, held.query ? `?${held.query}` : "");
  } catch {
    return fail("invalid_request", 400, "proxy.denied");
  }
  const headers: Record<string, string> = { ...stored.headers };
  for (const [name, value] of Object.entries(spec.defaultHeaders ?? {}))
    if (!(name.toLowerCase() in headers)) headers[name.toLowerCase()] = value;
  const consumerApp = env.oauthApp("trello");
  let injected: ReturnType<typeof upstreamAuth>;
  try {
    injected = upstreamAuth(spec, credential, {
      method: held.method,
      url,
      contentType: stored.headers["content-type"],
      body,
      consumer:
        spec.id === "trello" && consumerApp
          ? { key: consumerApp.clientId, secret: consumerApp.clientSecret }
          : undefined,
    });
  } catch (e) {
    console.error("[okoro] the credential for a held request could not be applied:", (e as Error).message);
    return fail("internal_error", 500, "proxy.denied");
  }
  for (const [name, value] of Object.entries(injected.headers)) headers[name.toLowerCase()] = value;
  const hasBody = held.method !== "GET" && held.method !== "HEAD" && body.byteLength > 0;
  if (hasBody) headers["content-length"] = String(body.byteLength);
  else delete headers["content-length"];
  headers["accept-encoding"] = "identity";

  // no audit, no call
  try {
    await appendAudit(db, { ...audit, event: "proxy.request", outcome: "allowed" });
  } catch (e) {
    console.error("[okoro] a held request's proxy.request could not be recorded; not sending:", (e as Error).message);
    await finishHeld(db, { id, state: "failed", outcome: "audit_unavailable", responseStatus: 503, response: null });
    return { executed: true, state: "failed", status: 503, outcome: "audit_unavailable" };
  }

  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await undiciRequest(url, {
      method: held.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? Buffer.from(body) : undefined,
      dispatcher: dispatcherOf(deps),
      headersTimeout: env.upstreamTimeoutMs,
      bodyTimeout: env.upstreamTimeoutMs,
    });
  } catch (e) {
    const timeout = e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.ConnectTimeoutError;
    return fail(timeout ? "upstream_timeout" : "upstream_unreachable", timeout ? 504 : 502, "proxy.response");
  }

  const patterns = scrubPatterns(injected.secrets);
  const responseHeaders = forwardResponseHeaders(upstream.headers).filter(
    ([name]) => name !== "content-length" && name !== "content-encoding" && name !== "transfer-encoding",
  );
  let found = 0;
  if (patterns)
    for (const header of responseHeaders) {
      const scrubbed = scrubString(header[1], patterns);
      header[1] = scrubbed.value;
      found += scrubbed.found;
    }
  const scrubber = patterns ? createScrubber(patterns) : null;
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  try {
    for await (const chunk of upstream.body) {
      const part = scrubber ? scrubber.push(chunk as Uint8Array) : (chunk as Uint8Array);
      if (total + part.byteLength > HELD_MAX_BODY_BYTES) {
        truncated = true;
        chunks.push(Buffer.from(part).subarray(0, HELD_MAX_BODY_BYTES - total));
        total = HELD_MAX_BODY_BYTES;
        upstream.body.destroy();
        break;
      }
      chunks.push(Buffer.from(part));
      total += part.byteLength;
    }
    if (scrubber && !truncated) {
      const rest = scrubber.flush();
      chunks.push(Buffer.from(rest).subarray(0, Math.max(0, HELD_MAX_BODY_BYTES - total)));
    }
  } catch (e) {
    // the provider answered and then stalled or broke: it may well have acted, so the
    // outcome is recorded and nothing is sent again
    const timeout = e instanceof undiciErrors.BodyTimeoutError;
    return fail(timeout ? "upstream_timeout" : "upstream_unreachable", upstream.statusCode, "proxy.response");
  }
  found += scrubber?.found ?? 0;
  const response: StoredResponse = {
    headers: responseHeaders,
    body: Buffer.concat(chunks).toString("base64"),
    ...(truncated && { truncated: true }),
  };
  await finishHeld(db, {
    id,
    state: "done",
    outcome: truncated ? "truncated" : null,
    responseStatus: upstream.statusCode,
    response: sealJson(response, heldResponseAad(id, held.userId, held.provider), env.masterKeys),
  });
  await appendAudit(db, {
    ...audit,
    event: "proxy.response",
    status: upstream.statusCode,
    outcome: "allowed",
    bytesOut: Buffer.concat(chunks).byteLength,
    durationMs: performance.now() - started,
    ...(found > 0 && withReflectedCredential({ flags: [], flagReason: null })),
  }).catch((e) => console.error("[okoro] could not audit a held request's response:", (e as Error).message));
  return { executed: true, state: "done", status: upstream.statusCode, outcome: null };
}

/**
 * After a restart: approved requests nobody sent are sent (once, by the claim), and
 * executions whose process went away are marked interrupted, never resent.
 */
export async function recoverHeld(
  db: Database,
  deps: ExecuteDeps = {},
): Promise<{ sent: number; interrupted: number }> {
  const env = deps.env ?? getEnv();
  const interrupted = await markHeldInterrupted(db, { seconds: interruptedAfterSeconds(env) });
  let sent = 0;
  for (const id of await listApprovedUnsent(db)) if ((await executeHeld(db, id, deps)).executed) sent++;
  return { sent, interrupted };
}
