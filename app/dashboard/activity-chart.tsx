"use client";
// The overview's activity chart (docs/dashboard.md#dashboard): the last 24 hours in hourly bars, each split
// into allowed, denied and flagged (disjoint: a flagged event counts only as flagged).
// What is counted is decided in db/queries/audit.ts (ACTIVITY_EVENTS): exchanges and
// proxied requests. A bar opens that hour in the audit log. Screen readers get the same
// numbers as a sentence and a table; the chart itself is decoration for them.
import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { formatCount } from "@/app/dashboard/audit/format";
import { auditViewSearch, EMPTY_VIEW } from "@/lib/audit/view-params";

export type ActivityPoint = { start: string; allowed: number; denied: number; flagged: number; exchanges: number };

const SERIES = [
  { key: "allowed", label: "Allowed", color: "#818cf8" /* accent-400 */ },
  { key: "denied", label: "Denied", color: "#f87171" /* red-400 */ },
  { key: "flagged", label: "Flagged", color: "#f59e0b" /* amber-500 */ },
] as const;

const HOUR_MS = 3_600_000;

function hourLabel(iso: string): string {
  return `${iso.slice(11, 13)}:00`;
}

function ChartTooltip({ active, payload }: TooltipContentProps<number, string>) {
  const point = payload?.[0]?.payload as ActivityPoint | undefined;
  if (!active || !point) return null;
  const total = point.allowed + point.denied + point.flagged;
  const end = new Date(new Date(point.start).getTime() + HOUR_MS).toISOString();
  return (
    <div className="min-w-44 rounded-lg border border-line bg-surface px-3 py-2 text-xs shadow-lg">
      <p className="font-medium text-ink">
        {hourLabel(point.start)}–{hourLabel(end)} UTC
      </p>
      <dl className="mt-1.5 space-y-1">
        {SERIES.map((s) => (
          <div key={s.key} className="flex items-center justify-between gap-4">
            <dt className="flex items-center gap-1.5 text-ink-muted">
              <span className="size-2 rounded-sm" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </dt>
            <dd className="font-medium tabular-nums text-ink">{formatCount(point[s.key])}</dd>
          </div>
        ))}
      </dl>
      {total > 0 ? (
        <p className="mt-1.5 border-t border-line pt-1.5 text-ink-subtle">
          {formatCount(total - point.exchanges)} requests · {formatCount(point.exchanges)} exchanges
        </p>
      ) : null}
    </div>
  );
}

export function ActivityChart({ data }: { data: ActivityPoint[] }) {
  const router = useRouter();
  const totals = SERIES.map((s) => ({ ...s, total: data.reduce((n, p) => n + p[s.key], 0) }));
  const empty = totals.every((t) => t.total === 0);
  const busiest = data.reduce(
    (best, p) => (p.allowed + p.denied + p.flagged > best.allowed + best.denied + best.flagged ? p : best),
    data[0],
  );

  const openHour = (point: ActivityPoint) => {
    const from = point.start;
    const to = new Date(new Date(point.start).getTime() + HOUR_MS - 1).toISOString();
    router.push(`/dashboard/audit${auditViewSearch({ ...EMPTY_VIEW, range: "custom", from, to })}`);
  };

  return (
    <figure className="space-y-3">
      <ul className="flex flex-wrap gap-x-5 gap-y-1 text-sm" aria-hidden="true">
        {totals.map((t) => (
          <li key={t.key} className="flex items-center gap-2">
            <span className="size-2.5 rounded-sm" style={{ background: t.color }} />
            <span className="text-ink-muted">{t.label}</span>
            <span className="font-semibold tabular-nums text-ink">{formatCount(t.total)}</span>
          </li>
        ))}
      </ul>
      <div className="relative h-56" aria-hidden="true">
        <BarChart
          responsive
          style={{ width: "100%", height: "100%" }}
          data={data}
          margin={{ top: 8, right: 4, bottom: 0, left: -12 }}
          barCategoryGap="18%"
          accessibilityLayer={false}
        >
          <CartesianGrid vertical={false} stroke="#e4e4e7" />
          <XAxis
            dataKey="start"
            tickFormatter={hourLabel}
            interval="preserveStartEnd"
            minTickGap={24}
            tickLine={false}
            axisLine={{ stroke: "#d4d4d8" }}
            tick={{ fontSize: 11, fill: "#71717a" }}
          />
          <YAxis
            allowDecimals={false}
            tickLine={false}
            axisLine={false}
            width={44}
            tick={{ fontSize: 11, fill: "#71717a" }}
          />
          {empty ? null : (
            <Tooltip
              cursor={{ fill: "#f4f4f5" }}
              content={(props) => <ChartTooltip {...(props as TooltipContentProps<number, string>)} />}
            />
          )}
          {SERIES.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="activity"
              fill={s.color}
              isAnimationActive={false}
              radius={i === SERIES.length - 1 ? [3, 3, 0, 0] : 0}
              cursor="pointer"
              onClick={(bar) => openHour(bar.payload as ActivityPoint)}
            />
          ))}
        </BarChart>
        {empty ? (
          <div className="absolute inset-0 grid place-items-center">
            <p className="rounded-lg bg-surface/90 px-3 py-1.5 text-sm text-ink-muted">
              No agent activity in the last 24 hours
            </p>
          </div>
        ) : null}
      </div>
      <figcaption className="sr-only">
        {empty
          ? "No exchanges or proxied requests in the last 24 hours."
          : `In the last 24 hours: ${totals.map((t) => `${formatCount(t.total)} ${t.label.toLowerCase()}`).join(", ")}. Busiest hour: ${hourLabel(busiest.start)} UTC.`}
      </figcaption>
      <table className="sr-only">
        <caption>Exchanges and proxied requests per hour, UTC</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            {SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data
            .filter((p) => p.allowed + p.denied + p.flagged > 0)
            .map((p) => (
              <tr key={p.start}>
                <th scope="row">{hourLabel(p.start)}</th>
                <td>{p.allowed}</td>
                <td>{p.denied}</td>
                <td>{p.flagged}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
