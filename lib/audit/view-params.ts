// The audit viewer's state as it lives in the URL (docs/dashboard.md#dashboard: shareable, the back button
// works): filters, time range, sort, cursor and the open event. Pure and free of server
// imports, so the page, the export route and the client components parse and build the
// same URLs. Unknown or malformed values fall back to the defaults instead of failing:
// a hand-edited link still opens the log.
import { SCOPES } from "@/lib/scopes";

export const AUDIT_SORT_KEYS = ["time", "status", "duration", "agent", "provider"] as const;
export type AuditSortKey = (typeof AUDIT_SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";
export type AuditSort = { key: AuditSortKey; dir: SortDirection };
export const DEFAULT_AUDIT_SORT: AuditSort = { key: "time", dir: "desc" };
/** The direction a column sorts in when first chosen: the biggest, slowest, newest first; names A→Z. */
export const FIRST_DIRECTION: Record<AuditSortKey, SortDirection> = {
  time: "desc",
  status: "desc",
  duration: "desc",
  agent: "asc",
  provider: "asc",
};

export const AUDIT_OUTCOMES = ["allowed", "denied", "error"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** How a call reached okoro: through the MCP server, or straight to /api/token and /p/. */
export const AUDIT_VIAS = ["mcp", "direct"] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

export const TIME_RANGES = ["1h", "24h", "7d", "30d"] as const;
export type TimeRange = (typeof TIME_RANGES)[number] | "custom";
const RANGE_MS: Record<(typeof TIME_RANGES)[number], number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};
export const TIME_RANGE_LABELS: Record<TimeRange | "any", string> = {
  any: "Any time",
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  custom: "Custom range…",
};

export type AuditView = {
  agent?: string;
  provider?: string;
  scope?: string;
  event?: string;
  outcome?: AuditOutcome;
  via?: AuditVia;
  /** the MCP tool that made the call */
  tool?: string;
  flagged: boolean;
  range?: TimeRange;
  /** ISO instants, for the custom range */
  from?: string;
  to?: string;
  /** free text over intent and path */
  q?: string;
  sort: AuditSort;
  /** opaque keyset cursors (see db/queries/audit.ts) */
  after?: string;
  before?: string;
  /** the event open in the drawer */
  id?: string;
};

export const EMPTY_VIEW: AuditView = { flagged: false, sort: DEFAULT_AUDIT_SORT };

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function getter(params: Params): (name: string) => string | undefined {
  if (params instanceof URLSearchParams) return (name) => params.get(name) ?? undefined;
  return (name) => {
    const v = params[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/** A trimmed, bounded, printable string, or undefined. */
function text(value: string | undefined, max = 200): string | undefined {
  if (value === undefined) return undefined;
  // control characters never belong in a filter (and would only make odd URLs)
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return clean ? clean.slice(0, max) : undefined;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function instant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function parseAuditView(params: Params): AuditView {
  const get = getter(params);
  const range = oneOf(get("range"), [...TIME_RANGES, "custom"] as const);
  const from = range === "custom" ? instant(get("from")) : undefined;
  const to = range === "custom" ? instant(get("to")) : undefined;
  const key = oneOf(get("sort"), AUDIT_SORT_KEYS) ?? DEFAULT_AUDIT_SORT.key;
  const dir = oneOf(get("dir"), ["asc", "desc"] as const) ?? FIRST_DIRECTION[key];
  const id = get("id");
  return {
    agent: text(get("agent"), 256),
    provider: text(get("provider"), 64),
    scope: oneOf(get("scope"), SCOPES),
    // checked for shape only: the list of names lives with the hash chain (node:crypto),
    // which client code must not import; an unknown name simply matches nothing
    event: /^[a-z_.]{1,40}$/.test(get("event") ?? "") ? get("event") : undefined,
    outcome: oneOf(get("outcome"), AUDIT_OUTCOMES),
    via: oneOf(get("via"), AUDIT_VIAS),
    tool: /^[a-z0-9_]{1,128}$/.test(get("tool") ?? "") ? get("tool") : undefined,
    flagged: get("flagged") === "1",
    // a custom range with neither end is no range at all
    range: range === "custom" && !from && !to ? undefined : range,
    from,
    to,
    q: text(get("q")),
    sort: { key, dir },
    after: text(get("after"), 1024),
    before: get("after") ? undefined : text(get("before"), 1024),
    id: id && /^evt_[0-9A-Za-z]{22}$/.test(id) ? id : undefined,
  };
}

/**
 * The query string for a view (with "?", or "" when everything is default). Defaults are
 * left out so links stay short and two equal views have one URL.
 */
export function auditViewSearch(view: Partial<AuditView>): string {
  const p = new URLSearchParams();
  if (view.q) p.set("q", view.q);
  if (view.agent) p.set("agent", view.agent);
  if (view.provider) p.set("provider", view.provider);
  if (view.scope) p.set("scope", view.scope);
  if (view.event) p.set("event", view.event);
  if (view.outcome) p.set("outcome", view.outcome);
  if (view.via) p.set("via", view.via);
  if (view.tool) p.set("tool", view.tool);
  if (view.flagged) p.set("flagged", "1");
  if (view.range) {
    p.set("range", view.range);
    if (view.range === "custom") {
      if (view.from) p.set("from", view.from);
      if (view.to) p.set("to", view.to);
    }
  }
  const sort = view.sort ?? DEFAULT_AUDIT_SORT;
  if (sort.key !== DEFAULT_AUDIT_SORT.key || sort.dir !== FIRST_DIRECTION[sort.key]) {
    p.set("sort", sort.key);
    p.set("dir", sort.dir);
  }
  if (view.after) p.set("after", view.after);
  else if (view.before) p.set("before", view.before);
  if (view.id) p.set("id", view.id);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The view with only its filters (no sort, cursor or open event): what an export takes. */
export function filterOnly(view: AuditView): AuditView {
  return {
    ...EMPTY_VIEW,
    agent: view.agent,
    provider: view.provider,
    scope: view.scope,
    event: view.event,
    outcome: view.outcome,
    via: view.via,
    tool: view.tool,
    flagged: view.flagged,
    range: view.range,
    from: view.from,
    to: view.to,
    q: view.q,
  };
}

/** How many filters narrow the log (the time range counts as one). */
export function activeFilterCount(view: AuditView): number {
  return [
    view.agent,
    view.provider,
    view.scope,
    view.event,
    view.outcome,
    view.via,
    view.tool,
    view.flagged || undefined,
    view.range,
    view.q,
  ].filter(Boolean).length;
}

/** The time bounds of a view, relative ranges measured back from `now`. */
export function viewTimeBounds(view: AuditView, now: Date): { since?: Date; until?: Date } {
  if (!view.range) return {};
  if (view.range === "custom")
    return { since: view.from ? new Date(view.from) : undefined, until: view.to ? new Date(view.to) : undefined };
  return { since: new Date(now.getTime() - RANGE_MS[view.range]) };
}
