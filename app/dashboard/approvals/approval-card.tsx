// How one approval request looks: the sentence ("research-agent wants to delete on
// Trello: “clean up archived cards”"), what is special about it (beyond the grant, scope
// all, single use), when it came and how long is left, and the three answers.
import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/badge";
import { Countdown } from "@/app/dashboard/approvals/countdown";
import { DecisionForm } from "@/app/dashboard/approvals/decision-form";
import { ago, exact } from "@/app/dashboard/approvals/time";
import { Card } from "@/components/card";
import type { ApprovalStatus, ApprovalView } from "@/lib/approvals/dashboard";
import {
  effectiveStatus,
  formatDuration,
  heldRequestLine,
  providerName,
  scopeConsequence,
  sentenceParts,
} from "@/lib/approvals/describe";

export function ApprovalSentence({
  approval,
  as: Tag = "p",
  className,
}: {
  approval: ApprovalView;
  as?: "p" | "h2" | "h3" | "span";
  className?: string;
}) {
  const p = sentenceParts(approval);
  return (
    <Tag className={className}>
      <strong className="font-semibold text-ink">{p.agent}</strong> wants to{" "}
      <strong className="font-semibold text-ink">{p.action}</strong> on{" "}
      <strong className="font-semibold text-ink">{p.provider}</strong>:{" "}
      <q className="break-words text-ink">{p.intent}</q>
    </Tag>
  );
}

const STATUS: Record<ApprovalStatus, { label: string; tone: BadgeTone }> = {
  pending: { label: "Waiting for you", tone: "accent" },
  approved: { label: "Approved · not collected yet", tone: "success" },
  used: { label: "Approved · token collected", tone: "success" },
  denied: { label: "Denied", tone: "danger" },
  expired: { label: "Expired", tone: "neutral" },
};

