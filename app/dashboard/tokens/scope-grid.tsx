"use client";
// The grant grid of the create form (docs/dashboard.md#dashboard): providers × read / write / update /
// delete / all. Rows start as the person's connected providers; a provider not connected
// yet can be added, and is marked so (its calls get 409 until it is connected). Ticking
// `all` first asks, in a dialog, whether the person understands what it means; only a
// confirmation makes it stick. `all` covers the other four, which then show as ticked.
import Link from "next/link";
import { useId, useState } from "react";
import type { ConnectionState, ProviderOption } from "@/app/dashboard/tokens/token-rows";
import { Button } from "@/components/button";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { cx } from "@/components/cx";
import { ProviderMark } from "@/components/provider-mark";
import { Select } from "@/components/select";
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from "@/lib/scopes";

export type ScopeGridProps = {
  providers: ProviderOption[];
  rows: string[];
  grants: Record<string, Scope[]>;
  onToggle: (provider: string, scope: Scope, on: boolean) => void;
  onAddRow: (provider: string) => void;
  onRemoveRow: (provider: string) => void;
  error?: string;
};

const CONNECTION_NOTE: Record<Exclude<ConnectionState, "active" | null>, string> = {
  expired: "connection expired",
  error: "connection failing",
};

export function ScopeGrid({ providers, rows, grants, onToggle, onAddRow, onRemoveRow, error }: ScopeGridProps) {
  const [confirmAll, setConfirmAll] = useState<string | null>(null);
  const [adding, setAdding] = useState("");
  const legendId = useId();
  const errorId = useId();
  const helpId = useId();
  const byId = new Map(providers.map((p) => [p.id, p]));
  const addable = providers.filter((p) => !rows.includes(p.id));
  const confirmName = confirmAll ? (byId.get(confirmAll)?.name ?? confirmAll) : "";

  return (
    <fieldset aria-describedby={[error ? errorId : "", helpId].filter(Boolean).join(" ")} className="space-y-3">
      <legend id={legendId} className="text-sm font-medium text-ink">
        What it may do
      </legend>
      <p id={helpId} className="-mt-1 text-sm text-ink-muted">
        Tick the scopes the agent may ask for, per provider. Each operation token it gets carries exactly one of them.
      </p>

      {rows.length === 0 ? (
        <div className="rounded-lg border border-dashed border-line-strong bg-zinc-50 px-4 py-5 text-center text-sm text-ink-muted">
          You have not connected a provider yet. Add one below — its calls get{" "}
          <code className="text-[13px]">409 not_connected</code> until you connect it — or{" "}
          <Link href="/dashboard/connections" className="rounded font-medium text-accent-700 hover:underline">
            connect one first
          </Link>
          .
        </div>
      ) : (
        <div className={cx("overflow-x-auto rounded-lg border", error ? "border-red-300" : "border-line")}>
          <table className="w-full border-collapse text-sm">
            <thead className="bg-zinc-50">
              <tr className="border-b border-line">
                <th
                  scope="col"
                  className="px-2.5 py-2 text-left text-[11px] font-medium uppercase tracking-wide text-ink-subtle sm:px-3 sm:text-xs"
                >
                  Provider
                </th>
                {SCOPES.map((scope) => (
                  <th
                    key={scope}
                    scope="col"
                    title={SCOPE_DESCRIPTIONS[scope]}
                    className={cx(
                      "w-10 px-0 py-2 text-center text-[11px] font-medium sm:w-20 sm:text-xs",
                      scope === "all" ? "text-red-700" : "text-ink-muted",
                    )}
                  >
                    {scope}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {rows.map((id) => {
                const provider = byId.get(id);
                if (!provider) return null;
                const ticked = grants[id] ?? [];
                const all = ticked.includes("all");
                return (
                  <tr key={id} data-testid={`grant-row-${id}`} className={cx(all && "bg-red-50/50")}>
                    <th scope="row" className="px-2.5 py-1.5 text-left font-normal sm:px-3">
                      <div className="flex min-w-0 items-center gap-2">
                        <ProviderMark id={id} name={provider.name} size="sm" className="hidden sm:grid" />
                        <div className="min-w-0">
                          <div className="truncate font-medium text-ink">{provider.name}</div>
                          {provider.connection === null ? (
                            <div className="flex items-center gap-1 whitespace-nowrap text-xs text-amber-800">
                              not connected
                              <button
                                type="button"
                                onClick={() => onRemoveRow(id)}
                                title={`Remove ${provider.name}`}
                                className="grid size-5 place-items-center rounded text-ink-subtle hover:bg-zinc-100 hover:text-ink"
                              >
                                <svg viewBox="0 0 20 20" fill="currentColor" className="size-3.5" aria-hidden="true">
                                  <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
                                </svg>
                                <span className="sr-only">Remove {provider.name}</span>
                              </button>
                            </div>
                          ) : provider.connection !== "active" ? (
                            <div className="text-xs text-amber-800">{CONNECTION_NOTE[provider.connection]}</div>
                          ) : null}
                        </div>
                      </div>
                    </th>
                    {SCOPES.map((scope) => {
                      const implied = all && scope !== "all";
                      const checked = implied || ticked.includes(scope);
                      return (
                        <td key={scope} className="p-0 text-center">
                          <label
                            className={cx(
                              "grid h-11 place-items-center",
                              implied ? "cursor-not-allowed" : "cursor-pointer hover:bg-zinc-100/70",
                            )}
                          >
                            <input
                              type="checkbox"
                              aria-label={`${scope} on ${provider.name}`}
                              title={implied ? "Covered by all" : SCOPE_DESCRIPTIONS[scope]}
                              checked={checked}
                              disabled={implied}
                              onChange={(e) => {
                                // `all` only sticks after the confirmation; the box stays clear until then
                                if (scope === "all" && e.target.checked) setConfirmAll(id);
                                else onToggle(id, scope, e.target.checked);
                              }}
                              className={cx(
                                "size-4 cursor-[inherit] rounded",
                                scope === "all" ? "accent-red-600" : "accent-accent-600",
                              )}
                            />
                          </label>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}

      {addable.length > 0 ? (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <label htmlFor={`${legendId}-add`} className="text-sm text-ink-muted sm:shrink-0">
            Add a provider you have not connected:
          </label>
          <div className="flex gap-2">
            <Select
              id={`${legendId}-add`}
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
              className="min-w-0 flex-1 sm:w-52 sm:flex-none"
            >
              <option value="">Choose…</option>
              {addable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </Select>
            <Button
              variant="secondary"
              disabled={!adding}
              onClick={() => {
                onAddRow(adding);
                setAdding("");
              }}
            >
              Add
            </Button>
          </div>
        </div>
      ) : null}

      <dl className="grid gap-x-6 gap-y-1 text-xs text-ink-subtle sm:grid-cols-2">
        {SCOPES.map((scope) => (
          <div key={scope} className="flex gap-1.5">
            <dt className={cx("font-medium", scope === "all" ? "text-red-700" : "text-ink-muted")}>{scope}</dt>
            <dd>{SCOPE_DESCRIPTIONS[scope]}</dd>
          </div>
        ))}
      </dl>

      <ConfirmDialog
        open={confirmAll !== null}
        onClose={() => setConfirmAll(null)}
        onConfirm={() => {
          if (confirmAll) onToggle(confirmAll, "all", true);
        }}
        title={`Grant scope all on ${confirmName}?`}
        confirmLabel="Grant all"
      >
        <p>
          <strong className="font-medium text-ink">all</strong> lets the agent ask for tokens that can do anything on{" "}
          {confirmName}: read, create, change and delete.
        </p>
        <ul className="list-disc space-y-1 pl-5">
          <li>Every issuance and every use is flagged in the audit log.</li>
          <li>Each such token lives 60 seconds at most.</li>
          <li>The agent must state a reason (10 characters or more) every time it asks.</li>
        </ul>
        <p>
          Prefer the specific scopes; if the agent really needs <strong className="font-medium text-ink">all</strong>,
          consider also requiring your approval for it below.
        </p>
      </ConfirmDialog>
    </fieldset>
  );
}
