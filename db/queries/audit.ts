// Reading the audit log (docs/audit.md#audit-log), always within one user's chain: filtered pages in any
// of the viewer's sort orders with keyset cursors (never OFFSET: a deep page costs what
// the first one does), a bounded count, one event by id, and the hourly activity that the
// overview charts. The dashboard, `okoro audit list|export` and the exports share these.
//
// Every query names the user twice — `chain = $u AND user_id = $u` — on purpose: a user's
// chain holds exactly that user's rows, so the second condition changes no result, but it
// lets the planner use the (user_id, …) indexes, which it cannot infer from `chain`.
import "server-only";
import {
  and,
  asc,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
  type AnyColumn,
  type SQL,
} from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, type AuditEvent } from "@/db/schema";
import type { AuditOutcome, AuditSort, AuditVia, AuditSortKey, SortDirection } from "@/lib/audit/view-params";

export type AuditFilter = {
  /** the user whose chain is read */
  userId: string;
  agent?: string;
  provider?: string;
  /** the operation token's scope */
  scope?: string;
  event?: string;
  outcome?: AuditOutcome;
  /** "mcp": made by an MCP tool call; "direct": not */
  via?: AuditVia;
  tool?: string;
  flagged?: boolean;
  since?: Date;
  until?: Date;
  /** free text over intent and path (case-insensitive substring; % and _ match themselves) */
  text?: string;
};

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The same predicate as the partial index audit_events_user_flagged_idx, so it can be used. */
const FLAGGED = sql`jsonb_array_length(${auditEvents.flags}) > 0`;

export function auditWhere(filter: AuditFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(auditEvents.chain, filter.userId), eq(auditEvents.userId, filter.userId)];
  if (filter.agent) conditions.push(eq(auditEvents.agent, filter.agent));
  if (filter.provider) conditions.push(eq(auditEvents.provider, filter.provider));
  if (filter.scope) conditions.push(eq(auditEvents.scope, filter.scope));
  if (filter.event) conditions.push(eq(auditEvents.event, filter.event));
  if (filter.outcome) conditions.push(eq(auditEvents.outcome, filter.outcome));
  if (filter.via === "mcp") conditions.push(eq(auditEvents.via, "mcp"));
  if (filter.via === "direct") conditions.push(isNull(auditEvents.via));
  if (filter.tool) conditions.push(eq(auditEvents.tool, filter.tool));
  if (filter.flagged) conditions.push(FLAGGED);
  if (filter.since) conditions.push(gte(auditEvents.at, filter.since));
  if (filter.until) conditions.push(lte(auditEvents.at, filter.until));
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    conditions.push(or(ilike(auditEvents.intent, pattern), ilike(auditEvents.path, pattern)));
  }
  return and(...conditions)!;
}

// ---------------------------------------------------------------------------------------
// Sorted pages with keyset cursors

/** The sort column of each key; `time` is seq, the order the chain was written in. */
const SORT_COLUMNS: Record<Exclude<AuditSortKey, "time">, { column: AnyColumn; type: "number" | "string" }> = {
  status: { column: auditEvents.status, type: "number" },
  duration: { column: auditEvents.durationMs, type: "number" },
  agent: { column: auditEvents.agent, type: "string" },
  provider: { column: auditEvents.provider, type: "string" },
};

/**
 * A position in a sorted listing: the sort value of a row (null when the row has none)
 * and its seq, which breaks ties so the order is total and no row is skipped or repeated
 * between pages.
 */
export type AuditCursor = { v: string | number | null; s: number };

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.v, cursor.s]), "utf8").toString("base64url");
}

