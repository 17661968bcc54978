"use client";
// The viewer's filters. Every change becomes a new URL (the explorer navigates), so a
// filtered view can be shared and the back button undoes a change. Selects apply at once;
// the text search applies after a short pause in typing or on Enter. Without JavaScript
// the same form still works as a plain GET form.
//
// On a phone only the search, "Flagged only" and a Filters button show; the rest folds
// out under the button.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { EVENT_DESCRIPTIONS } from "@/app/dashboard/audit/format";
import { buttonClasses } from "@/components/button";
import { cx } from "@/components/cx";
import {
  activeFilterCount,
  AUDIT_OUTCOMES,
  EMPTY_VIEW,
  TIME_RANGE_LABELS,
  TIME_RANGES,
  type AuditView,
  type TimeRange,
} from "@/lib/audit/view-params";
import { SCOPES } from "@/lib/scopes";

type Props = {
  view: AuditView;
  agents: string[];
  providers: { id: string; name: string }[];
  events: string[];
  /** apply a new set of filters (the explorer drops cursors and the open event) */
  onChange: (next: AuditView) => void;
};

const SEARCH_DELAY_MS = 450;

const GROUPS: { label: string; test: (event: string) => boolean }[] = [
  { label: "Proxy", test: (e) => e.startsWith("proxy.") || e === "token_replayed" },
  { label: "Exchange", test: (e) => e.startsWith("token.") },
  { label: "Approvals", test: (e) => e.startsWith("approval.") },
  { label: "Service tokens", test: (e) => e.startsWith("service_token.") },
  { label: "Connections", test: (e) => e.startsWith("connection.") },
  { label: "Sign-in", test: (e) => e.startsWith("auth.") },
];

function FilterSelect({
  label,
  value,
  onChange,
  children,
  className,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={cx("relative min-w-0", className)}>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={cx(
          "block h-9 w-full appearance-none truncate rounded-lg border bg-surface pl-3 pr-8 text-sm shadow-sm transition-colors",
          "focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100 focus-visible:outline-none",
          value ? "border-accent-300 text-ink" : "border-line-strong text-ink-muted hover:border-zinc-400",
        )}
      >
        {children}
      </select>
      <svg
        viewBox="0 0 20 20"
        fill="currentColor"
        className="pointer-events-none absolute right-2.5 top-1/2 size-4 -translate-y-1/2 text-ink-subtle"
        aria-hidden="true"
      >
        <path
          fillRule="evenodd"
          d="M5.22 8.22a.75.75 0 0 1 1.06 0L10 11.94l3.72-3.72a.75.75 0 1 1 1.06 1.06l-4.25 4.25a.75.75 0 0 1-1.06 0L5.22 9.28a.75.75 0 0 1 0-1.06Z"
          clipRule="evenodd"
        />
      </svg>
    </div>
  );
}

/** datetime-local speaks local wall time without a zone; the viewer works in UTC. */
function toInputValue(iso: string | undefined): string {
  return iso ? iso.slice(0, 16) : "";
}
function fromInputValue(value: string): string | undefined {
  return value ? new Date(`${value}:00Z`).toISOString() : undefined;
}

