// Text inputs. `invalid` switches to the error look and sets aria-invalid.
import type { ComponentProps } from "react";
import { cx } from "@/components/cx";

export function Input({ className, invalid, ...props }: ComponentProps<"input"> & { invalid?: boolean }) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cx(
        "block h-10 w-full rounded-lg border bg-surface px-3 text-[15px] text-ink shadow-sm transition-colors placeholder:text-ink-subtle",
        "focus:outline-none focus-visible:outline-none focus:ring-2 focus:ring-offset-0",
        invalid
          ? "border-red-500 focus:border-red-500 focus:ring-red-200"
          : "border-line-strong hover:border-zinc-400 focus:border-accent-500 focus:ring-accent-100",
        "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-ink-subtle",
        className,
      )}
      {...props}
    />
  );
}
