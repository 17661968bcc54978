"use client";
// The audit events of one page as a TanStack table in manual mode: the server filters,
// sorts and pages (db/queries/audit.ts); this only draws the rows and turns a header
// click into a new sort in the URL. Clicking a row (or its time, a real button for the
// keyboard) opens the event's drawer. On a phone each event is a compact card.
import type { ColumnDef, SortingState, Updater } from "@tanstack/react-table";
import { useMemo, type MouseEvent, type ReactNode } from "react";
import { FlagBadges, OutcomeBadge, OutcomeText, ScopePair, StatusCode } from "@/app/dashboard/audit/event-bits";
import { formatDuration, formatEventTime, formatFullTime } from "@/app/dashboard/audit/format";
import { cx } from "@/components/cx";
import { DataTable } from "@/components/data-table";
import type { AuditRow } from "@/lib/audit/dashboard";
import { FIRST_DIRECTION, type AuditSort, type AuditSortKey } from "@/lib/audit/view-params";

type Props = {
  rows: AuditRow[];
  sort: AuditSort;
  onSort: (sort: AuditSort) => void;
  onOpen: (id: string) => void;
  openId: string | null;
  providerNames: Record<string, string>;
  today: string;
  empty: ReactNode;
};

const dash = <span className="text-ink-subtle">—</span>;

// Denser cells than the shared table's default: ten columns have to fit beside the
// dashboard's navigation on a laptop screen. (`!`: the shell's own padding comes first.)
const CELL = "px-1.5! py-2!";
const FIRST_CELL = "pr-1.5! py-2!";
const LAST_CELL = "pl-1.5! pr-5 py-2!";

function RequestLine({ row, className }: { row: AuditRow; className?: string }) {
  if (!row.method && !row.path) return dash;
  const full = `${row.method ?? ""} ${row.path ?? ""}${row.query ? `?${row.query}` : ""}`.trim();
  return (
    <span className={cx("flex min-w-0 items-baseline gap-1.5 font-mono text-xs", className)} title={full}>
      {row.method ? <span className="shrink-0 font-semibold text-ink">{row.method}</span> : null}
      <span className="truncate text-ink-muted">
        {row.path}
        {row.query ? <span className="text-ink-subtle">?{row.query}</span> : null}
      </span>
    </span>
  );
}

