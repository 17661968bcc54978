// /dashboard/approvals/{id} — the approval_url an agent hands its person (docs/agent-api.md#exchange): one
// request, in full, with its answers while it waits and its outcome afterwards. Someone
// else's request is a 404, the same as one that does not exist.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import {
  ApprovalSentence,
  ApprovalTraits,
  PendingApprovalCard,
  StatusBadge,
} from "@/app/dashboard/approvals/approval-card";
import { AutoRefresh } from "@/app/dashboard/approvals/auto-refresh";
import { ago, exact } from "@/app/dashboard/approvals/time";
import { Alert } from "@/components/alert";
import { Card, CardHeader } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { approvalForUser } from "@/lib/approvals/dashboard";
import { decisionOutcome } from "@/lib/approvals/decide";
import { effectiveStatus, formatDuration, providerName, scopeConsequence } from "@/lib/approvals/describe";
import { requireUser } from "@/lib/auth/session";
import { HeldRequest } from "@/app/dashboard/approvals/[id]/held-request";
import { heldForUser } from "@/lib/held/describe";

export const metadata: Metadata = { title: "Approval request" };
export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const AFTERWARDS: Record<string, string> = {
  approved: "Approved. The agent has not collected its token yet; it does so on its next check.",
  used: "Approved, and the agent has collected its token.",
  denied: "Denied. The agent was told no.",
  expired: "Nobody decided within 15 minutes, so the request expired. The agent has to ask again.",
};

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5 px-5 py-3 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-ink-muted">{term}</dt>
      <dd className="min-w-0 break-words text-sm text-ink">{children}</dd>
    </div>
  );
}

function When({ date, now }: { date: Date; now: number }) {
  return (
    <>
      <time dateTime={date.toISOString()}>{exact(date)}</time>{" "}
      <span className="text-ink-subtle">({ago(date, now)})</span>
    </>
  );
}

export default async function ApprovalPage({ params, searchParams }: Props) {
  const { id } = await params;
  const user = await requireUser({ returnTo: `/dashboard/approvals/${encodeURIComponent(id)}` });
  const approval = await approvalForUser(user.id, id);
  if (!approval) notFound();
  const { decided } = await searchParams;
  const now = Date.now();
  const status = effectiveStatus(approval);
  const provider = providerName(approval.provider);
  const outcome = decisionOutcome(approval);
  // a held request: the request itself is what the person approves
  const held = approval.kind === "held" ? await heldForUser(user.id, approval.id) : null;

  return (
    <div className="space-y-6">
      {status === "pending" ? <AutoRefresh /> : null}
      <div className="space-y-3">
        <Link
          href="/dashboard/approvals"
          className="inline-flex items-center gap-1 rounded text-sm font-medium text-accent-700 hover:text-accent-800 hover:underline"
        >
          <span aria-hidden="true">←</span> All approvals
        </Link>
        {/* while it waits, the card below leads with the sentence; afterwards the header does */}
        <PageHeader
          title="Approval request"
          description={
            status === "pending" ? (
              `${approval.agent} is waiting for your answer.`
            ) : (
              <ApprovalSentence approval={approval} as="span" />
            )
          }
          action={<StatusBadge approval={approval} />}
        />
      </div>

      {status === "pending" ? (
        <PendingApprovalCard approval={approval} now={now} returnTo="detail" />
      ) : approval.kind === "held" ? (
        <Alert tone={status === "denied" || status === "expired" ? "info" : "success"}>
          {status === "denied"
            ? "Denied. Nothing was sent; the agent was told no."
            : status === "expired"
              ? "Nobody decided within 15 minutes, so nothing was sent."
              : "Approved. okoro sends this request once; the agent collects the answer."}
        </Alert>
      ) : decided && status !== "expired" ? (
        // just decided here: say what the decision does
        <Alert tone={status === "denied" ? "info" : "success"} title={outcome.title}>
          {outcome.detail}
        </Alert>
      ) : (
        <Alert tone={status === "denied" || status === "expired" ? "info" : "success"}>{AFTERWARDS[status]}</Alert>
      )}

      {held ? <HeldRequest held={held} /> : null}

      <Card>
        <CardHeader title="Details" />
        <dl className="divide-y divide-line">
          <Detail term="Agent">{approval.agent}</Detail>
          <Detail term="Provider">{provider}</Detail>
          <Detail term="Scope">
            <span className="font-medium">{approval.scope}</span> — {scopeConsequence(approval.scope)}
          </Detail>
          <Detail term="Intent">
            <q>{approval.intent}</q>
          </Detail>
          {approval.reason ? <Detail term="Reason">{approval.reason}</Detail> : null}
          <Detail term="Why it asks">
            {[
              approval.beyondGrant
                ? `The token is not granted ${approval.scope} on ${provider}; the agent asked for it.`
                : `The token is granted ${approval.scope} on ${provider}.`,
              approval.tokenApprovalScopes.includes(approval.scope)
                ? `Its settings ask you every time for ${approval.scope}.`
                : "",
            ].join(" ")}
          </Detail>
          {approval.kind === "held" ? null : (
            <Detail term="Token">
              {approval.scope === "all" ? "Valid 60 seconds at most" : `Valid ${formatDuration(approval.ttl)}`}
              {approval.singleUse ? ", single use" : ""}, counted from when the agent collects it
            </Detail>
          )}
          <Detail term="Marks">
            <ApprovalTraits approval={approval} />
          </Detail>
          <Detail term="Requested">
            <When date={approval.createdAt} now={now} />
          </Detail>
          {approval.decidedAt ? (
            <Detail term="Decided">
              <When date={approval.decidedAt} now={now} />
            </Detail>
          ) : (
            <Detail term={status === "expired" ? "Expired" : "Expires"}>
              <When date={approval.expiresAt} now={now} />
            </Detail>
          )}
          <Detail term="Request id">
            <code className="text-[13px]">{approval.id}</code>
          </Detail>
        </dl>
      </Card>
    </div>
  );
}
