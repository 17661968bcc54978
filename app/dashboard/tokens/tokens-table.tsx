"use client";
// The service tokens table (docs/dashboard.md#dashboard): agent, hint and status, grants, limits with this
// window's usage, expiry, activity, and Revoke behind a confirmation. Built on the shared
// DataTable shell, so on a phone each token reads as a card. Rows arrive in the page's
// order (usable tokens first); the column headers re-sort them.
import { createColumnHelper } from "@tanstack/react-table";
import { useEffect, useMemo, useRef, useState } from "react";
import { revokeServiceTokenAction } from "@/app/dashboard/tokens/actions";
import type { TokenRow, TokenState } from "@/app/dashboard/tokens/token-rows";
import { Badge, type BadgeTone } from "@/components/badge";
import { Button } from "@/components/button";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { cx } from "@/components/cx";
import { DataTable } from "@/components/data-table";
import { formatExact, RelativeTime } from "@/components/relative-time";
import { SCOPE_DESCRIPTIONS } from "@/lib/scopes";

const STATE: Record<TokenState, { label: string; tone: BadgeTone; title: string }> = {
  active: { label: "Active", tone: "success", title: "The agent can exchange this token" },
  revoked: { label: "Revoked", tone: "neutral", title: "Revoked: every request with it gets 401" },
  leaked: {
    label: "Leaked",
    tone: "danger",
    title: "Reported as leaked and revoked at once: every request with it gets 401",
  },
  expired: { label: "Expired", tone: "warning", title: "Past its expiry: every request with it gets 401" },
};

function seconds(n: number): string {
  if (n % 60 === 0) return `${n / 60} min`;
  return n > 60 ? `${Math.floor(n / 60)} min ${n % 60} s` : `${n} s`;
}

function Usage({
  used,
  limit,
  exhausted,
  unit,
  resetAt,
  now,
}: {
  used: number;
  limit: number;
  exhausted: boolean;
  unit: string;
  resetAt: Date;
  now: number;
}) {
  const share = Math.min(1, used / limit);
  return (
    <div className="space-y-1" title={`Resets ${formatExact(resetAt)}`}>
      <div className={cx("whitespace-nowrap", exhausted ? "font-medium text-red-700" : "text-ink")}>
        {used.toLocaleString("en-US")} / {limit.toLocaleString("en-US")} <span className="text-ink-subtle">{unit}</span>
      </div>
      <div className="h-1 w-24 overflow-hidden rounded-full bg-zinc-200" aria-hidden="true">
        <div
          className={cx(
            "h-full rounded-full",
            exhausted ? "bg-red-500" : share > 0.8 ? "bg-amber-500" : "bg-accent-500",
          )}
          style={{ width: `${share * 100}%` }}
        />
      </div>
      {exhausted ? (
        <div className="text-xs text-red-700">
          used up · resets <RelativeTime date={resetAt} now={now} />
        </div>
      ) : null}
    </div>
  );
}

function RevokeButton({ row, onRevoked }: { row: TokenRow; onRevoked: (name: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        className="text-red-700 hover:bg-red-50 hover:text-red-800"
        onClick={() => setOpen(true)}
      >
        Revoke<span className="sr-only"> the token of {row.name}</span>
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          try {
            const result = await revokeServiceTokenAction(row.id);
            if (result.error) return result.error;
          } catch {
            return "okoro could not revoke the token just now. It is still active; please try again.";
          }
          onRevoked(row.name);
        }}
        title={`Revoke ${row.name}'s token?`}
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
      >
        {row.oauth ? (
          <p>
            {row.name} ({row.oauth.redirectHost ?? row.oauth.clientId}) loses access on its next request: its OAuth
            access and refresh tokens stop working at once.
          </p>
        ) : (
          <p>
            <code className="text-[13px] text-ink">{row.hint}</code> stops working on the agent&apos;s next request: the
            exchange answers 401, and operation tokens it already holds are refused by the proxy.
          </p>
        )}
        <p>
          This cannot be undone. To give {row.name} access again,{" "}
          {row.oauth ? "connect it again from the app" : "create a new token"}.
        </p>
      </ConfirmDialog>
    </>
  );
}