/** The cursor, or undefined when it is malformed or does not fit the sort (a stale or hand-edited URL). */
export function decodeAuditCursor(text: string | undefined | null, sort: AuditSort): AuditCursor | undefined {
  if (!text || text.length > 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [v, s] = parsed as [unknown, unknown];
    if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 1) return undefined;
    if (sort.key === "time") return v === null ? { v: null, s } : undefined;
    const type = SORT_COLUMNS[sort.key].type;
    if (v === null) return { v, s };
    if (type === "number" && typeof v === "number" && Number.isSafeInteger(v)) return { v, s };
    if (type === "string" && typeof v === "string" && v.length <= 512) return { v, s };
    return undefined;
  } catch {
    return undefined;
  }
}

function cursorOf(row: AuditEvent, sort: AuditSort): AuditCursor {
  if (sort.key === "time") return { v: null, s: row.seq };
  const value = { status: row.status, duration: row.durationMs, agent: row.agent, provider: row.provider }[sort.key];
  return { v: value ?? null, s: row.seq };
}

export type AuditPage = {
  rows: AuditEvent[];
  /** where the next page starts (exclusive), or null on the last page */
  next: AuditCursor | null;
  /** where the previous page ends (exclusive), or null on the first page */
  prev: AuditCursor | null;
};

export type AuditPageRequest = {
  sort?: AuditSort;
  limit?: number;
  /** rows after this position, in sort order */
  after?: AuditCursor;
  /** rows before this position (the previous page) */
  before?: AuditCursor;
};

/**
 * One page of events in the requested order. Rows with no value in the sort column come
 * last in either direction (a status sort shows real statuses first, not the sign-ins
 * that have none); within equal values, seq follows the sort direction.
 *
 * The sorted order is read as two index-friendly segments — rows with a value
 * (`(col, seq) < (v, s)` over the (user_id, col, seq) index) and rows without (`col IS
 * NULL`, by seq) — rather than one ORDER BY … NULLS LAST, which no single btree serves in
 * both directions.
 */
export async function pageAuditEvents(
  db: Database,
  filter: AuditFilter,
  request: AuditPageRequest = {},
): Promise<AuditPage> {
  // newest first unless asked otherwise (the viewer's default too)
  const sort: AuditSort = request.sort ?? { key: "time", dir: "desc" };
  const limit = clampLimit(request.limit);
  const where = auditWhere(filter);

  if (request.before) {
    const found = await readSegments(db, where, sort, request.before, "backward", limit + 1);
    const more = found.length > limit;
    if (!more) {
      // Back at the start: show a full first page rather than a stub of what was left.
      return pageAuditEvents(db, filter, { sort, limit });
    }
    const rows = found.slice(0, limit).reverse();
    return { rows, prev: cursorOf(rows[0], sort), next: cursorOf(rows[rows.length - 1], sort) };
  }

  const found = await readSegments(db, where, sort, request.after, "forward", limit + 1);
  const more = found.length > limit;
  const rows = more ? found.slice(0, limit) : found;
  return {
    rows,
    next: more ? cursorOf(rows[rows.length - 1], sort) : null,
    prev: request.after && rows.length > 0 ? cursorOf(rows[0], sort) : null,
  };
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? 50), 1), 1000);
}

/**
 * Up to `want` rows strictly after (forward) or before (backward, nearest first) the
 * cursor, walking the segments "rows with a value" then "rows without" in sort order.
 */
