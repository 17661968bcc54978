// Asking a person for approval: a pending approval row and its approval.requested event,
// in one transaction, unless the agent's token already has too many open. The rows are
// db/queries/approvals.ts's.
import "server-only";
import type { Database } from "@/db/client";
import {
  APPROVAL_WINDOW_SECONDS,
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
  /** the approval.requested event, written in the same transaction as the row */
  audit: (approval: Approval) => AuditInput;
};

export type CreateApprovalResult =
  | { created: true; approval: Approval }
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
      provider: storableText(input.provider, 64),
      scope: input.scope,
      intent: storableText(input.intent, 256),
      reason: input.reason === null ? null : storableText(input.reason, 1024),
      ttl: input.ttl,
      singleUse: input.singleUse,
      beyondGrant: input.beyondGrant,
    });
    await appendAuditInTx(tx, input.audit(approval));
    return { created: true as const, approval };
  });
}
