"use client";
// The small pieces an audit event is drawn with, shared by the viewer's table, its drawer
// and the overview: the outcome badge, flag badges that explain themselves (tooltip and
// accessible description = the flag's reason), the status code, and scope → required scope.
import { Badge } from "@/components/badge";
import { cx } from "@/components/cx";
import { Tooltip } from "@/components/tooltip";
import { flagLabel, flagShortLabel, OUTCOME_TONES, reasonsPerFlag, statusTone } from "@/app/dashboard/audit/format";

export function OutcomeBadge({ outcome }: { outcome: string | null }) {
  if (!outcome) return <span className="text-ink-subtle">—</span>;
  return (
    <Badge tone={OUTCOME_TONES[outcome] ?? "neutral"} dot>
      {outcome}
    </Badge>
  );
}

const OUTCOME_TEXT: Record<string, { dot: string; text: string }> = {
  allowed: { dot: "bg-emerald-500", text: "text-emerald-800" },
  denied: { dot: "bg-red-500", text: "text-red-800" },
  error: { dot: "bg-amber-500", text: "text-amber-900" },
};

/** The outcome without the pill, for dense rows. */
export function OutcomeText({ outcome }: { outcome: string | null }) {
  if (!outcome) return <span className="text-ink-subtle">—</span>;
  const tone = OUTCOME_TEXT[outcome] ?? { dot: "bg-zinc-400", text: "text-ink-muted" };
  return (
    <span className={cx("inline-flex items-center gap-1.5 whitespace-nowrap font-medium", tone.text)}>
      <span className={cx("size-1.5 rounded-full", tone.dot)} aria-hidden="true" />
      {outcome}
    </span>
  );
}

const FLAG_ICON =
  "M3.5 2.75a.75.75 0 0 0-1.5 0v14.5a.75.75 0 0 0 1.5 0v-4.392l1.657-.348a6.449 6.449 0 0 1 4.271.572 7.948 7.948 0 0 0 5.965.524l2.078-.64A.75.75 0 0 0 18 12.25v-8.5a.75.75 0 0 0-.904-.734l-2.38.501a7.25 7.25 0 0 1-4.186-.363l-.502-.2a8.75 8.75 0 0 0-5.053-.439l-1.475.31V2.75Z";

/** One badge per flag; each is focusable so keyboard users can read its reason too. */
export function FlagBadges({
  flags,
  reason,
  short,
  plain,
  className,
}: {
  flags: readonly string[];
  reason: string | null;
  /** one-word labels, for dense rows */
  short?: boolean;
  /** no tooltip and not focusable: for places that print the reason beside the badges (and inside links) */
  plain?: boolean;
  className?: string;
}) {
  if (flags.length === 0) return null;
  const reasons = reasonsPerFlag(flags, reason);
  if (plain) {
    return (
      <span className={cx("flex flex-wrap gap-1", className)}>
        {flags.map((flag) => (
          <span
            key={flag}
            className="inline-flex items-center gap-1 whitespace-nowrap rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium leading-4 text-amber-900"
          >
            <svg viewBox="0 0 20 20" fill="currentColor" className="size-3 shrink-0 text-amber-600" aria-hidden="true">
              <path d={FLAG_ICON} />
            </svg>
            {flagLabel(flag)}
          </span>
        ))}
      </span>
    );
  }
  return (
    <span className={cx("flex flex-wrap gap-1", className)}>
      {flags.map((flag, i) => (
        <Tooltip key={flag} content={reasons[i]}>
          {(trigger) => (
            <span
              {...trigger}
              tabIndex={0}
              data-flag={flag}
              className="inline-flex cursor-help items-center gap-1 whitespace-nowrap rounded-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium leading-4 text-amber-900"
            >
              <svg
                viewBox="0 0 20 20"
                fill="currentColor"
                className="size-3 shrink-0 text-amber-600"
                aria-hidden="true"
              >
                <path d={FLAG_ICON} />
              </svg>
              {short ? (
                <>
                  <span aria-hidden="true">{flagShortLabel(flag)}</span>
                  <span className="sr-only">{flagLabel(flag)}</span>
                </>
              ) : (
                flagLabel(flag)
              )}
            </span>
          )}
        </Tooltip>
      ))}
    </span>
  );
}

export function StatusCode({ status }: { status: number | null }) {
  if (!status) return <span className="text-ink-subtle">—</span>;
  return <span className={cx("font-mono text-[13px] font-medium tabular-nums", statusTone(status))}>{status}</span>;
}

/**
 * The token's scope, and the request's when it differs ("read → delete"). `stacked` puts
 * the required scope on a second line, for narrow table cells.
 */
export function ScopePair({
  scope,
  required,
  stacked,
}: {
  scope: string | null;
  required: string | null;
  stacked?: boolean;
}) {
  if (!scope && !required) return <span className="text-ink-subtle">—</span>;
  const differs = required && scope && required !== scope && scope !== "all";
  return (
    <span className={stacked ? "flex flex-col" : "whitespace-nowrap"}>
      <span className={scope === "all" ? "font-medium text-red-700" : undefined}>{scope ?? "—"}</span>
      {required && required !== scope ? (
        <span className="whitespace-nowrap">
          <span className={cx("text-ink-subtle", stacked ? "pr-0.5" : "px-1")} aria-hidden="true">
            →
          </span>
          <span className="sr-only">, request needs </span>
          <span className={differs ? "font-medium text-red-700" : "text-ink-muted"}>{required}</span>
        </span>
      ) : null}
    </span>
  );
}