export function StatusBadge({ approval }: { approval: ApprovalView }) {
  const s = STATUS[effectiveStatus(approval)];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

function tokenInactive(a: ApprovalView, now: number): "revoked" | "expired" | null {
  if (a.tokenRevokedAt) return "revoked";
  if (a.tokenExpiresAt && a.tokenExpiresAt.getTime() <= now) return "expired";
  return null;
}

/** The badges that change how a person should read the request. */
export function ApprovalTraits({ approval }: { approval: ApprovalView }) {
  return (
    <div className="flex flex-wrap gap-1.5">
      {approval.scope === "all" ? (
        <Badge tone="danger" title="Every use is flagged; the token lives 60 seconds at most">
          Scope all
        </Badge>
      ) : null}
      {approval.beyondGrant ? (
        <Badge tone="warning" title="The token is not granted this; the agent asked for it">
          Beyond its grant
        </Badge>
      ) : null}
      {approval.tokenApprovalScopes.includes(approval.scope) ? (
        <Badge title="The token's settings ask you every time for this scope">Asks every time</Badge>
      ) : null}
      {approval.singleUse ? <Badge title="The operation token works for one request">Single use</Badge> : null}
      {approval.remember ? <Badge tone="success">Remembered</Badge> : null}
    </div>
  );
}

/** A request still waiting: everything needed to decide, and the buttons. */
export function PendingApprovalCard({
  approval,
  now,
  returnTo,
}: {
  approval: ApprovalView;
  now: number;
  returnTo: "list" | "detail";
}) {
  const provider = providerName(approval.provider);
  const inactive = tokenInactive(approval, now);
  const asksEveryTime = approval.tokenApprovalScopes.includes(approval.scope);
  return (
    <Card className="p-4 sm:p-5">
      <div className="flex items-start gap-3">
        <span
          className="mt-0.5 hidden size-9 shrink-0 place-items-center rounded-full bg-accent-100 text-sm font-semibold text-accent-800 sm:grid"
          aria-hidden="true"
        >
          {approval.agent.charAt(0).toUpperCase()}
        </span>
        <div className="min-w-0 flex-1 space-y-3">
          <div className="space-y-2">
            {/* h3 under the list's "Waiting for you", h2 on the request's own page */}
            <ApprovalSentence
              approval={approval}
              as={returnTo === "list" ? "h3" : "h2"}
              className="text-[15px] font-normal leading-6 text-ink-muted"
            />
            <ApprovalTraits approval={approval} />
          </div>

          {approval.reason ? (
            <div className="rounded-lg border border-line bg-zinc-50 px-3 py-2 text-sm">
              <span className="font-medium text-ink">Reason given: </span>
              <span className="break-words text-ink-muted">{approval.reason}</span>
            </div>
          ) : null}

          {/* in the list, what will be sent; the request's own page shows it whole */}
          {returnTo === "list" && approval.kind === "held" && heldRequestLine(approval) ? (
            <p
              className="break-all rounded-lg border border-line bg-zinc-50 px-3 py-2 font-mono text-[13px] text-ink"
              data-testid="held-request-line"
            >
              {heldRequestLine(approval)}
            </p>
          ) : null}

          {approval.kind === "held" ? (
            <p className="text-sm text-ink-muted">
              If you approve, okoro sends this one request to {provider} once, exactly as shown, and hands the answer to{" "}
              {approval.agent}. Its service token holds every {approval.scope} request for your approval.
            </p>
          ) : (
            <p className="text-sm text-ink-muted">
              If you approve, {approval.agent} gets one token that can {scopeConsequence(approval.scope)} on {provider}
              {approval.scope === "all" ? "" : `, valid for ${formatDuration(approval.ttl)}`}
              {approval.singleUse ? ", for a single request" : ""}.{" "}
              {approval.beyondGrant
                ? `Its service token is not granted ${approval.scope} on ${provider}; “Approve and remember” adds it to the grant${
                    asksEveryTime
                      ? ` (${approval.scope} still asks you every time, by the token’s settings)`
                      : ", so it will not ask again"
                  }.`
                : `Its service token asks for your approval every time it wants ${approval.scope}.`}
            </p>
          )}

          {inactive ? (
            <p className="text-sm text-amber-800">
              {approval.agent}’s service token is {inactive}, so this request can only be denied or left to expire.
            </p>
          ) : null}

          <p className="flex flex-wrap gap-x-2 text-sm text-ink-subtle">
            <span>
              Requested{" "}
              <time dateTime={approval.createdAt.toISOString()} title={exact(approval.createdAt)}>
                {ago(approval.createdAt, now)}
              </time>
            </span>
            <span aria-hidden="true">·</span>
            <Countdown expiresAt={approval.expiresAt.toISOString()} serverNow={now} />
            {returnTo === "list" ? (
              <>
                <span aria-hidden="true">·</span>
                <Link
                  href={`/dashboard/approvals/${approval.id}`}
                  className="rounded font-medium text-accent-700 hover:text-accent-800 hover:underline"
                >
                  Details<span className="sr-only"> of the request from {approval.agent}</span>
                </Link>
              </>
            ) : null}
          </p>

          <DecisionForm
            id={approval.id}
            isAll={approval.scope === "all"}
            canRemember={approval.beyondGrant}
            canApprove={!inactive}
            agent={approval.agent}
            provider={provider}
            returnTo={returnTo}
          />
        </div>
      </div>
    </Card>
  );
}

/** A request that is no longer waiting, as one row of the "recent" list. */
export function RecentApprovalRow({ approval, now }: { approval: ApprovalView; now: number }) {
  const when = approval.decidedAt ?? approval.createdAt;
  return (
    <li className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between sm:gap-4 sm:px-5">
      <Link
        href={`/dashboard/approvals/${approval.id}`}
        className="min-w-0 rounded text-sm text-ink-muted hover:text-ink"
      >
        <ApprovalSentence approval={approval} as="span" />
      </Link>
      <div className="flex shrink-0 flex-wrap items-center gap-2 text-xs text-ink-subtle">
        <StatusBadge approval={approval} />
        {approval.remember ? <Badge tone="success">Remembered</Badge> : null}
        <time dateTime={when.toISOString()} title={exact(when)}>
          {ago(when, now)}
        </time>
      </div>
    </li>
  );
}
