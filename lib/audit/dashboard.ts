// What the dashboard reads about the audit log, always for the signed-in user only: the
// viewer's page (rows, cursors, count, filter choices), the chain status, and the
// overview's numbers. Pages call these; nothing under app/ touches the database itself.
import "server-only";
import { getDb } from "@/lib/serve/database";
import {
  auditActivity,
  countAuditEvents,
  decodeAuditCursor,
  encodeAuditCursor,
  getAuditEvent,
  listAuditAgents,
  pageAuditEvents,
  recentFlaggedEvents,
  type ActivityBucket,
  type AuditFilter,
} from "@/db/queries/audit";
import { listConnections } from "@/db/queries/connections";
import { listServiceTokens } from "@/db/queries/service-tokens";
import { tokenState } from "@/lib/tokens/service-tokens";
import type { AuditEvent } from "@/db/schema";
import { pendingApprovalCount } from "@/lib/approvals/dashboard";
import type { ChainCheck } from "@/lib/audit/chain";
import { trustedCheckpoint, verifyChain } from "@/lib/audit/verify";
import { getEnv } from "@/lib/env";
import { viewTimeBounds, type AuditView } from "@/lib/audit/view-params";
import { getProvider } from "@/lib/providers/catalog";
import { slotOnce } from "@/lib/serve/slots";

/** An audit event as the dashboard's client components receive it (dates as ISO strings). */
export type AuditRow = Omit<AuditEvent, "at" | "chain"> & { at: string };

export function toAuditRow(e: AuditEvent): AuditRow {
  const { chain: _chain, at, ...rest } = e;
  return { ...rest, at: at.toISOString() };
}

/** The filter a view stands for, on the user's own chain (never a user id from the URL). */
export function viewFilter(userId: string, view: AuditView, now = new Date()): AuditFilter {
  return {
    userId,
    agent: view.agent,
    provider: view.provider,
    scope: view.scope,
    event: view.event,
    outcome: view.outcome,
    via: view.via,
    tool: view.tool,
    flagged: view.flagged,
    text: view.q,
    ...viewTimeBounds(view, now),
  };
}

export const AUDIT_PAGE_SIZE = 50;

export type AuditPageData = {
  rows: AuditRow[];
  /** cursors for the next / previous page links */
  after: string | null;
  before: string | null;
  /** how many events match (streamed: it may scan more than the page) */
  count: Promise<{ count: number; capped: boolean }>;
  /** the event named by ?id= when it is not on this page (a shared link) */
  linked: AuditRow | null;
};

export async function auditPageData(userId: string, view: AuditView): Promise<AuditPageData> {
  const db = await getDb();
  const filter = viewFilter(userId, view);
  const after = decodeAuditCursor(view.after, view.sort);
  const before = after ? undefined : decodeAuditCursor(view.before, view.sort);
  const page = await pageAuditEvents(db, filter, { sort: view.sort, limit: AUDIT_PAGE_SIZE, after, before });
  const onPage = view.id ? page.rows.find((r) => r.id === view.id) : undefined;
  const linked = view.id && !onPage ? await getAuditEvent(db, { userId, id: view.id }) : undefined;
  // A first page that holds every match is its own count: no second scan (this is what
  // makes a rare text search cost one pass over the log, not two).
  const complete = !after && !before && page.next === null;
  const count = complete ? Promise.resolve({ count: page.rows.length, capped: false }) : countAuditEvents(db, filter);
  // an unhandled rejection must not outlive the request if the page errors first
  count.catch(() => {});
  return {
    rows: page.rows.map(toAuditRow),
    after: page.next ? encodeAuditCursor(page.next) : null,
    before: page.prev ? encodeAuditCursor(page.prev) : null,
    count,
    linked: linked ? toAuditRow(linked) : null,
  };
}

/** Whether the user's log has any event at all (the viewer's "no events yet" versus "none match"). */
export async function auditLogHasEvents(userId: string): Promise<boolean> {
  const { rows } = await pageAuditEvents(await getDb(), { userId }, { limit: 1 });
  return rows.length > 0;
}

/** The agents that appear in the user's log, for the agent filter. */
export async function auditAgents(userId: string): Promise<string[]> {
  return listAuditAgents(await getDb(), userId);
}

/** Display names for provider ids (the catalog's, falling back to the id). */
export function providerNames(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, getProvider(id)?.name ?? id]));
}

// ---------------------------------------------------------------------------------------
// Chain status

/** The signed checkpoint the chain was held to: when, how far it covers this chain, whether its signature verifies. */
export type CheckpointSummary = { at: string; coversSeq: number; signatureOk: boolean };

export type ChainStatus = ChainCheck & { checkedAt: string; tookMs: number; checkpoint: CheckpointSummary | null };

export type ChainCache = Map<string, { at: number; result?: ChainStatus; running?: Promise<ChainStatus> }>;
const cache: ChainCache = slotOnce("chainCache", () => new Map());

/** How long a verification result is reused: verifying reads and hashes the whole chain. */
export const CHAIN_STATUS_MAX_AGE_MS = 60_000;