function columns(providerNames: Record<string, string>, today: string): ColumnDef<AuditRow, unknown>[] {
  const provider = (id: string | null) => (id ? (providerNames[id] ?? id) : null);
  // TanStack only sorts columns with an accessor; the values are never sorted here (the
  // server does), but they make the header a sort button
  const ACCESSORS: Record<AuditSortKey, (r: AuditRow) => unknown> = {
    time: (r) => r.seq,
    status: (r) => r.status,
    duration: (r) => r.durationMs,
    agent: (r) => r.agent,
    provider: (r) => r.provider,
  };
  const sortable = (key: AuditSortKey) => ({
    id: key,
    accessorFn: ACCESSORS[key],
    enableSorting: true,
    sortDescFirst: FIRST_DIRECTION[key] === "desc",
  });
  return [
    {
      ...sortable("time"),
      header: "Time (UTC)",
      cell: ({ row }) => (
        <button
          type="button"
          data-open-event={row.original.id}
          aria-label={`${row.original.event} at ${formatFullTime(row.original.at)}: open details`}
          title={formatFullTime(row.original.at)}
          className="whitespace-nowrap rounded font-mono text-xs tabular-nums text-ink hover:text-accent-700 hover:underline"
        >
          {formatEventTime(row.original.at, today)}
        </button>
      ),
      meta: { mobile: "hidden", className: `w-px ${FIRST_CELL}` },
    },
    {
      id: "event",
      header: "Event",
      enableSorting: false,
      cell: ({ row }) => <span className="whitespace-nowrap text-ink">{row.original.event}</span>,
      meta: { mobile: "hidden", className: CELL },
    },
    {
      ...sortable("agent"),
      header: "Agent",
      cell: ({ row }) => {
        const { agent, tool } = row.original;
        if (!agent) return dash;
        return (
          <span className="block max-w-[6.5rem] 2xl:max-w-[12rem]">
            <span className="block truncate" title={agent}>
              {agent}
            </span>
            {tool ? (
              <span className="block truncate font-mono text-[11px] text-ink-subtle" title={`MCP tool ${tool}`}>
                mcp · {tool}
              </span>
            ) : null}
          </span>
        );
      },
      meta: { mobile: "hidden", className: CELL },
    },
    {
      ...sortable("provider"),
      header: "Provider",
      cell: ({ row }) =>
        row.original.provider ? <span className="whitespace-nowrap">{provider(row.original.provider)}</span> : dash,
      meta: { mobile: "hidden", className: CELL },
    },
    {
      id: "scope",
      header: "Scope",
      enableSorting: false,
      cell: ({ row }) => <ScopePair scope={row.original.scope} required={row.original.requiredScope} stacked />,
      meta: { mobile: "hidden", className: CELL },
    },
    {
      id: "request",
      header: "Request",
      enableSorting: false,
      cell: ({ row }) => <RequestLine row={row.original} />,
      // takes whatever width the other columns leave, truncating the path to fit
      meta: { mobile: "hidden", className: `w-full max-w-0 ${CELL}`, headerClassName: CELL },
    },
    {
      ...sortable("status"),
      header: "Status",
      cell: ({ row }) => <StatusCode status={row.original.status} />,
      meta: { mobile: "hidden", className: CELL },
    },
    {
      ...sortable("duration"),
      header: "Duration",
      cell: ({ row }) =>
        row.original.durationMs === null ? (
          dash
        ) : (
          <span className="whitespace-nowrap tabular-nums">{formatDuration(row.original.durationMs)}</span>
        ),
      meta: { mobile: "hidden", className: `text-right ${CELL}`, headerClassName: `text-right ${CELL}` },
    },
    {
      id: "outcome",
      header: "Outcome",
      enableSorting: false,
      cell: ({ row }) => <OutcomeText outcome={row.original.outcome} />,
      meta: { mobile: "hidden", className: CELL },
    },
    {
      id: "flags",
      header: "Flags",
      enableSorting: false,
      cell: ({ row }) =>
        row.original.flags.length > 0 ? (
          <FlagBadges flags={row.original.flags} reason={row.original.flagReason} short className="flex-nowrap" />
        ) : null,
      meta: { mobile: "hidden", className: LAST_CELL },
    },
    {
      // the phone card: everything that matters about the event in four short lines
      id: "summary",
      header: "Event",
      enableSorting: false,
      cell: ({ row }) => {
        const e = row.original;
        const who = [e.agent, provider(e.provider)].filter(Boolean).join(" · ");
        return (
          <div className="space-y-1.5">
            <div className="flex items-center justify-between gap-2">
              <button
                type="button"
                data-open-event={e.id}
                aria-label={`${e.event} at ${formatFullTime(e.at)}: open details`}
                className="min-w-0 truncate rounded text-left font-mono text-[13px] font-medium text-ink"
              >
                {e.event}
              </button>
              <OutcomeBadge outcome={e.outcome} />
            </div>
            <div className="flex items-center justify-between gap-2 text-xs text-ink-subtle">
              <time dateTime={e.at} className="font-mono tabular-nums">
                {formatEventTime(e.at, today)} UTC
              </time>
              <span className="flex items-center gap-2">
                {e.status ? <StatusCode status={e.status} /> : null}
                {e.durationMs !== null ? <span className="tabular-nums">{formatDuration(e.durationMs)}</span> : null}
              </span>
            </div>
            {who || e.scope ? (
              <div className="flex items-center justify-between gap-2 text-sm text-ink-muted">
                <span className="truncate">{who || dash}</span>
                {e.scope || e.requiredScope ? <ScopePair scope={e.scope} required={e.requiredScope} /> : null}
              </div>
            ) : null}
            {e.method || e.path ? <RequestLine row={e} /> : null}
            {e.flags.length > 0 ? <FlagBadges flags={e.flags} reason={e.flagReason} /> : null}
          </div>
        );
      },
      meta: { mobile: "title", className: "hidden", headerClassName: "hidden" },
    },
  ];
}

export function AuditTable({ rows, sort, onSort, onOpen, openId, providerNames, today, empty }: Props) {
  const sorting: SortingState = [{ id: sort.key, desc: sort.dir === "desc" }];
  const onSortingChange = (updater: Updater<SortingState>) => {
    const next = typeof updater === "function" ? updater(sorting) : updater;
    const first = next[0];
    if (first) onSort({ key: first.id as AuditSortKey, dir: first.desc ? "desc" : "asc" });
  };

  // One handler for the whole table: a click anywhere on a row opens it (the time / event
  // button inside is what keyboards and screen readers use), unless the person was
  // selecting text or pressed a control of its own (a flag badge).
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest("[data-flag]")) return;
    if (!target.closest("button[data-open-event]") && window.getSelection()?.toString()) return;
    const row = target.closest<HTMLElement>("[data-event-id]");
    if (row?.dataset.eventId) onOpen(row.dataset.eventId);
  };

  // Stable column definitions: TanStack renders each `cell` as a component, so new
  // functions on every render would remount every row (and drop the keyboard focus).
  const defs = useMemo(() => columns(providerNames, today), [providerNames, today]);

  return (
    <div onClick={onClick}>
      <DataTable
        data={rows}
        columns={defs}
        getRowId={(r) => r.id}
        caption="Audit events"
        empty={empty}
        sorting={sorting}
        onSortingChange={onSortingChange}
        manualSorting
        rowAttributes={(r) => ({ "data-event-id": r.id, "data-testid": "audit-row" })}
        rowClassName={(r) =>
          cx(
            "cursor-pointer text-[13px]",
            r.id === openId && "bg-accent-50/70 hover:bg-accent-50",
            r.flags.length > 0 && r.id !== openId && "bg-amber-50/30",
          )
        }
      />
    </div>
  );
}
