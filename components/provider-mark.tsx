// A provider's mark: its initial on a colour of its own, so a row or card is recognised
// before it is read. Letters rather than logos: no trademarked artwork to ship, and the
// name is always printed next to it (the mark is decorative).
import { cx } from "@/components/cx";

const COLORS: Record<string, string> = {
  trello: "bg-sky-600",
  github: "bg-zinc-800",
  gmail: "bg-red-600",
  "google-drive": "bg-emerald-600",
  notion: "bg-zinc-900",
  slack: "bg-fuchsia-800",
  openai: "bg-teal-700",
  anthropic: "bg-orange-700",
  stripe: "bg-indigo-600",
};

const SIZES = {
  sm: "size-6 rounded-md text-[11px]",
  md: "size-9 rounded-lg text-sm",
} as const;

export function ProviderMark({
  id,
  name,
  size = "md",
  className,
}: {
  id: string;
  name: string;
  size?: keyof typeof SIZES;
  className?: string;
}) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        "grid shrink-0 place-items-center font-semibold text-white",
        SIZES[size],
        COLORS[id] ?? "bg-accent-600",
        className,
      )}
    >
      {name.charAt(0).toUpperCase()}
    </span>
  );
}
