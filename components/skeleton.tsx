// Grey placeholders for a loading page: the shape of what is coming, so the layout does
// not jump when it arrives. Decorative; the loading region itself says "Loading…".
import { cx } from "@/components/cx";

export function Skeleton({ className }: { className?: string }) {
  return <span aria-hidden="true" className={cx("block animate-pulse rounded-md bg-zinc-200/70", className)} />;
}
