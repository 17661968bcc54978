"use client";
// The audit viewer's interactive part. Its whole state is the URL: filters, sort and
// page are navigations (in a transition, so the current rows stay, dimmed, until the next
// ones arrive), and the open event is `?id=` pushed onto the history without a server
// round trip, so Back closes the drawer and a copied link opens it again.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import {
  Suspense,
  use,
  useCallback,
  useEffect,
  useMemo,
  useOptimistic,
  useRef,
  useState,
  useTransition,
  type MouseEvent,
} from "react";
import { AuditTable } from "@/app/dashboard/audit/audit-table";
import { eventDescription, EventDetail } from "@/app/dashboard/audit/event-detail";
import { ActiveFilters, FilterBar } from "@/app/dashboard/audit/filter-bar";
import { formatCount } from "@/app/dashboard/audit/format";
import { buttonClasses } from "@/components/button";
import { Card } from "@/components/card";
import { cx } from "@/components/cx";
import { Drawer } from "@/components/drawer";
import type { AuditRow } from "@/lib/audit/dashboard";
import {
  activeFilterCount,
  auditViewSearch,
  EMPTY_VIEW,
  filterOnly,
  type AuditSort,
  type AuditView,
} from "@/lib/audit/view-params";

export type AuditExplorerProps = {
  view: AuditView;
  rows: AuditRow[];
  linked: AuditRow | null;
  after: string | null;
  before: string | null;
  count: Promise<{ count: number; capped: boolean }>;
  /** false when the user's log has no events at all (not just none matching) */
  logHasEvents: boolean;
  agents: string[];
  providers: { id: string; name: string }[];
  events: string[];
  /** the server's UTC date, "YYYY-MM-DD": rows from today show the time only */
  today: string;
};

const PATH = "/dashboard/audit";

function Count({ count }: { count: Promise<{ count: number; capped: boolean }> }) {
  const { count: n, capped } = use(count);
  return (
    <>
      {formatCount(n)}
      {capped ? "+" : ""} {n === 1 && !capped ? "event" : "events"}
    </>
  );
}

const SORT_LABELS: Record<AuditSort["key"], [string, string]> = {
  time: ["oldest first", "newest first"],
  status: ["lowest status first", "highest status first"],
  duration: ["fastest first", "slowest first"],
  agent: ["agent A→Z", "agent Z→A"],
  provider: ["provider A→Z", "provider Z→A"],
};

