// /dashboard/approvals — requests from agents that wait for the signed-in person (docs/dashboard.md#dashboard):
// the ones waiting first, each read as a sentence with its answers, then the recent
// decisions. After a decision the action redirects here with ?decided=<id>, and the
// outcome is said at the top.
import type { Metadata } from "next";
import { PendingApprovalCard, RecentApprovalRow } from "@/app/dashboard/approvals/approval-card";
import { AutoRefresh } from "@/app/dashboard/approvals/auto-refresh";
import { Alert } from "@/components/alert";
import { ButtonLink } from "@/components/button";
import { Card, CardHeader } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { approvalForUser, approvalsForDashboard } from "@/lib/approvals/dashboard";
import { decisionOutcome } from "@/lib/approvals/decide";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Approvals" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser({ returnTo: "/dashboard/approvals" });
  const { decided } = await searchParams;
  const [{ pending, recent }, justDecided] = await Promise.all([
    approvalsForDashboard(user.id),
    typeof decided === "string" ? approvalForUser(user.id, decided) : Promise.resolve(undefined),
  ]);
  const now = Date.now();

  return (
    <div className="space-y-6">
      <AutoRefresh />
      <PageHeader
        title="Approvals"
        description="When an agent needs your say-so — a scope its token asks you about every time, or something beyond its grant — the request waits here for up to 15 minutes."
      />

      {justDecided && justDecided.status !== "pending" ? (
        <Alert tone={justDecided.status === "denied" ? "info" : "success"} title={decisionOutcome(justDecided).title}>
          {decisionOutcome(justDecided).detail}
        </Alert>
      ) : null}

      <section aria-labelledby="waiting-heading" className="space-y-3">
        <div className="flex items-baseline justify-between gap-3">
          <h2 id="waiting-heading" className="text-base font-semibold text-ink">
            Waiting for you
            {pending.length > 0 ? (
              <span className="ml-2 text-sm font-normal text-ink-subtle">{pending.length}</span>
            ) : null}
          </h2>
        </div>
        {pending.length === 0 ? (
          <Card className="px-5 py-8 text-center sm:px-8">
            <svg
              viewBox="0 0 24 24"
              className="mx-auto size-9 text-accent-500"
              fill="none"
              stroke="currentColor"
              strokeWidth={1.5}
              aria-hidden="true"
            >
              <circle cx="12" cy="12" r="9" />
              <path d="m8.5 12.2 2.3 2.3 4.7-5" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            <p className="mt-3 text-[15px] font-medium text-ink">Nothing waiting</p>
            <p className="mx-auto mt-1 max-w-md text-sm text-ink-muted">
              Agents ask here when their token needs your approval for a scope, or when they set{" "}
              <code>request_approval</code> for something they are not granted. This page updates by itself.
            </p>
            <div className="mt-4">
              <ButtonLink href="/dashboard/tokens" variant="secondary" size="sm">
                Review token settings
              </ButtonLink>
            </div>
          </Card>
        ) : (
          <ul className="space-y-3">
            {pending.map((a) => (
              <li key={a.id}>
                <PendingApprovalCard approval={a} now={now} returnTo="list" />
              </li>
            ))}
          </ul>
        )}
      </section>

      <Card aria-labelledby="recent-heading">
        <CardHeader
          title={<span id="recent-heading">Recent decisions</span>}
          description="Approved, denied and expired requests, the newest first."
        />
        {recent.length === 0 ? (
          <p className="px-5 py-4 text-sm text-ink-muted">No decisions yet.</p>
        ) : (
          <ul className="divide-y divide-line">
            {recent.map((a) => (
              <RecentApprovalRow key={a.id} approval={a} now={now} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