async function readSegments(
  db: Database,
  where: SQL,
  sort: AuditSort,
  cursor: AuditCursor | undefined,
  way: "forward" | "backward",
  want: number,
): Promise<AuditEvent[]> {
  // the direction this query reads in: backward reads the sort order in reverse
  const dir: SortDirection = way === "forward" ? sort.dir : sort.dir === "asc" ? "desc" : "asc";
  const seqOrder = dir === "asc" ? asc(auditEvents.seq) : desc(auditEvents.seq);
  const seqPast = (s: number) => (dir === "asc" ? sql`${auditEvents.seq} > ${s}` : lt(auditEvents.seq, s));

  if (sort.key === "time") {
    return db
      .select()
      .from(auditEvents)
      .where(cursor ? and(where, seqPast(cursor.s)) : where)
      .orderBy(seqOrder)
      .limit(want);
  }

  const { column } = SORT_COLUMNS[sort.key];
  const valued = async (from: AuditCursor | undefined, n: number) => {
    // IS NOT NULL is implied by the row comparison, but spelled out so the planner can
    // match the partial (… WHERE col IS NOT NULL) sort indexes
    const past = from
      ? dir === "asc"
        ? sql`(${column}, ${auditEvents.seq}) > (${from.v}, ${from.s})`
        : sql`(${column}, ${auditEvents.seq}) < (${from.v}, ${from.s})`
      : undefined;
    return db
      .select()
      .from(auditEvents)
      .where(and(where, isNotNull(column), past))
      .orderBy(dir === "asc" ? asc(column) : desc(column), seqOrder)
      .limit(n);
  };
  const empty = async (from: AuditCursor | undefined, n: number) =>
    db
      .select()
      .from(auditEvents)
      .where(and(where, isNull(column), from ? seqPast(from.s) : undefined))
      .orderBy(seqOrder)
      .limit(n);

  // forward walks valued → empty; backward walks empty → valued
  const segments = way === "forward" ? [valued, empty] : [empty, valued];
  let start = 0;
  if (cursor) start = (cursor.v === null) === (way === "forward") ? 1 : 0;
  const rows: AuditEvent[] = [];
  for (let i = start; i < segments.length && rows.length < want; i++) {
    rows.push(...(await segments[i](i === start ? cursor : undefined, want - rows.length)));
  }
  return rows;
}

/** One page, newest first. `before` is the cursor: the smallest seq of the previous page. */
export async function listAuditEvents(
  db: Database,
  filter: AuditFilter,
  page: { limit?: number; before?: number } = {},
): Promise<{ rows: AuditEvent[]; nextBefore: number | null }> {
  const result = await pageAuditEvents(db, filter, {
    limit: page.limit,
    after: page.before ? { v: null, s: page.before } : undefined,
  });
  return { rows: result.rows, nextBefore: result.next?.s ?? null };
}

/** Every matching event, newest first, page by page (for exports of any size). */
export async function* iterateAuditEvents(
  db: Database,
  filter: AuditFilter,
  pageSize = 1000,
): AsyncGenerator<AuditEvent> {
  let before: number | undefined;
  for (;;) {
    const { rows, nextBefore } = await listAuditEvents(db, filter, { limit: pageSize, before });
    yield* rows;
    if (nextBefore === null) return;
    before = nextBefore;
  }
}

// ---------------------------------------------------------------------------------------
// One event, counts, activity

/** The user's own event by id, or undefined (someone else's looks exactly like a missing one). */
export async function getAuditEvent(
  db: Database,
  options: { userId: string; id: string },
): Promise<AuditEvent | undefined> {
  const [row] = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.id, options.id), eq(auditEvents.chain, options.userId)));
  return row;
}

/**
 * How many events match, counting no further than `cap`: the viewer says "10,000+" rather
 * than scan a whole large log to print an exact number nobody reads.
 */