export function AuditExplorer(props: AuditExplorerProps) {
  const { view, rows, linked, after, before, count, logHasEvents, agents, providers, events, today } = props;
  const router = useRouter();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const openedHere = useRef(false);
  const providerNames = useMemo(() => Object.fromEntries(providers.map((p) => [p.id, p.name])), [providers]);

  // The controls show a change at once (a ticked box stays ticked) while the server
  // renders the new page; the URL's view takes over again when it arrives.
  const [shown, setShown] = useOptimistic(view);
  const go = useCallback((href: string) => startTransition(() => router.push(href, { scroll: false })), [router]);
  // a new filter or sort starts from the first page, with no event open
  const applyView = (next: AuditView) => {
    const clean = { ...next, after: undefined, before: undefined, id: undefined };
    startTransition(() => {
      setShown(clean);
      router.push(`${PATH}${auditViewSearch(clean)}`, { scroll: false });
    });
  };
  const pageHref = (cursor: { after?: string; before?: string }) =>
    `${PATH}${auditViewSearch({ ...view, after: cursor.after, before: cursor.before, id: undefined })}`;
  const onPageLink = (e: MouseEvent<HTMLAnchorElement>) => {
    // keep the link a link (new tab, copy address); take over plain clicks for the pending state
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    go(e.currentTarget.getAttribute("href")!);
  };

  // ---- the drawer: ?id= in the URL, written with the History API (no server round trip)
  // The URL is the truth, but React learns of a pushState only in a later render: the
  // local copy opens and closes the drawer at once, and follows the URL when it moves
  // (Back, Forward, a new page).
  const urlId = searchParams.get("id");
  const [openId, setOpenId] = useState(urlId);
  const [seenUrlId, setSeenUrlId] = useState(urlId);
  if (seenUrlId !== urlId) {
    setSeenUrlId(urlId);
    setOpenId(urlId);
  }
  const openIndex = openId ? rows.findIndex((r) => r.id === openId) : -1;
  const openEvent = openIndex >= 0 ? rows[openIndex] : linked && linked.id === openId ? linked : null;

  const withId = (id: string | null) => {
    const p = new URLSearchParams(window.location.search);
    if (id) p.set("id", id);
    else p.delete("id");
    const s = p.toString();
    return `${PATH}${s ? `?${s}` : ""}`;
  };
  const open = (id: string) => {
    if (id === openId) return;
    setOpenId(id);
    if (openId) {
      window.history.replaceState(null, "", withId(id));
    } else {
      window.history.pushState(null, "", withId(id));
      openedHere.current = true;
    }
  };
  const close = () => {
    setOpenId(null);
    if (openedHere.current) {
      // the entry we pushed: going back also keeps the history tidy
      openedHere.current = false;
      window.history.back();
    } else {
      window.history.replaceState(null, "", withId(null));
    }
  };
  // focus goes back to the row of the event that was open last (its button may have been
  // re-rendered since it was clicked)
  const lastOpen = useRef<string | null>(null);
  useEffect(() => {
    if (openEvent) lastOpen.current = openEvent.id;
  }, [openEvent]);
  const returnFocus = () =>
    Array.from(document.querySelectorAll<HTMLElement>(`[data-open-event="${lastOpen.current}"]`)).find(
      (el) => el.offsetParent !== null,
    ) ?? null;

  const filters = activeFilterCount(view);
  const exportSearch = auditViewSearch(filterOnly(view));
  const exportHref = (format: "csv" | "jsonl") =>
    `${PATH}/export${exportSearch ? `${exportSearch}&` : "?"}format=${format}`;
  const searchKey = auditViewSearch({ ...view, id: undefined });

  const empty = !logHasEvents ? (
    <div className="px-5 py-12 text-center">
      <svg
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
        className="mx-auto size-9 text-accent-500"
        aria-hidden="true"
      >
        <path d="M7 3.5h7l4 4v13H7z" strokeLinejoin="round" />
        <path d="M14 3.5v4h4M10 12h5M10 15.5h5" strokeLinecap="round" />
      </svg>
      <p className="mt-3 text-[15px] font-medium text-ink">No events yet</p>
      <p className="mx-auto mt-1 max-w-md text-sm text-ink-muted">
        Every token your agents ask for and every call they make through okoro lands here, signed into a hash chain.
        Create a service token and point an agent at okoro to see the first ones.
      </p>
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        <Link href="/dashboard/tokens" className={buttonClasses("primary", "sm")}>
          Create a service token
        </Link>
        <Link href="/docs" className={buttonClasses("secondary", "sm")}>
          Read the docs
        </Link>
      </div>
    </div>
  ) : (
    <div className="px-5 py-12 text-center">
      <p className="text-[15px] font-medium text-ink">
        No events match {filters > 1 ? "these filters" : "this filter"}
      </p>
      <p className="mx-auto mt-1 max-w-md text-sm text-ink-muted">
        {view.after || view.before
          ? "This page is past the end of the results."
          : "Try a wider time range or remove a filter."}
      </p>
      <div className="mt-4 flex flex-wrap justify-center gap-2">
        {view.after || view.before ? (
          <Link href={pageHref({})} onClick={onPageLink} className={buttonClasses("secondary", "sm")}>
            Back to the first page
          </Link>
        ) : (
          <button
            type="button"
            onClick={() => applyView({ ...EMPTY_VIEW, sort: view.sort })}
            className={buttonClasses("secondary", "sm")}
          >
            Clear all filters
          </button>
        )}
      </div>
    </div>
  );

  return (
    <div className="space-y-3">
      <FilterBar view={shown} agents={agents} providers={providers} events={events} onChange={applyView} />

      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1.5">
          <p className="text-sm text-ink-muted" aria-live="polite">
            {logHasEvents ? (
              <Suspense key={searchKey} fallback={<span className="text-ink-subtle">Counting…</span>}>
                <span className="font-medium text-ink">
                  <Count count={count} />
                </span>
              </Suspense>
            ) : null}
            {logHasEvents ? (
              <span className="text-ink-subtle max-md:hidden">
                {" "}
                · {SORT_LABELS[view.sort.key][view.sort.dir === "desc" ? 1 : 0]}
              </span>
            ) : null}
          </p>
          {logHasEvents ? (
            // phones have no column headers to click: the order is chosen here
            <select
              aria-label="Sort by"
              value={`${shown.sort.key}:${shown.sort.dir}`}
              onChange={(e) => {
                const [key, dir] = e.target.value.split(":") as [AuditSort["key"], AuditSort["dir"]];
                applyView({ ...view, sort: { key, dir } });
              }}
              className="h-8 rounded-lg border border-line-strong bg-surface px-2 text-sm text-ink-muted shadow-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-100 md:hidden"
            >
              {(Object.keys(SORT_LABELS) as AuditSort["key"][]).flatMap((key) =>
                (["desc", "asc"] as const).map((dir) => (
                  <option key={`${key}:${dir}`} value={`${key}:${dir}`}>
                    {SORT_LABELS[key][dir === "desc" ? 1 : 0][0].toUpperCase() +
                      SORT_LABELS[key][dir === "desc" ? 1 : 0].slice(1)}
                  </option>
                )),
              )}
            </select>
          ) : null}
          <ActiveFilters view={shown} providers={providers} onChange={applyView} />
        </div>
        {logHasEvents ? (
          <div className="flex items-center gap-2">
            <span className="text-xs text-ink-subtle max-sm:hidden">Export</span>
            <a href={exportHref("csv")} download className={buttonClasses("secondary", "sm")} data-testid="export-csv">
              <DownloadIcon />
              CSV<span className="sr-only"> export of the events matching these filters</span>
            </a>
            <a
              href={exportHref("jsonl")}
              download
              className={buttonClasses("secondary", "sm")}
              data-testid="export-jsonl"
            >
              <DownloadIcon />
              JSON Lines<span className="sr-only"> export of the events matching these filters</span>
            </a>
          </div>
        ) : null}
      </div>

      <Card className="relative overflow-hidden">
        {pending ? (
          <div className="absolute inset-x-0 top-0 z-10 h-0.5 overflow-hidden bg-accent-100" aria-hidden="true">
            <div className="h-full w-1/3 animate-pulse bg-accent-500" />
          </div>
        ) : null}
        <div aria-busy={pending} className={cx("transition-opacity", pending && "opacity-60")}>
          <AuditTable
            rows={rows}
            sort={shown.sort}
            onSort={(sort) => applyView({ ...view, sort })}
            onOpen={open}
            openId={openEvent?.id ?? null}
            providerNames={providerNames}
            today={today}
            empty={empty}
          />
        </div>
        {rows.length > 0 && (before || after || view.after || view.before) ? (
          <nav
            aria-label="Pages"
            className="flex flex-wrap items-center justify-between gap-2 border-t border-line px-4 py-3 sm:px-5"
          >
            <div className="flex gap-2">
              {view.after || view.before ? (
                <Link
                  href={pageHref({})}
                  onClick={onPageLink}
                  className={buttonClasses("ghost", "sm")}
                  prefetch={false}
                >
                  {view.sort.key === "time" && view.sort.dir === "desc" ? "Newest" : "First page"}
                </Link>
              ) : null}
            </div>
            <div className="flex gap-2">
              {before ? (
                <Link
                  href={pageHref({ before })}
                  onClick={onPageLink}
                  className={buttonClasses("secondary", "sm")}
                  prefetch={false}
                  rel="prev"
                >
                  <span aria-hidden="true">←</span> Previous
                </Link>
              ) : (
                <span
                  className={buttonClasses("secondary", "sm", "pointer-events-none opacity-50")}
                  aria-disabled="true"
                >
                  <span aria-hidden="true">←</span> Previous
                </span>
              )}
              {after ? (
                <Link
                  href={pageHref({ after })}
                  onClick={onPageLink}
                  className={buttonClasses("secondary", "sm")}
                  prefetch={false}
                  rel="next"
                >
                  Next <span aria-hidden="true">→</span>
                </Link>
              ) : (
                <span
                  className={buttonClasses("secondary", "sm", "pointer-events-none opacity-50")}
                  aria-disabled="true"
                >
                  Next <span aria-hidden="true">→</span>
                </span>
              )}
            </div>
          </nav>
        ) : null}
      </Card>

      <Drawer
        open={openEvent !== null}
        onClose={close}
        returnFocus={returnFocus}
        title={openEvent ? <span className="font-mono text-[15px]">{openEvent.event}</span> : ""}
        description={openEvent ? eventDescription(openEvent.event) : null}
        footer={
          openEvent && openIndex >= 0 && rows.length > 1 ? (
            <div className="flex items-center justify-between gap-2">
              <span className="text-xs text-ink-subtle">
                {openIndex + 1} of {rows.length} on this page
              </span>
              <div className="flex gap-2">
                <button
                  type="button"
                  disabled={openIndex === 0}
                  onClick={() => open(rows[openIndex - 1].id)}
                  className={buttonClasses("secondary", "sm")}
                >
                  <span aria-hidden="true">↑</span> Previous
                </button>
                <button
                  type="button"
                  disabled={openIndex === rows.length - 1}
                  onClick={() => open(rows[openIndex + 1].id)}
                  className={buttonClasses("secondary", "sm")}
                >
                  Next <span aria-hidden="true">↓</span>
                </button>
              </div>
            </div>
          ) : null
        }
      >
        {openEvent ? <EventDetail event={openEvent} providerNames={providerNames} /> : null}
      </Drawer>
    </div>
  );
}

function DownloadIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className="size-4 text-ink-subtle" aria-hidden="true">
      <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z" />
      <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
    </svg>
  );
}