const column = createColumnHelper<TokenRow>();

type Filter = "all" | "active" | "inactive";

export function TokensTable({ rows, now }: { rows: TokenRow[]; now: number }) {
  const [notice, setNotice] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>("all");
  const noticeRef = useRef<HTMLDivElement>(null);

  // the Revoke button that had focus is gone with the active row: keep keyboard users
  // where the outcome is said
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Agent",
        meta: { mobile: "title", className: "md:max-w-56" },
        sortingFn: (a, b) => a.original.name.localeCompare(b.original.name, "en", { sensitivity: "base" }),
        // the status sits with the name: beside it on a phone's card, under the hint in the
        // table (a column of its own would push the table past the width beside the nav)
        cell: ({ row }) => (
          <div className="flex min-w-0 items-start justify-between gap-2 md:flex-col md:justify-start md:gap-1.5">
            <div className="min-w-0">
              <div className="truncate font-medium text-ink">{row.original.name}</div>
              {row.original.oauth ? (
                <div className="mt-0.5 flex flex-wrap items-center gap-1.5 text-xs text-ink-subtle">
                  <Badge tone="accent" title={`Connected through OAuth as ${row.original.oauth.clientId}`}>
                    OAuth client
                  </Badge>
                  {row.original.oauth.redirectHost ? (
                    <span className="truncate">{row.original.oauth.redirectHost}</span>
                  ) : null}
                </div>
              ) : (
                <code className="text-xs text-ink-subtle">{row.original.hint}</code>
              )}
            </div>
            <StateBadge state={row.original.state} />
          </div>
        ),
      }),
      column.display({
        id: "grants",
        header: "Grants",
        meta: { className: "min-w-52" },
        cell: ({ row }) => (
          <ul className="space-y-0.5">
            {row.original.grants.map((g) => (
              <li key={g.provider} className="flex flex-wrap items-center gap-x-1.5">
                <span className="font-medium text-ink">{g.name}:</span>
                {g.scopes.includes("all") ? (
                  <Badge tone="danger" title={SCOPE_DESCRIPTIONS.all}>
                    all
                  </Badge>
                ) : (
                  <span className="text-ink-muted">{g.scopes.join(", ")}</span>
                )}
                {g.connection !== "active" ? (
                  <span
                    className="text-xs text-amber-800"
                    title="Calls for this provider get 409 not_connected until it is (re)connected"
                  >
                    {g.connection === null
                      ? "not connected"
                      : g.connection === "error"
                        ? "connection failing"
                        : "connection expired"}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ),
      }),
      column.display({
        id: "limits",
        header: "Limits",
        cell: ({ row }) => {
          const r = row.original;
          // usage only matters while the token can still be used
          const live = r.state === "active";
          return (
            <div className="space-y-1.5">
              {r.rate ? (
                live ? (
                  <Usage {...r.rate} unit="this minute" now={now} />
                ) : (
                  <div>{r.rate.limit.toLocaleString("en-US")} per minute</div>
                )
              ) : null}
              {r.quota ? (
                live ? (
                  <Usage {...r.quota} unit={r.quota.period === "day" ? "today" : "this month"} now={now} />
                ) : (
                  <div>
                    {r.quota.limit.toLocaleString("en-US")} per {r.quota.period}
                  </div>
                )
              ) : null}
              {!r.rate && !r.quota ? <div className="text-ink-subtle">No rate limit or quota</div> : null}
              <div
                className="whitespace-nowrap text-xs text-ink-subtle"
                title="The longest an operation token of this agent lives"
              >
                Max TTL {seconds(r.maxTtl)}
              </div>
              {r.approvalScopes.length > 0 ? (
                <div className="text-xs text-accent-800">Asks you: {r.approvalScopes.join(", ")}</div>
              ) : null}
            </div>
          );
        },
      }),
      column.accessor((r) => r.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY, {
        id: "expires",
        header: "Expires",
        cell: ({ row }) => {
          const r = row.original;
          if (r.revokedAt) {
            return (
              <span className="text-ink-subtle">
                revoked <RelativeTime date={r.revokedAt} now={now} />
              </span>
            );
          }
          return r.expiresAt ? (
            <RelativeTime
              date={r.expiresAt}
              now={now}
              className={r.state === "expired" ? "text-amber-800" : undefined}
            />
          ) : (
            <span className="text-ink-subtle">never</span>
          );
        },
      }),
      // created and last used share a column: two short dates read better stacked than
      // spread over two more columns of a table that must fit beside the navigation
      column.accessor((r) => r.createdAt.getTime(), {
        id: "activity",
        header: "Activity",
        cell: ({ row }) => (
          <div className="space-y-0.5 whitespace-nowrap">
            <div className="text-ink-muted">
              Created <RelativeTime date={row.original.createdAt} now={now} />
            </div>
            <div className={row.original.lastUsedAt ? "text-ink" : "text-ink-subtle"}>
              {row.original.lastUsedAt ? (
                <>
                  Used <RelativeTime date={row.original.lastUsedAt} now={now} />
                </>
              ) : (
                "Never used"
              )}
            </div>
          </div>
        ),
      }),
      column.display({
        id: "actions",
        header: "",
        meta: { mobile: "actions", srHeader: "Actions", className: "text-right" },
        cell: ({ row }) =>
          row.original.state === "active" ? (
            <RevokeButton row={row.original} onRevoked={(name) => setNotice(name)} />
          ) : null,
      }),
    ],
    [now],
  );

  const counts = {
    all: rows.length,
    active: rows.filter((r) => r.state === "active").length,
    inactive: rows.filter((r) => r.state !== "active").length,
  };
  const shown = filter === "all" ? rows : rows.filter((r) => (filter === "active") === (r.state === "active"));

  return (
    <div className="space-y-3">
      {notice ? (
        <div
          ref={noticeRef}
          tabIndex={-1}
          role="status"
          className="flex items-start justify-between gap-3 rounded-lg border border-line-strong bg-surface px-3.5 py-3 text-sm shadow-sm"
        >
          <p>
            <span className="font-medium text-ink">{notice}&apos;s token is revoked.</span>{" "}
            <span className="text-ink-muted">Its next request gets 401; the audit log records the revocation.</span>
          </p>
          <button
            type="button"
            onClick={() => setNotice(null)}
            className="shrink-0 rounded text-ink-subtle hover:text-ink"
            aria-label="Dismiss"
          >
            <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden="true">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
          </button>
        </div>
      ) : null}

      {counts.inactive > 0 ? (
        <div
          role="group"
          aria-label="Show tokens"
          className="inline-flex rounded-lg border border-line-strong bg-surface p-0.5 text-sm shadow-sm"
        >
          {(["all", "active", "inactive"] as const).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={cx(
                "rounded-md px-3 py-1 font-medium capitalize transition-colors",
                filter === f ? "bg-accent-50 text-accent-800" : "text-ink-muted hover:text-ink",
              )}
            >
              {f} <span className="font-normal text-ink-subtle">{counts[f]}</span>
            </button>
          ))}
        </div>
      ) : null}

      <div className="overflow-hidden rounded-card border border-line bg-surface shadow-card">
        <DataTable
          data={shown}
          columns={columns}
          getRowId={(r) => r.id}
          caption="Your service tokens"
          rowClassName={(r) => (r.state === "active" ? undefined : "text-ink-muted [&_.font-medium]:text-ink-muted")}
          rowAttributes={(r, layout) => ({ "data-testid": `token-${layout === "table" ? "row" : "card"}-${r.id}` })}
          empty={
            <p className="px-5 py-6 text-center text-sm text-ink-muted">No {filter === "all" ? "" : filter} tokens.</p>
          }
        />
      </div>
    </div>
  );
}

function StateBadge({ state }: { state: TokenState }) {
  const s = STATE[state];
  return (
    <Badge tone={s.tone} dot title={s.title}>
      {s.label}
    </Badge>
  );
}
