// Asking a person for approval: a pending approval row and its approval.requested event,
// in one transaction, unless the agent's token already has too many open. The rows are
// db/queries/approvals.ts's.
import "server-only";
import type { Database } from "@/db/client";
import {
  APPROVAL_WINDOW_SECONDS,
  findPendingApprovalFor,
  insertPendingApproval,
  lockTokenPendingApprovals,
  MAX_PENDING_PER_TOKEN,
} from "@/db/queries/approvals";
import type { Approval, ServiceToken } from "@/db/schema";
import { appendAuditInTx, type AuditInput } from "@/lib/audit/append";
import { storableText } from "@/lib/audit/redact";
import { newId } from "@/lib/ids";

export type NewApproval = {
  token: ServiceToken;
  provider: string;
  scope: string;
  intent: string;
  reason: string | null;
  ttl: number;
  singleUse: boolean;
  beyondGrant: boolean;
  /**
   * A pending request of the same token for the same provider, scope and intent is
   * answered again instead of filing another: for a caller that cannot poll by id and
   * simply asks again (an MCP tool call), so waiting never piles up requests.
   */
  reusePending?: boolean;
  /** the approval.requested event, written in the same transaction as the row */
  audit: (approval: Approval) => AuditInput;
};

export type CreateApprovalResult =
  | { created: true; approval: Approval }
  /** `reusePending`: the same request is already waiting for a person */
  | { created: false; waiting: Approval }
  /** the token already has MAX_PENDING_PER_TOKEN pending requests; the oldest frees up after `retryAfter` s */
  | { created: false; pending: number; retryAfter: number };

/**
 * Creates a pending approval unless the token is at its cap. The token's row lock
 * serializes concurrent requests of one agent, so the cap is exact; the audit event
 * commits with the row (no approval without its approval.requested event).
 */
export async function createPendingApproval(db: Database, input: NewApproval): Promise<CreateApprovalResult> {
  return db.transaction(async (tx) => {
    const open = await lockTokenPendingApprovals(tx, input.token.id);
    // under the token's lock: two concurrent repeats find the one request, never file two
    if (input.reusePending) {
      const waiting = await findPendingApprovalFor(tx, {
        serviceTokenId: input.token.id,
        ...storedKey(input),
      });
      if (waiting) return { created: false as const, waiting };
    }
    if (open.n >= MAX_PENDING_PER_TOKEN) {
      const oldest = open.oldest ? new Date(open.oldest) : null;
      const retryAfter = oldest
        ? Math.max(1, Math.ceil((oldest.getTime() - new Date(open.now).getTime()) / 1000))
        : APPROVAL_WINDOW_SECONDS;
      return { created: false as const, pending: open.n, retryAfter };
    }
    const approval = await insertPendingApproval(tx, {
      id: newId("apr"),
      userId: input.token.userId,
      serviceTokenId: input.token.id,
      // agent text, shown to a person and stored: the same cleaning as the audit log's
      ...storedKey(input),
      reason: input.reason === null ? null : storableText(input.reason, 1024),
      ttl: input.ttl,
      singleUse: input.singleUse,
      beyondGrant: input.beyondGrant,
    });
    await appendAuditInTx(tx, input.audit(approval));
    return { created: true as const, approval };
  });
}

/** Provider, scope and intent as the row stores them (agent text is cleaned as the audit log's is). */
export function storedKey(input: Pick<NewApproval, "provider" | "scope" | "intent">) {
  return {
    provider: storableText(input.provider, 64),
    scope: input.scope,
    intent: storableText(input.intent, 256),
  };
}
