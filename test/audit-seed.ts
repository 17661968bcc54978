// Synthetic audit logs for the query tests and the 100k measurement: realistic events
// (exchanges, proxied requests and responses, denials, sign-ins, some flagged) written
// through the real chain writer, so seq, prev_hash and hash are exactly what production
// writes and `verifyChain` passes over them.
import type { Database } from "@/db/client";
import type { AuditEvent } from "@/db/schema";
import { writeAuditRows } from "@/lib/audit/append";
import { newId } from "@/lib/ids";

export type SeedRow = Omit<AuditEvent, "seq" | "prevHash" | "hash">;

/** A row with every optional field empty; override what a test cares about. */
export function seedRow(userId: string, fields: Partial<SeedRow> & { event: string; at: Date }): SeedRow {
  return {
    chain: userId,
    id: newId("evt"),
    userId,
    agent: null,
    serviceTokenId: null,
    jti: null,
    provider: null,
    scope: null,
    requiredScope: null,
    intent: null,
    reason: null,
    method: null,
    path: null,
    query: null,
    status: null,
    durationMs: null,
    bytesIn: null,
    bytesOut: null,
    outcome: null,
    error: null,
    flags: [],
    flagReason: null,
    ip: null,
    userAgent: null,
    requestId: null,
    via: null,
    tool: null,
    count: null,
    ...fields,
  };
}

/** Appends rows to their chains in batches (one transaction per batch). */
export async function writeSeedRows(db: Database, rows: SeedRow[], batch = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    await db.transaction((tx) => writeAuditRows(tx, slice));
  }
}

// A small deterministic PRNG, so a seeded log is the same on every run and driver.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENTS = [
  "research-agent",
  "inbox-triage",
  "release-bot",
  "notion-sync",
  "billing-watch",
  "standup-writer",
  "support-drafts",
  "ci-helper",
];
const PROVIDERS = ["github", "gmail", "notion", "slack", "trello", "openai", "google-drive", "anthropic", "stripe"];
const INTENTS = [
  "check todo items on project board",
  "summarize unread customer emails",
  "list open pull requests for review",
  "draft a reply to the support thread",
  "archive cards finished last sprint",
  "update the release notes page",
  "search invoices from last month",
  "post the daily standup summary",
  "label newsletters as low priority",
  "fetch the weekly metrics document",
];
const PATHS = [
  "/repos/acme/api/pulls",
  "/gmail/v1/users/me/messages",
  "/v1/pages/8f2c",
  "/chat.postMessage",
  "/1/cards/5f1a",
  "/v1/chat/completions",
  "/drive/v3/files",
  "/v1/messages",
  "/v1/invoices",
];
const SCOPES = ["read", "read", "read", "write", "update", "delete"];
const METHOD_FOR: Record<string, string> = {
  read: "GET",
  write: "POST",
  update: "PATCH",
  delete: "DELETE",
  all: "POST",
};

/**
 * `count` events for one user, evenly spread from `from` to `to`, oldest first. About 2 %
 * are flagged; agents and providers are skewed the way real use is (a few busy ones).
 */
export function syntheticEvents(
  userId: string,
  count: number,
  options: { from: Date; to: Date; seed?: number },
): SeedRow[] {
  const rand = mulberry32(options.seed ?? 1);
  const pick = <T>(list: readonly T[]) => list[Math.min(list.length - 1, Math.floor(rand() ** 1.6 * list.length))];
  const span = options.to.getTime() - options.from.getTime();
  const rows: SeedRow[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(options.from.getTime() + Math.floor((span * i) / Math.max(1, count - 1)));
    const agent = pick(AGENTS);
    const provider = pick(PROVIDERS);
    const scope = rand() < 0.01 ? "all" : pick(SCOPES);
    const intent = `${pick(INTENTS)} #${Math.floor(rand() * 500)}`;
    const path = `${pick(PATHS)}/${Math.floor(rand() * 10_000)}`;
    const flagged = scope === "all" || rand() < 0.01;
    const flags = flagged ? (scope === "all" ? ["all_scope"] : ["intent_mismatch"]) : [];
    const flagReason = flagged
      ? scope === "all"
        ? "A token with scope all was used."
        : `Intent "${intent}" reads, but the request deletes.`
      : null;
    const roll = rand();
    const common = {
      at,
      agent,
      provider,
      scope,
      intent,
      serviceTokenId: `tok_${agent}`,
      flags,
      flagReason,
      ip: "203.0.113.7",
      userAgent: "okoro-client/1.0",
    };
    if (roll < 0.2) {
      rows.push(seedRow(userId, { ...common, event: "token.issued", outcome: "allowed", jti: newId("req") }));
    } else if (roll < 0.55) {
      rows.push(
        seedRow(userId, {
          ...common,
          event: "proxy.request",
          outcome: "allowed",
          requiredScope: scope === "all" ? "read" : scope,
          method: METHOD_FOR[scope],
          path,
          requestId: newId("req"),
        }),
      );
    } else if (roll < 0.9) {
      const status = rand() < 0.9 ? 200 : pick([201, 204, 404, 409, 500, 502]);
      rows.push(
        seedRow(userId, {
          ...common,
          event: "proxy.response",
          outcome: status >= 500 ? "error" : "allowed",
          requiredScope: scope === "all" ? "read" : scope,
          method: METHOD_FOR[scope],
          path,
          status,
          durationMs: Math.floor(20 + rand() ** 3 * 3000),
          bytesOut: Math.floor(rand() * 50_000),
          requestId: newId("req"),
        }),
      );
    } else if (roll < 0.95) {
      rows.push(
        seedRow(userId, {
          ...common,
          event: "proxy.denied",
          outcome: "denied",
          error: "insufficient_scope",
          status: 403,
          method: "DELETE",
          path,
          requiredScope: "delete",
        }),
      );
    } else if (roll < 0.98) {
      rows.push(
        seedRow(userId, {
          ...common,
          event: "token.denied",
          outcome: "denied",
          error: "scope_not_granted",
          status: 403,
        }),
      );
    } else {
      rows.push(
        seedRow(userId, { at, event: "auth.signin", outcome: "allowed", ip: "198.51.100.4", userAgent: "Mozilla/5.0" }),
      );
    }
  }
  return rows;
}
