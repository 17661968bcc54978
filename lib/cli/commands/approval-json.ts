// How the approval commands print an approval: `--json` objects with snake_case fields
// (docs/cli.md#command-line), the status as a reader should see it (a lapsed request is "expired" even
// before anything marked it), and a short plain-text line for tables.
import "server-only";
import type { ApprovalView } from "@/db/queries/approvals";
import { effectiveStatus } from "@/lib/approvals/describe";
import { iso } from "@/lib/cli/format";

export function approvalJson(a: ApprovalView, url: string) {
  return {
    id: a.id,
    agent: a.agent,
    provider: a.provider,
    scope: a.scope,
    intent: a.intent,
    reason: a.reason,
    status: effectiveStatus(a),
    created_at: iso(a.createdAt),
    expires_at: iso(a.expiresAt),
    decided_at: iso(a.decidedAt),
    user_id: a.userId,
    service_token_id: a.serviceTokenId,
    beyond_grant: a.beyondGrant,
    remember: a.remember,
    ttl: a.ttl,
    single_use: a.singleUse,
    approval_url: `${url}/dashboard/approvals/${a.id}`,
    kind: a.kind,
    method: a.heldMethod,
    path: a.heldPath,
  };
}

/** Long intents are cut for the table; --json always has them whole. */
export function clip(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
