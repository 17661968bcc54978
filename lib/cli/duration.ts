// Durations on the command line: `30d`, `12h`, `90m`, `45s`, `2w`.
import { UsageError } from "@/lib/cli/command";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function parseDuration(value: string, option: string): number {
  const match = /^(\d+)\s*([smhdw])$/i.exec(value.trim());
  if (!match || Number(match[1]) <= 0)
    throw new UsageError(`${option} takes a duration such as 90m, 12h, 30d or 2w (got "${value}")`);
  return Number(match[1]) * UNIT_SECONDS[match[2].toLowerCase()];
}
