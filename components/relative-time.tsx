// Times as a person reads them in tables and cards: "just now", "4 min ago", "in 29 days",
// with the exact UTC time in the tooltip and the machine-readable one in dateTime. `now`
// comes from the server's render, so server and client print the same words (no
// hydration mismatch) and a page reads consistently from top to bottom.
import { cx } from "@/components/cx";

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "12 min ago", "3 h ago", "yesterday", "5 days ago", "in 2 months". */
export function formatRelative(date: Date, now: number): string {
  const diff = Math.round((now - date.getTime()) / 1000);
  const s = Math.abs(diff);
  const past = diff >= 0;
  if (s < 45) return past ? "just now" : "in a moment";
  let span: string;
  if (s < HOUR) span = `${Math.max(1, Math.round(s / MINUTE))} min`;
  else if (s < DAY) span = `${Math.round(s / HOUR)} h`;
  else {
    const days = Math.round(s / DAY);
    if (days === 1) return past ? "yesterday" : "tomorrow";
    if (days < 45) span = `${days} days`;
    else if (days < 365) span = `${Math.round(days / 30)} months`;
    else {
      const years = Math.round(days / 365);
      span = years === 1 ? "1 year" : `${years} years`;
    }
  }
  return past ? `${span} ago` : `in ${span}`;
}

/** "2026-03-01 14:05 UTC": exact, and the same for every reader wherever they are. */
export function formatExact(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function RelativeTime({ date, now, className }: { date: Date; now: number; className?: string }) {
  return (
    <time dateTime={date.toISOString()} title={formatExact(date)} className={cx("whitespace-nowrap", className)}>
      {formatRelative(date, now)}
    </time>
  );
}
