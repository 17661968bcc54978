// Leak reports (docs/agent-api.md#other-endpoints): anyone who finds a service token in a log, a repository or a
// paste can report it; a valid one is revoked at once. The answer never says whether the
// token was valid, so the endpoint cannot be used to test tokens.
import "server-only";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { findServiceTokenByPlaintext, revokeServiceToken, tokenState } from "@/lib/tokens/service-tokens";
import { errorResponse, OkoroError } from "@/lib/errors";
import { addressBucket } from "@/lib/http/address-bucket";
import { notifyLater } from "@/lib/notify/deliver";
import { readBoundedJson } from "@/lib/http/bounded-body";
import { isWellFormedServiceToken } from "@/lib/tokens/service-token";

export const LEAK_REPORTS_PER_IP = 20;
export const LEAK_ACCEPTED = {
  status: "accepted",
  message: "Thank you. If this is a live okoro service token, it has been revoked.",
} as const;

/**
 * The report's body, read no further than our JSON cap. Anything that is not a JSON object
 * with a token reports nothing — and still gets the same 202, so the answer says nothing.
 */
export async function readLeakReport(request: Request): Promise<{ token?: unknown }> {
  let body: unknown;
  try {
    body = await readBoundedJson(request);
  } catch (e) {
    if (e instanceof OkoroError && e.code === "payload_too_large") throw e;
    return {};
  }
  return typeof body === "object" && body !== null ? (body as { token?: unknown }) : {};
}

export async function reportLeak(options: {
  db: Database;
  token: unknown;
  ip: string | null;
  userAgent: string | null;
}): Promise<void> {
  const { db, ip } = options;
  // an IPv6 client counts by its /64; reports without an address share one bucket
  const hit = await hitWindow(db, `ip:leaks:${addressBucket(ip)}`, LEAK_REPORTS_PER_IP, {
    kind: "seconds",
    seconds: 600,
  });
  if (!hit.allowed) {
    const retry = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
    throw new OkoroError("rate_limited", `Too many reports from this address; retry after ${retry} s.`, {
      headers: { "Retry-After": String(retry) },
    });
  }
  if (!isWellFormedServiceToken(options.token)) return;
  const found = await findServiceTokenByPlaintext(db, options.token);
  if (!found || tokenState(found.token) !== "active") return;
  const revoked = await revokeServiceToken(db, {
    id: found.token.id,
    reason: "leaked",
    ip,
    userAgent: options.userAgent,
  });
  // its owner hears of it on their notification channels, after the (uniform) answer
  notifyLater(db, revoked.userId, {
    kind: "token.leaked",
    agent: revoked.name,
    serviceTokenId: revoked.id,
    hint: revoked.hint,
  });
}

/** POST /api/leaks as a whole: request in, the one 202 (or 413, 429) out (the route and `npm start` share it). */
export async function handleLeakReport(
  request: Request,
  ctx: { db: Database; ip: string | null; userAgent: string | null },
): Promise<Response> {
  try {
    const report = await readLeakReport(request);
    await reportLeak({ db: ctx.db, token: report.token, ip: ctx.ip, userAgent: ctx.userAgent });
    return Response.json(LEAK_ACCEPTED, { status: 202, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e, { context: "leak report" });
  }
}