export async function countAuditEvents(
  db: Database,
  filter: AuditFilter,
  options: { cap?: number } = {},
): Promise<{ count: number; capped: boolean }> {
  const cap = options.cap ?? 10_000;
  const limited = db
    .select({ one: sql<number>`1`.as("one") })
    .from(auditEvents)
    .where(auditWhere(filter))
    .limit(cap + 1)
    .as("limited");
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(limited);
  const n = Number(row?.n ?? 0);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

/** Distinct agent names in a user's log, sorted (the agent filter's choices). */
export async function listAuditAgents(db: Database, userId: string): Promise<string[]> {
  // A loose index scan: each step jumps to the next agent through the (user_id, agent, seq)
  // index, so a log of 100 000 events with 8 agents costs 9 index probes, not 100 000 rows.
  const result = await db.execute<{ agent: string }>(sql`
    WITH RECURSIVE agents(agent) AS (
      (SELECT agent FROM audit_events WHERE user_id = ${userId} AND agent IS NOT NULL ORDER BY agent LIMIT 1)
      UNION ALL
      SELECT (SELECT a.agent FROM audit_events a WHERE a.user_id = ${userId} AND a.agent > agents.agent ORDER BY a.agent LIMIT 1)
      FROM agents WHERE agents.agent IS NOT NULL
    )
    SELECT agent FROM agents WHERE agent IS NOT NULL`);
  const rows = (Array.isArray(result) ? result : (result as { rows: { agent: string }[] }).rows) as { agent: string }[];
  return rows.map((r) => r.agent);
}

/**
 * What the overview's activity chart counts: the decisions okoro made for agents.
 * Exchanges (token.issued, token.denied) and proxied requests (proxy.request when let
 * through, proxy.denied and token_replayed when refused). proxy.response is left out — it
 * is the second half of a request already counted — as are sign-ins and dashboard actions.
 */
export const ACTIVITY_EVENTS = [
  "token.issued",
  "token.denied",
  "proxy.request",
  "proxy.denied",
  "token_replayed",
] as const;
const EXCHANGE_EVENTS = ["token.issued", "token.denied"];

export type ActivityBucket = {
  /** start of the hour (UTC) */
  start: Date;
  /** let through, not flagged */
  allowed: number;
  /** refused (or failed), not flagged */
  denied: number;
  /** flagged, whatever the outcome: each event lands in exactly one of the three */
  flagged: number;
  /** of the total, how many were exchanges (the rest are proxied requests) */
  exchanges: number;
};

const HOUR_MS = 3_600_000;

/**
 * Hourly buckets for the `hours` hours up to and including the current one (the last
 * bucket is partial), oldest first, every hour present (zeros included).
 */
export async function auditActivity(
  db: Database,
  options: { userId: string; now?: Date; hours?: number },
): Promise<ActivityBucket[]> {
  const hours = options.hours ?? 24;
  const nowMs = (options.now ?? new Date()).getTime();
  const firstHour = Math.floor(nowMs / HOUR_MS) - (hours - 1);
  const from = new Date(firstHour * HOUR_MS);
  const to = new Date((firstHour + hours) * HOUR_MS);
  // hours since the epoch: exact whatever the session's time zone (date_trunc is not)
  const hour = sql<number>`floor(extract(epoch from ${auditEvents.at}) / 3600)::bigint`;
  const rows = await db
    .select({
      hour,
      allowed: sql<number>`count(*) filter (where not ${FLAGGED} and ${auditEvents.outcome} = 'allowed')::int`,
      denied: sql<number>`count(*) filter (where not ${FLAGGED} and ${auditEvents.outcome} is distinct from 'allowed')::int`,
      flagged: sql<number>`count(*) filter (where ${FLAGGED})::int`,
      exchanges: sql<number>`count(*) filter (where ${inArray(auditEvents.event, EXCHANGE_EVENTS)})::int`,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.chain, options.userId),
        eq(auditEvents.userId, options.userId),
        gte(auditEvents.at, from),
        lt(auditEvents.at, to),
        inArray(auditEvents.event, [...ACTIVITY_EVENTS]),
      ),
    )
    .groupBy(hour);
  const byHour = new Map(rows.map((r) => [Number(r.hour), r]));
  return Array.from({ length: hours }, (_, i) => {
    const h = firstHour + i;
    const r = byHour.get(h);
    return {
      start: new Date(h * HOUR_MS),
      allowed: Number(r?.allowed ?? 0),
      denied: Number(r?.denied ?? 0),
      flagged: Number(r?.flagged ?? 0),
      exchanges: Number(r?.exchanges ?? 0),
    };
  });
}

/** The most recent flagged events (the overview's list). */
export async function recentFlaggedEvents(
  db: Database,
  options: { userId: string; limit?: number },
): Promise<AuditEvent[]> {
  const { rows } = await pageAuditEvents(db, { userId: options.userId, flagged: true }, { limit: options.limit ?? 5 });
  return rows;
}
