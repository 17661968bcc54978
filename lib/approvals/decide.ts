// A person's answer to an approval (docs/dashboard.md#dashboard, docs/cli.md#command-line): approve once, approve and remember
// (the scope joins the token's grant, so the agent stops asking), or deny. Used by the
// dashboard's server actions (which pass the signed-in user, so only their own requests
// can be decided) and by the CLI (which speaks for the operator and passes none).
//
// Only a pending, unexpired request can be decided; the decision, the grant change and
// the audit event commit together or not at all.
import "server-only";
import type { Database } from "@/db/client";
import { getApproval, markApprovalExpired, recordDecision, type ApprovalView } from "@/db/queries/approvals";
import { addGrant, tokenState } from "@/lib/tokens/service-tokens";
import { appendAuditInTx } from "@/lib/audit/append";
import { providerName, scopeAction } from "@/lib/approvals/describe";
import { OkoroError } from "@/lib/errors";
import { isScope } from "@/lib/scopes";
import { getHeld } from "@/db/queries/held";
import { executeHeld, type ExecuteDeps } from "@/lib/held/execute";

/** Scopes whose held requests need a recent sign-in to approve (docs/dashboard.md#step-up). */
export const STEP_UP_SCOPES: readonly string[] = ["delete", "all"];

export function heldNeedsStepUp(a: Pick<ApprovalView, "kind" | "scope">): boolean {
  return a.kind === "held" && STEP_UP_SCOPES.includes(a.scope);
}

export const DECISIONS = ["approve", "approve_remember", "deny"] as const;
export type Decision = (typeof DECISIONS)[number];

export function isDecision(value: unknown): value is Decision {
  return typeof value === "string" && (DECISIONS as readonly string[]).includes(value);
}

export type DecideOptions = {
  id: string;
  decision: Decision;
  /** the signed-in person; omitted by the CLI, which acts for the operator */
  userId?: string;
  ip?: string | null;
  userAgent?: string | null;
  /**
   * The person confirmed it is them within the last 10 minutes (docs/dashboard.md#step-up).
   * Approving a held delete/all request from the dashboard needs it; the CLI acts for the
   * operator and passes no userId.
   */
  steppedUp?: boolean;
  /** how a held request is sent once approved (tests pass their upstream's settings) */
  execute?: ExecuteDeps;
};

const notFound = () => new OkoroError("not_found", "No such approval request.");

/** Why a request cannot be decided any more, in words for the person who tried. */
function notPending(a: ApprovalView): OkoroError {
  if (a.lapsed || a.status === "expired")
    return new OkoroError(
      "approval_expired",
      "This request expired before anyone decided. The agent has to ask again.",
    );
  if (a.status === "denied") return new OkoroError("conflict", "This request was already denied.");
  return new OkoroError(
    "conflict",
    a.status === "used"
      ? "This request was already approved and the agent has collected its token."
      : "This request was already approved.",
  );
}

