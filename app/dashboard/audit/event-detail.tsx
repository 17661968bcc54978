"use client";
// Everything docs/audit.md#audit-log records about one event, as the drawer shows it: what happened, the
// token and intent, the request, the decision with each flag explained, who called, and
// the chain fields (seq, prev_hash, hash) that make the row tamper-evident.
import type { ReactNode } from "react";
import { FlagBadges, OutcomeBadge, ScopePair, StatusCode } from "@/app/dashboard/audit/event-bits";
import {
  EVENT_DESCRIPTIONS,
  flagLabel,
  formatBytes,
  formatDuration,
  formatFullTime,
  reasonsPerFlag,
} from "@/app/dashboard/audit/format";
import { CopyButton } from "@/components/copy-button";
import { cx } from "@/components/cx";
import type { AuditRow } from "@/lib/audit/dashboard";

type Field = { label: string; value: ReactNode; mono?: boolean; wide?: boolean; copy?: string };

function present(v: unknown): boolean {
  return v !== null && v !== undefined && v !== "";
}

function Section({ title, fields }: { title: string; fields: (Field | null)[] }) {
  const shown = fields.filter((f): f is Field => f !== null);
  if (shown.length === 0) return null;
  return (
    <section className="space-y-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-ink-subtle">{title}</h3>
      <dl className="divide-y divide-line rounded-lg border border-line">
        {shown.map((f) => (
          <div
            key={f.label}
            className={cx(
              "gap-x-4 px-3 py-2 text-sm",
              f.wide ? "space-y-1" : "grid grid-cols-[6.5rem_1fr] sm:grid-cols-[8.5rem_1fr]",
            )}
          >
            <dt className="text-ink-subtle">{f.label}</dt>
            <dd className={cx("flex min-w-0 items-start gap-2", f.mono && "font-mono text-[12.5px]")}>
              <span className="min-w-0 flex-1 break-words [overflow-wrap:anywhere]">{f.value}</span>
              {f.copy ? (
                <CopyButton
                  value={f.copy}
                  label=""
                  copiedLabel=""
                  variant="ghost"
                  size="sm"
                  accessibleLabel={`Copy ${f.label}`}
                  className="-my-1 h-7 px-1.5"
                />
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const field = (
  label: string,
  value: unknown,
  opts: Omit<Field, "label" | "value"> & { render?: ReactNode } = {},
): Field | null => (present(value) ? { label, value: opts.render ?? String(value), ...opts } : null);

export function EventDetail({ event, providerNames }: { event: AuditRow; providerNames: Record<string, string> }) {
  const e = event;
  const reasons = reasonsPerFlag(e.flags, e.flagReason);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-2">
        <OutcomeBadge outcome={e.outcome} />
        {e.error ? (
          <span className="rounded-md bg-red-50 px-1.5 py-0.5 font-mono text-xs text-red-800">{e.error}</span>
        ) : null}
        {e.status ? (
          <span className="text-sm text-ink-muted">
            HTTP <StatusCode status={e.status} />
          </span>
        ) : null}
      </div>

      {e.flags.length > 0 ? (
        <section className="space-y-2 rounded-lg border border-amber-200 bg-amber-50/70 p-3" aria-label="Flags">
          <FlagBadges flags={e.flags} reason={e.flagReason} plain />
          <ul className="space-y-1 text-sm text-amber-950">
            {e.flags.map((f, i) => (
              <li key={f}>
                <span className="font-medium">{flagLabel(f)}:</span> {reasons[i]}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <Section
        title="What"
        fields={[
          field("Time", e.at, { render: formatFullTime(e.at), mono: true }),
          field("Event", e.event, { mono: true }),
          field("Agent", e.agent),
          field("Via", e.via, { render: e.via === "mcp" ? "MCP tool call" : e.via }),
          field("Tool", e.tool, { mono: true }),
          field("Provider", e.provider, {
            render: e.provider ? `${providerNames[e.provider] ?? e.provider} (${e.provider})` : null,
          }),
          present(e.scope) || present(e.requiredScope)
            ? { label: "Scope → required", value: <ScopePair scope={e.scope} required={e.requiredScope} /> }
            : null,
          field("Intent", e.intent, { render: <q className="text-ink">{e.intent}</q>, wide: true }),
          field("Reason", e.reason, { wide: true }),
        ]}
      />

      <Section
        title="Request"
        fields={[
          field("Method", e.method, { mono: true }),
          field("Path", e.path, { mono: true, wide: true, copy: e.path ?? undefined }),
          field("Query", e.query, { mono: true, wide: true }),
          field("Status", e.status, { render: <StatusCode status={e.status} /> }),
          field("Duration", e.durationMs, { render: formatDuration(e.durationMs) }),
          field("Bytes in", e.bytesIn, { render: formatBytes(e.bytesIn) }),
          field("Bytes out", e.bytesOut, { render: formatBytes(e.bytesOut) }),
          field("Error", e.error, { mono: true }),
        ]}
      />

      <Section
        title="Caller"
        fields={[
          field("IP address", e.ip, { mono: true }),
          field("User agent", e.userAgent, { mono: true, wide: true }),
          field("Request id", e.requestId, { mono: true, copy: e.requestId ?? undefined }),
          field("Service token", e.serviceTokenId, { mono: true, copy: e.serviceTokenId ?? undefined }),
          field("Token id (jti)", e.jti, { mono: true, copy: e.jti ?? undefined }),
        ]}
      />

      <Section
        title="Integrity"
        fields={[
          field("Sequence", e.seq, { mono: true, render: `#${e.seq.toLocaleString("en-US")}` }),
          field("Event id", e.id, { mono: true, copy: e.id }),
          field("User id", e.userId, { mono: true }),
          field("Previous hash", e.prevHash, { mono: true, wide: true, copy: e.prevHash }),
          field("Hash", e.hash, { mono: true, wide: true, copy: e.hash }),
        ]}
      />
      <p className="text-xs text-ink-subtle">
        Each hash covers this event and the hash before it, so changing or removing any earlier event breaks every hash
        after it.
      </p>
    </div>
  );
}

export function eventDescription(event: string): string {
  return EVENT_DESCRIPTIONS[event] ?? "An audit event";
}
