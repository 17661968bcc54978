// Small status labels (connected, revoked, "scope all", …). A tone says how much a
// person should care; the optional dot makes the state readable without colour alone
// being the only cue next to the text.
import type { ReactNode } from "react";
import { cx } from "@/components/cx";

export type BadgeTone = "neutral" | "accent" | "success" | "warning" | "danger";

const TONES: Record<BadgeTone, string> = {
  neutral: "border-line-strong bg-zinc-50 text-ink-muted",
  accent: "border-accent-200 bg-accent-50 text-accent-800",
  success: "border-emerald-200 bg-emerald-50 text-emerald-800",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  danger: "border-red-200 bg-red-50 text-red-800",
};

const DOTS: Record<BadgeTone, string> = {
  neutral: "bg-zinc-400",
  accent: "bg-accent-500",
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  danger: "bg-red-500",
};

export function Badge({
  tone = "neutral",
  dot,
  title,
  className,
  children,
}: {
  tone?: BadgeTone;
  dot?: boolean;
  title?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <span
      title={title}
      className={cx(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium leading-4",
        TONES[tone],
        className,
      )}
    >
      {dot ? <span className={cx("size-1.5 shrink-0 rounded-full", DOTS[tone])} aria-hidden="true" /> : null}
      {children}
    </span>
  );
}