export function FilterBar({ view, agents, providers, events, onChange }: Props) {
  const [q, setQ] = useState(view.q ?? "");
  const [typing, setTyping] = useState(false);
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState(view.range === "custom");
  const [from, setFrom] = useState(toInputValue(view.from));
  const [to, setTo] = useState(toInputValue(view.to));
  const searchRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const panelId = useId();

  // The URL moved (back button, a cleared filter): show what it says, unless the person
  // is typing in the box right now.
  const [seenQ, setSeenQ] = useState(view.q);
  if (seenQ !== view.q) {
    setSeenQ(view.q);
    if (!typing) setQ(view.q ?? "");
  }
  const [seenRange, setSeenRange] = useState(`${view.range}|${view.from}|${view.to}`);
  const rangeKey = `${view.range}|${view.from}|${view.to}`;
  if (seenRange !== rangeKey) {
    setSeenRange(rangeKey);
    setCustom(view.range === "custom");
    setFrom(toInputValue(view.from));
    setTo(toInputValue(view.to));
  }
  useEffect(() => () => clearTimeout(timer.current), []);

  // the debounced search fires after renders that may have changed other filters
  const latest = useRef({ view, onChange });
  useEffect(() => {
    latest.current = { view, onChange };
  });
  const set = (patch: Partial<AuditView>) => latest.current.onChange({ ...latest.current.view, ...patch });
  const applySearch = (value: string) => {
    clearTimeout(timer.current);
    setTyping(false);
    const next = value.trim() || undefined;
    if (next !== latest.current.view.q) set({ q: next });
  };
  // what the phone's Filters button folds away (search, time range and flagged stay visible)
  const hidden = activeFilterCount({ ...view, q: undefined, flagged: false, range: undefined });
  const agentChoices = view.agent && !agents.includes(view.agent) ? [view.agent, ...agents] : agents;
  const rangeValue = custom ? "custom" : (view.range ?? "");

  return (
    <form
      role="search"
      aria-label="Filter the audit log"
      action="/dashboard/audit"
      method="get"
      onSubmit={(e) => {
        e.preventDefault();
        applySearch(q);
      }}
      className="space-y-2.5"
    >
      <div className="flex flex-wrap items-center gap-2">
        <div className="relative min-w-0 basis-full sm:flex-[1_1_16rem] sm:basis-auto">
          <svg
            viewBox="0 0 20 20"
            fill="currentColor"
            className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-ink-subtle"
            aria-hidden="true"
          >
            <path
              fillRule="evenodd"
              d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.08 3.08a.75.75 0 1 1-1.06 1.06l-3.08-3.08A7 7 0 0 1 2 9Z"
              clipRule="evenodd"
            />
          </svg>
          <input
            ref={searchRef}
            type="search"
            name="q"
            value={q}
            onChange={(e) => {
              const value = e.target.value;
              setQ(value);
              setTyping(true);
              clearTimeout(timer.current);
              timer.current = setTimeout(() => applySearch(value), SEARCH_DELAY_MS);
            }}
            onBlur={() => setTyping(false)}
            placeholder="Search intents and paths"
            aria-label="Search intents and paths"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            className="block h-9 w-full rounded-lg border border-line-strong bg-surface pl-9 pr-3 text-sm text-ink shadow-sm placeholder:text-ink-subtle hover:border-zinc-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100 focus-visible:outline-none"
          />
        </div>
        <FilterSelect
          label="Time range"
          value={rangeValue}
          className="w-[11.5rem] max-sm:flex-1"
          onChange={(v) => {
            if (v === "custom") {
              setCustom(true);
              return;
            }
            setCustom(false);
            set({ range: (v || undefined) as TimeRange | undefined, from: undefined, to: undefined });
          }}
        >
          <option value="">{TIME_RANGE_LABELS.any}</option>
          {TIME_RANGES.map((r) => (
            <option key={r} value={r}>
              {TIME_RANGE_LABELS[r]}
            </option>
          ))}
          <option value="custom">{TIME_RANGE_LABELS.custom}</option>
        </FilterSelect>
        <label
          className={cx(
            "inline-flex h-9 cursor-pointer select-none items-center gap-2 rounded-lg border px-3 text-sm font-medium shadow-sm transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent-300",
            view.flagged
              ? "border-amber-300 bg-amber-50 text-amber-900"
              : "border-line-strong bg-surface text-ink-muted hover:border-zinc-400 hover:text-ink",
          )}
        >
          <input
            type="checkbox"
            name="flagged"
            value="1"
            checked={view.flagged}
            onChange={(e) => set({ flagged: e.target.checked })}
            className="size-3.5 accent-amber-600"
          />
          Flagged only
        </label>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className={buttonClasses("secondary", "sm", "h-9 md:hidden")}
        >
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-4 text-ink-subtle" aria-hidden="true">
            <path d="M3 5.75A.75.75 0 0 1 3.75 5h12.5a.75.75 0 0 1 0 1.5H3.75A.75.75 0 0 1 3 5.75Zm3 4.25a.75.75 0 0 1 .75-.75h6.5a.75.75 0 0 1 0 1.5h-6.5A.75.75 0 0 1 6 10Zm2.75 3.5a.75.75 0 0 0 0 1.5h2.5a.75.75 0 0 0 0-1.5h-2.5Z" />
          </svg>
          Filters
          {hidden > 0 ? (
            <span className="rounded-full bg-accent-600 px-1.5 text-xs font-semibold leading-5 text-white">
              {hidden}
            </span>
          ) : null}
        </button>
      </div>

      {custom ? (
        <div className="flex flex-wrap items-end gap-2 rounded-lg border border-line bg-zinc-50 p-2.5">
          <label className="grid min-w-0 flex-[1_1_12rem] gap-1 text-xs font-medium text-ink-muted">
            From (UTC)
            <input
              type="datetime-local"
              value={from}
              max={to || undefined}
              onChange={(e) => setFrom(e.target.value)}
              className="h-9 rounded-lg border border-line-strong bg-surface px-2.5 text-sm text-ink shadow-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100"
            />
          </label>
          <label className="grid min-w-0 flex-[1_1_12rem] gap-1 text-xs font-medium text-ink-muted">
            To (UTC)
            <input
              type="datetime-local"
              value={to}
              min={from || undefined}
              onChange={(e) => setTo(e.target.value)}
              className="h-9 rounded-lg border border-line-strong bg-surface px-2.5 text-sm text-ink shadow-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100"
            />
          </label>
          <div className="flex gap-2">
            <button
              type="button"
              disabled={!from && !to}
              onClick={() => set({ range: "custom", from: fromInputValue(from), to: fromInputValue(to) })}
              className={buttonClasses("primary", "sm", "h-9")}
            >
              Apply range
            </button>
            <button
              type="button"
              onClick={() => {
                setCustom(false);
                if (view.range === "custom") set({ range: undefined, from: undefined, to: undefined });
              }}
              className={buttonClasses("ghost", "sm", "h-9")}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}

      <div
        id={panelId}
        className={cx("grid-cols-2 gap-2 sm:grid-cols-3 md:grid md:grid-cols-5", open ? "grid" : "hidden")}
      >
        <FilterSelect label="Agent" value={view.agent ?? ""} onChange={(v) => set({ agent: v || undefined })}>
          <option value="">All agents</option>
          {agentChoices.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Provider" value={view.provider ?? ""} onChange={(v) => set({ provider: v || undefined })}>
          <option value="">All providers</option>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Token scope" value={view.scope ?? ""} onChange={(v) => set({ scope: v || undefined })}>
          <option value="">Any scope</option>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              Scope {s}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Event" value={view.event ?? ""} onChange={(v) => set({ event: v || undefined })}>
          <option value="">All events</option>
          {GROUPS.map((g) => {
            const members = events.filter(g.test);
            return members.length > 0 ? (
              <optgroup key={g.label} label={g.label}>
                {members.map((e) => (
                  <option key={e} value={e} title={EVENT_DESCRIPTIONS[e]}>
                    {e}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
        </FilterSelect>
        <FilterSelect
          label="Outcome"
          value={view.outcome ?? ""}
          onChange={(v) => set({ outcome: (v || undefined) as AuditView["outcome"] })}
          className="max-sm:col-span-2"
        >
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o[0].toUpperCase() + o.slice(1)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          label="Via"
          value={view.via ?? ""}
          onChange={(v) =>
            set({ via: (v || undefined) as AuditView["via"], tool: v === "direct" ? undefined : view.tool })
          }
        >
          <option value="">MCP or direct</option>
          <option value="mcp">MCP tool calls</option>
          <option value="direct">Direct API calls</option>
        </FilterSelect>
      </div>
    </form>
  );
}

/** The filters in force, each with a button that removes it. */
export function ActiveFilters({
  view,
  providers,
  onChange,
}: {
  view: AuditView;
  providers: { id: string; name: string }[];
  onChange: (next: AuditView) => void;
}) {
  const chips: { key: string; label: string; clear: Partial<AuditView> }[] = [];
  if (view.q) chips.push({ key: "q", label: `“${view.q}”`, clear: { q: undefined } });
  if (view.agent) chips.push({ key: "agent", label: `Agent: ${view.agent}`, clear: { agent: undefined } });
  if (view.provider)
    chips.push({
      key: "provider",
      label: `Provider: ${providers.find((p) => p.id === view.provider)?.name ?? view.provider}`,
      clear: { provider: undefined },
    });
  if (view.scope) chips.push({ key: "scope", label: `Scope: ${view.scope}`, clear: { scope: undefined } });
  if (view.event) chips.push({ key: "event", label: `Event: ${view.event}`, clear: { event: undefined } });
  if (view.outcome) chips.push({ key: "outcome", label: `Outcome: ${view.outcome}`, clear: { outcome: undefined } });
  if (view.via)
    chips.push({ key: "via", label: view.via === "mcp" ? "Via MCP" : "Direct calls", clear: { via: undefined } });
  if (view.tool) chips.push({ key: "tool", label: `Tool: ${view.tool}`, clear: { tool: undefined } });
  if (view.flagged) chips.push({ key: "flagged", label: "Flagged only", clear: { flagged: false } });
  if (view.range) {
    const label =
      view.range === "custom"
        ? `${view.from ? view.from.slice(0, 16).replace("T", " ") : "…"} – ${view.to ? view.to.slice(0, 16).replace("T", " ") : "now"} UTC`
        : TIME_RANGE_LABELS[view.range];
    chips.push({ key: "range", label, clear: { range: undefined, from: undefined, to: undefined } });
  }
  if (chips.length === 0) return null;
  return (
    <ul className="flex flex-wrap items-center gap-1.5" aria-label="Filters in force">
      {chips.map((chip) => (
        <li key={chip.key}>
          <button
            type="button"
            onClick={() => onChange({ ...view, ...chip.clear })}
            className="inline-flex max-w-[18rem] items-center gap-1 rounded-full border border-accent-200 bg-accent-50 py-0.5 pl-2.5 pr-1.5 text-xs font-medium text-accent-900 transition-colors hover:border-accent-300 hover:bg-accent-100"
          >
            <span className="truncate">{chip.label}</span>
            <svg
              viewBox="0 0 16 16"
              fill="currentColor"
              className="size-3.5 shrink-0 text-accent-600"
              aria-hidden="true"
            >
              <path d="M5.28 4.22a.75.75 0 0 0-1.06 1.06L6.94 8l-2.72 2.72a.75.75 0 1 0 1.06 1.06L8 9.06l2.72 2.72a.75.75 0 1 0 1.06-1.06L9.06 8l2.72-2.72a.75.75 0 0 0-1.06-1.06L8 6.94 5.28 4.22Z" />
            </svg>
            <span className="sr-only">Remove this filter</span>
          </button>
        </li>
      ))}
      {chips.length > 1 ? (
        <li>
          <button
            type="button"
            onClick={() => onChange({ ...EMPTY_VIEW, sort: view.sort })}
            className="rounded px-1.5 text-xs font-medium text-ink-muted hover:text-ink hover:underline"
          >
            Clear all
          </button>
        </li>
      ) : null}
    </ul>
  );
}