/**
 * Recomputes the user's chain (docs/audit.md#audit-log), at most once a minute per user unless forced, and
 * never twice at the same time: every page or tab that asks meanwhile shares one run.
 */
export async function chainStatus(userId: string, options: { force?: boolean } = {}): Promise<ChainStatus> {
  const entry = cache.get(userId);
  if (entry?.running) return entry.running;
  if (!options.force && entry?.result && Date.now() - entry.at < CHAIN_STATUS_MAX_AGE_MS) return entry.result;
  const running = (async () => {
    const started = performance.now();
    const db = await getDb();
    const masterKeys = getEnv().masterKeys;
    const { checkpoint, badSignatures } = await trustedCheckpoint(db, masterKeys);
    const check = await verifyChain(db, userId, { checkpoint, masterKeys });
    // a newer checkpoint nobody with the master keys signed is shown as such
    const shown = badSignatures[0] ?? checkpoint;
    const summary = shown
      ? { at: shown.at.toISOString(), coversSeq: shown.heads[userId]?.[0] ?? 0, signatureOk: shown === checkpoint }
      : null;
    const flagged =
      check.ok && badSignatures.length > 0
        ? { ok: false, problem: "a newer checkpoint's signature does not verify with okoro's keys" }
        : {};
    return {
      ...check,
      ...flagged,
      checkpoint: summary,
      checkedAt: new Date().toISOString(),
      tookMs: Math.round(performance.now() - started),
    };
  })();
  cache.set(userId, { at: entry?.at ?? 0, result: entry?.result, running });
  try {
    const result = await running;
    cache.set(userId, { at: Date.now(), result });
    return result;
  } catch (e) {
    cache.set(userId, { at: entry?.at ?? 0, result: entry?.result });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// Overview

export type OverviewData = {
  activity: { start: string; allowed: number; denied: number; flagged: number; exchanges: number }[];
  totals: { allowed: number; denied: number; flagged: number; exchanges: number; requests: number };
  flagged: AuditRow[];
  pendingApprovals: number;
  connections: {
    total: number;
    active: number;
    attention: { provider: string; name: string; status: "expired" | "error"; detail: string | null }[];
  };
  tokens: {
    total: number;
    active: number;
    revoked: number;
    expired: number;
    leaked: { id: string; name: string; at: string | null }[];
  };
  /** the three first steps (connect, create a token, an agent's first exchange), for the checklist */
  setup: { connected: boolean; token: boolean; exchanged: boolean };
};

function sum(buckets: ActivityBucket[], key: "allowed" | "denied" | "flagged" | "exchanges"): number {
  return buckets.reduce((n, b) => n + b[key], 0);
}

export async function overviewData(userId: string): Promise<OverviewData> {
  const db = await getDb();
  const now = new Date();
  const [activity, flagged, pendingApprovals, connections, tokens, firstExchange] = await Promise.all([
    auditActivity(db, { userId, now }),
    recentFlaggedEvents(db, { userId, limit: 5 }),
    pendingApprovalCount(userId),
    listConnections({ db, userId }),
    listServiceTokens(db, userId),
    // any exchange ever, granted or not: an agent has found okoro
    pageAuditEvents(db, { userId, event: "token.issued" }, { limit: 1 }),
  ]);
  const states = tokens.map((t) => ({ t, state: tokenState(t, now) }));
  const weekAgo = now.getTime() - 7 * 86_400_000;
  const totals = {
    allowed: sum(activity, "allowed"),
    denied: sum(activity, "denied"),
    flagged: sum(activity, "flagged"),
    exchanges: sum(activity, "exchanges"),
    requests: 0,
  };
  totals.requests = totals.allowed + totals.denied + totals.flagged - totals.exchanges;
  return {
    activity: activity.map((b) => ({ ...b, start: b.start.toISOString() })),
    totals,
    flagged: flagged.map(toAuditRow),
    pendingApprovals,
    connections: {
      total: connections.length,
      active: connections.filter((c) => c.status === "active").length,
      attention: connections
        .filter((c): c is typeof c & { status: "expired" | "error" } => c.status !== "active")
        .map((c) => ({
          provider: c.provider,
          name: getProvider(c.provider)?.name ?? c.provider,
          status: c.status,
          detail: c.statusDetail,
        })),
    },
    tokens: {
      total: tokens.length,
      active: states.filter((s) => s.state === "active").length,
      revoked: states.filter((s) => s.state === "revoked" || s.state === "leaked").length,
      expired: states.filter((s) => s.state === "expired").length,
      // a leak report revokes the token at once (docs/agent-api.md#other-endpoints); the person should hear of it
      leaked: states
        .filter((s) => s.state === "leaked" && (s.t.revokedAt?.getTime() ?? 0) >= weekAgo)
        .map((s) => ({ id: s.t.id, name: s.t.name, at: s.t.revokedAt?.toISOString() ?? null })),
    },
    setup: { connected: connections.length > 0, token: tokens.length > 0, exchanged: firstExchange.rows.length > 0 },
  };
}
