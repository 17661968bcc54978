// /dashboard — the overview (docs/dashboard.md#dashboard): what needs the person's attention (approvals
// waiting, connections that stopped working, leaked tokens, a broken audit chain), the
// last 24 hours of agent activity, pending approvals, connection and token counts, and
// the latest flagged events. Until an agent has made its first exchange, a checklist
// walks through the three steps that get there; a brand-new account sees only that.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ActivityChart } from "@/app/dashboard/activity-chart";
import { ChainStatus } from "@/app/dashboard/audit/chain-status";
import { FlagBadges } from "@/app/dashboard/audit/event-bits";
import { formatCount, formatFullTime } from "@/app/dashboard/audit/format";
import { Alert } from "@/components/alert";
import { ButtonLink } from "@/components/button";
import { Card, CardHeader } from "@/components/card";
import { cx } from "@/components/cx";
import { PageHeader } from "@/components/page-header";
import { formatRelative } from "@/components/relative-time";
import { overviewData, providerNames, type OverviewData } from "@/lib/audit/dashboard";
import { auditViewSearch, EMPTY_VIEW } from "@/lib/audit/view-params";
import { requireUser } from "@/lib/auth/session";
import { PROVIDER_IDS } from "@/lib/providers/catalog";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

const STEPS = [
  {
    key: "connected",
    title: "Connect a provider",
    body: "Sign in to GitHub, Gmail, Notion, Slack, Trello — or paste an API key. The credential is encrypted and never leaves okoro.",
    href: "/dashboard/connections",
    cta: "Open connections",
  },
  {
    key: "token",
    title: "Create a service token",
    body: "One token per agent. Choose which providers and scopes it may ask for, how long its tokens live, and what needs your approval.",
    href: "/dashboard/tokens",
    cta: "Create a token",
  },
  {
    key: "exchanged",
    title: "Point your agent at okoro",
    body: "The agent swaps its service token for a short-lived, scoped token and calls the API through okoro's proxy.",
    href: "/docs",
    cta: "Read the docs",
  },
] as const;

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function Check({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className={className} aria-hidden="true">
      <path
        fillRule="evenodd"
        d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

function GettingStarted({ setup, first }: { setup: OverviewData["setup"]; first: boolean }) {
  const next = STEPS.findIndex((s) => !setup[s.key]);
  return (
    <section aria-labelledby="steps-heading" className="space-y-3">
      <h2 id="steps-heading" className={first ? "sr-only" : "text-base font-semibold text-ink"}>
        Getting started{" "}
        <span className="ml-1 text-sm font-normal text-ink-subtle">
          {STEPS.filter((s) => setup[s.key]).length} of 3 done
        </span>
      </h2>
      <ol className="grid gap-4 lg:grid-cols-3">
        {STEPS.map((step, i) => {
          const done = setup[step.key];
          return (
            <li key={step.key}>
              <Card className={cx("flex h-full flex-col p-5", done && "bg-zinc-50/60")}>
                <div className="flex items-center gap-3">
                  <span
                    className={cx(
                      "grid size-7 shrink-0 place-items-center rounded-full text-sm font-semibold",
                      done
                        ? "bg-emerald-100 text-emerald-700"
                        : i === next
                          ? "bg-accent-600 text-white"
                          : "bg-zinc-100 text-ink-muted",
                    )}
                    aria-hidden="true"
                  >
                    {done ? <Check className="size-4" /> : i + 1}
                  </span>
                  <h3 className={cx("text-[15px] font-semibold", done ? "text-ink-muted" : "text-ink")}>
                    {step.title}
                    {done ? <span className="sr-only"> (done)</span> : null}
                  </h3>
                </div>
                <p className="mt-3 flex-1 text-sm text-ink-muted">{step.body}</p>
                <div className="mt-4">
                  <ButtonLink href={step.href} variant={i === next ? "primary" : "secondary"} size="sm">
                    {step.cta}
                  </ButtonLink>
                </div>
              </Card>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function AttentionItem({
  tone,
  href,
  cta,
  children,
}: {
  tone: "warning" | "danger" | "accent";
  href: string;
  cta: string;
  children: ReactNode;
}) {
  const dot = { warning: "bg-amber-500", danger: "bg-red-500", accent: "bg-accent-500" }[tone];
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-5 py-3">
      <p className="flex min-w-0 items-start gap-2.5 text-sm text-ink">
        <span className={cx("mt-1.5 size-2 shrink-0 rounded-full", dot)} aria-hidden="true" />
        <span>{children}</span>
      </p>
      <Link
        href={href}
        className="shrink-0 rounded text-sm font-medium text-accent-700 hover:text-accent-800 hover:underline"
      >
        {cta} <span aria-hidden="true">→</span>
      </Link>
    </li>
  );
}

function NeedsAttention({ data }: { data: OverviewData }) {
  const items: ReactNode[] = [];
  if (data.pendingApprovals > 0) {
    items.push(
      <AttentionItem key="approvals" tone="accent" href="/dashboard/approvals" cta="Review">
        <strong className="font-semibold">
          {data.pendingApprovals === 1 ? "1 request is" : `${data.pendingApprovals} requests are`} waiting for your
          approval.
        </strong>{" "}
        The agents are blocked until you answer.
      </AttentionItem>,
    );
  }
  for (const c of data.connections.attention) {
    items.push(
      <AttentionItem key={`con-${c.provider}`} tone="danger" href="/dashboard/connections" cta="Reconnect">
        <strong className="font-semibold">
          {c.name} {c.status === "expired" ? "connection expired" : "connection has an error"}.
        </strong>{" "}
        {c.detail ?? "Agents' calls to it are refused until you reconnect it."}
      </AttentionItem>,
    );
  }
  for (const t of data.tokens.leaked) {
    items.push(
      <AttentionItem key={`leak-${t.id}`} tone="danger" href="/dashboard/tokens" cta="Review tokens">
        <strong className="font-semibold">The service token of {t.name} was reported as leaked</strong> and revoked
        {t.at ? ` ${formatRelative(new Date(t.at), Date.now())}` : ""}. Give the agent a new token.
      </AttentionItem>,
    );
  }
  return (
    <Card aria-labelledby="attention-heading">
      <CardHeader title={<span id="attention-heading">Needs attention</span>} />
      {items.length > 0 ? (
        <ul className="divide-y divide-line" data-testid="attention-items">
          {items}
        </ul>
      ) : (
        <p className="flex items-center gap-2 px-5 py-3 text-sm text-ink-muted">
          <Check className="size-4 text-emerald-600" />
          Nothing is waiting for you: no approvals, and every connection works.
        </p>
      )}
      <div className="border-t border-line px-5 py-3">
        <ChainStatus bare />
      </div>
    </Card>
  );
}

function Tile({
  href,
  label,
  value,
  detail,
  tone,
}: {
  href: string;
  label: string;
  value: ReactNode;
  detail: ReactNode;
  tone?: "accent" | "danger";
}) {
  return (
    <Link href={href} className="group block rounded-card">
      <Card className="h-full p-4 transition-colors group-hover:border-line-strong group-hover:bg-zinc-50/60">
        <p className="text-sm text-ink-muted">{label}</p>
        <p
          className={cx(
            "mt-1 text-2xl font-semibold tabular-nums tracking-tight",
            tone === "accent" ? "text-accent-700" : tone === "danger" ? "text-red-700" : "text-ink",
          )}
        >
          {value}
        </p>
        <p className="mt-0.5 text-sm text-ink-subtle">{detail}</p>
      </Card>
    </Link>
  );
}

export default async function OverviewPage() {
  const user = await requireUser();
  const name = user.name?.trim().split(/\s+/)[0];
  let data: OverviewData;
  try {
    data = await overviewData(user.id);
  } catch (e) {
    // keep the dashboard's frame and navigation: only this page's numbers are missing
    console.error("[okoro] the overview could not load:", e);
    return (
      <div className="space-y-6">
        <PageHeader title="Overview" />
        <Alert tone="error" title="The overview could not load">
          Something went wrong on okoro&apos;s side; nothing was changed.{" "}
          <a href="/dashboard" className="font-medium underline">
            Try again
          </a>{" "}
          in a moment, or open the{" "}
          <Link href="/dashboard/audit" className="font-medium underline">
            audit log
          </Link>
          .
        </Alert>
      </div>
    );
  }
  const setupDone = data.setup.connected && data.setup.token && data.setup.exchanged;
  const brandNew = !data.setup.connected && !data.setup.token && !data.setup.exchanged;
  const now = Date.now();
  const names = providerNames(PROVIDER_IDS);
  const { totals } = data;

  if (brandNew) {
    return (
      <div className="space-y-6">
        <PageHeader
          title={name ? `Welcome, ${name}` : "Welcome to okoro"}
          description="Three steps from here to an agent that works with your accounts — without ever holding their credentials."
        />
        <GettingStarted setup={data.setup} first />
        <Card>
          <CardHeader
            title="How a call flows"
            description="What happens every time one of your agents touches an API."
          />
          <dl className="grid gap-px overflow-hidden rounded-b-card bg-line sm:grid-cols-2 lg:grid-cols-4">
            {[
              [
                "Exchange",
                "The agent trades its service token for an operation token: one provider, one scope, a stated intent, minutes to live.",
              ],
              [
                "Check",
                "okoro verifies the token, works out what the request does, and refuses anything outside its scope.",
              ],
              ["Inject", "The real credential is added on the way out. The agent never sees it."],
              ["Record", "Every decision lands in your hash-chained audit log, with unusual intents flagged."],
            ].map(([term, detail]) => (
              <div key={term} className="bg-surface px-5 py-4">
                <dt className="text-sm font-medium text-ink">{term}</dt>
                <dd className="mt-1 text-sm text-ink-muted">{detail}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <p className="text-sm text-ink-subtle">
          Signed in as <span className="font-medium text-ink-muted">{user.email}</span>. Activity, pending approvals and
          flagged events will show up here once your agents start calling.{" "}
          <Link href="/docs" className="rounded text-accent-700 hover:underline">
            See the docs
          </Link>
          .
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title={setupDone ? "Overview" : name ? `Welcome, ${name}` : "Welcome to okoro"}
        description={
          setupDone
            ? "What your agents did in the last 24 hours, and what needs you."
            : "A step or two left before your first agent is working through okoro."
        }
        action={
          <ButtonLink href="/dashboard/audit" variant="secondary" size="sm">
            Open the audit log
          </ButtonLink>
        }
      />

      {setupDone ? null : <GettingStarted setup={data.setup} first={false} />}

      <NeedsAttention data={data} />

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2" aria-labelledby="activity-heading">
          <CardHeader
            title={<span id="activity-heading">Activity, last 24 hours</span>}
            description={`${plural(totals.requests, "proxied request")} and ${plural(totals.exchanges, "token exchange")}, by hour (UTC).`}
          />
          <div className="px-3 pb-4 pt-3 sm:px-5">
            <ActivityChart data={data.activity} />
          </div>
        </Card>
        <div className="grid content-start gap-4 sm:grid-cols-3 lg:grid-cols-1">
          <Tile
            href="/dashboard/approvals"
            label="Pending approvals"
            value={formatCount(data.pendingApprovals)}
            detail={data.pendingApprovals > 0 ? "waiting for your answer" : "nothing waiting"}
            tone={data.pendingApprovals > 0 ? "accent" : undefined}
          />
          <Tile
            href="/dashboard/connections"
            label="Connections"
            value={`${data.connections.active} of ${PROVIDER_IDS.length}`}
            detail={
              data.connections.attention.length > 0
                ? `${data.connections.attention.length} need${data.connections.attention.length === 1 ? "s" : ""} reconnecting`
                : data.connections.total > 0
                  ? "providers connected, all working"
                  : "providers connected"
            }
            tone={data.connections.attention.length > 0 ? "danger" : undefined}
          />
          <Tile
            href="/dashboard/tokens"
            label="Service tokens"
            value={`${data.tokens.active} active`}
            detail={
              [
                data.tokens.revoked > 0 ? `${data.tokens.revoked} revoked` : null,
                data.tokens.expired > 0 ? `${data.tokens.expired} expired` : null,
              ]
                .filter(Boolean)
                .join(" · ") || (data.tokens.total === 0 ? "none yet" : "none revoked or expired")
            }
          />
        </div>
      </div>

      <Card aria-labelledby="flagged-heading">
        <CardHeader
          title={<span id="flagged-heading">Recent flagged events</span>}
          description="Intents that do not match what the agent did, other providers named, scope all, replays."
          action={
            data.flagged.length > 0 ? (
              <Link
                href={`/dashboard/audit${auditViewSearch({ ...EMPTY_VIEW, flagged: true })}`}
                className="rounded text-sm font-medium text-accent-700 hover:underline"
              >
                All flagged events <span aria-hidden="true">→</span>
              </Link>
            ) : undefined
          }
        />
        {data.flagged.length === 0 ? (
          <p className="px-5 py-4 text-sm text-ink-muted">
            No flagged events. okoro flags an event when an agent&apos;s stated intent does not match what it asked for
            or did.
          </p>
        ) : (
          <ul className="divide-y divide-line" data-testid="recent-flagged">
            {data.flagged.map((e) => (
              <li key={e.id}>
                <Link
                  href={`/dashboard/audit${auditViewSearch({ ...EMPTY_VIEW, flagged: true, id: e.id })}`}
                  className="flex flex-col gap-1.5 px-5 py-3 transition-colors hover:bg-zinc-50/70 sm:flex-row sm:items-start sm:gap-4"
                >
                  <div className="min-w-0 flex-1 space-y-1">
                    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                      <span className="font-medium text-ink">{e.agent ?? "Unknown agent"}</span>
                      <span className="font-mono text-[12.5px] text-ink-muted">{e.event}</span>
                      {e.provider ? <span className="text-ink-muted">on {names[e.provider] ?? e.provider}</span> : null}
                      <FlagBadges flags={e.flags} reason={e.flagReason} plain />
                    </p>
                    <p className="line-clamp-2 text-sm text-ink-muted">{e.flagReason}</p>
                  </div>
                  <time
                    dateTime={e.at}
                    title={formatFullTime(e.at)}
                    className="shrink-0 text-xs text-ink-subtle sm:pt-0.5"
                  >
                    {formatRelative(new Date(e.at), now)}
                  </time>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
