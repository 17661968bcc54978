// A native <select> that looks like components/input.tsx: same height, border, focus
// ring and error look. Native on purpose: keyboard, screen readers and phones all know it.
import type { ComponentProps } from "react";
import { cx } from "@/components/cx";

export function Select({ className, invalid, children, ...props }: ComponentProps<"select"> & { invalid?: boolean }) {
  return (
    <div className={cx("relative", className)}>
      <select
        aria-invalid={invalid || undefined}
        className={cx(
          "block h-10 w-full appearance-none rounded-lg border bg-surface pl-3 pr-9 text-[15px] text-ink shadow-sm transition-colors",
          "focus:outline-none focus-visible:outline-none focus:ring-2 focus:ring-offset-0",
          invalid
            ? "border-red-500 focus:border-red-500 focus:ring-red-200"
            : "border-line-strong hover:border-zinc-400 focus:border-accent-500 focus:ring-accent-100",
          "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-ink-subtle",
        )}
        {...props}
      >
        {children}
      </select>
      <svg
        viewBox="0 0 20 20"
        fill="currentColor"
        className="pointer-events-none absolute right-3 top-1/2 size-4 -translate-y-1/2 text-ink-subtle"
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