export async function decideApproval(db: Database, options: DecideOptions): Promise<ApprovalView> {
  const approval = await getApproval(db, options.id);
  // someone else's request looks exactly like a missing one
  if (!approval || (options.userId !== undefined && approval.userId !== options.userId)) throw notFound();
  if (approval.lapsed) await markApprovalExpired(db, approval.id);
  if (approval.lapsed || approval.status !== "pending") throw notPending(approval);

  const approve = options.decision !== "deny";
  const remember = options.decision === "approve_remember";
  if (approve) {
    const state = tokenState({
      revokedAt: approval.tokenRevokedAt,
      revokedReason: null,
      expiresAt: approval.tokenExpiresAt,
    });
    if (state !== "active")
      throw new OkoroError(
        "conflict",
        `${approval.agent}'s service token is ${state === "expired" ? "expired" : "revoked"}, so there is nothing to approve. Deny the request or let it expire.`,
      );
  }
  const held = approval.kind === "held";
  if (held && remember)
    throw new OkoroError("invalid_request", "A held request is approved once: it stands for this one request only.");
  if (held && approve && options.userId !== undefined && heldNeedsStepUp(approval) && !options.steppedUp)
    throw new OkoroError("step_up_required");
  if (remember && !approval.beyondGrant) {
    // the token's settings ask for a person at every exchange of this scope
    throw new OkoroError(
      "invalid_request",
      `${approval.agent} is already granted ${approval.scope} on ${providerName(approval.provider)}; its token asks for your approval every time. Approve once instead.`,
    );
  }
  if (remember && !isScope(approval.scope))
    throw new OkoroError("invalid_request", `Unknown scope "${approval.scope}".`);

  const digest = held ? (await getHeld(db, approval.id))?.held.digest : undefined;
  const decided = await db.transaction(async (tx) => {
    const row = await recordDecision(tx, {
      id: approval.id,
      userId: options.userId,
      status: approve ? "approved" : "denied",
      remember,
    });
    if (!row) return undefined;
    if (remember)
      await addGrant(tx, { id: approval.serviceTokenId, provider: approval.provider, scope: approval.scope as never });
    await appendAuditInTx(tx, {
      event: approve ? "approval.approved" : "approval.denied",
      userId: approval.userId,
      agent: approval.agent,
      serviceTokenId: approval.serviceTokenId,
      provider: approval.provider,
      scope: approval.scope,
      intent: approval.intent,
      // what was decided and by whom, in words (the agent's own reason is on approval.requested):
      // a decision for a user is the account holder's, on the dashboard; one without is an
      // operator's, with the CLI
      reason: `${
        held
          ? `${approve ? "Approved once" : "Denied"}; held request ${digest ?? "(gone)"}`
          : approve
            ? remember
              ? `Approved and remembered: ${approval.scope} on ${approval.provider} added to the grant`
              : "Approved once"
            : "Denied"
      } (${options.userId === undefined ? "by an operator, with the CLI" : "by the account holder, on the dashboard"})`,
      outcome: approve ? "allowed" : "denied",
      error: approve ? null : "approval_denied",
      requestId: approval.id,
      ip: options.ip ?? null,
      userAgent: options.userAgent ?? null,
    });
    return row;
  });
  if (!decided) {
    // lost a race with another decision or with the clock
    const now = await getApproval(db, approval.id);
    if (!now) throw notFound();
    throw notPending(now);
  }
  // a held request goes out now, once (the claim decides who sends it; a restart before
  // this line leaves it to the next poll or sweep — docs/agent-api.md#held-requests)
  if (held && approve) {
    try {
      await executeHeld(db, approval.id, options.execute);
    } catch (e) {
      console.error("[okoro] a held request could not be sent after its approval:", (e as Error).message);
    }
    const after = await getApproval(db, approval.id);
    if (after) return after;
  }
  return { ...approval, ...decided, lapsed: false };
}

/** What just happened, as a short title and a sentence (the dashboard's notice). */
export function decisionOutcome(
  a: Pick<ApprovalView, "agent" | "provider" | "scope" | "status" | "remember"> & { kind?: ApprovalView["kind"] },
): {
  title: string;
  detail: string;
} {
  const what = `${scopeAction(a.scope)} on ${providerName(a.provider)}`;
  if (a.status === "denied") return { title: "Denied.", detail: `${a.agent} will be told no when it next checks.` };
  if (a.kind === "held")
    return {
      title: "Approved once.",
      detail: `okoro sent ${a.agent}'s request to ${providerName(a.provider)} once; the agent collects the answer when it next checks.`,
    };
  if (a.remember)
    return {
      title: "Approved and remembered.",
      detail: `${a.agent} may now ${what} without asking; it collects this token when it next checks.`,
    };
  return {
    title: "Approved once.",
    detail: `${a.agent} may ${what} this one time; it collects its token when it next checks.`,
  };
}

/** One line saying what just happened, for the CLI. */
export function decisionSummary(
  a: Pick<ApprovalView, "agent" | "provider" | "scope" | "status" | "remember"> & { kind?: ApprovalView["kind"] },
): string {
  const o = decisionOutcome(a);
  return `${o.title} ${o.detail}`;
}
