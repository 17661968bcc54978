// The okoro mark and wordmark.
import Link from "next/link";
import { cx } from "@/components/cx";

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cx("size-7", className)} aria-hidden="true">
      <rect width="32" height="32" rx="8" className="fill-accent-600" />
      <circle cx="16" cy="16" r="8" fill="none" stroke="#fff" strokeWidth="3" />
      <circle cx="16" cy="16" r="2.5" fill="#fff" />
    </svg>
  );
}

export function Logo({ href = "/", className }: { href?: string; className?: string }) {
  return (
    <Link
      href={href}
      className={cx(
        "inline-flex items-center gap-2 rounded-md text-[17px] font-semibold tracking-tight text-ink",
        className,
      )}
    >
      <LogoMark />
      <span>okoro</span>
    </Link>
  );
}
