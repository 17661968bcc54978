// What the dashboard reads about approvals, always scoped to the signed-in user: the
// pending requests, the recent decisions, one request by id, and the count for the
// navigation badge. Pages call these; nothing under app/ touches the database itself.
// Every approval handed to a page has the agent's words made readable (no control or bidi
// characters), whenever the row was stored.
import "server-only";
import { getDb } from "@/lib/serve/database";
import {
  countPendingApprovals,
  getApproval,
  listPendingApprovals,
  listRecentApprovals,
  type ApprovalView,
} from "@/db/queries/approvals";
import { decideApproval, type Decision } from "@/lib/approvals/decide";
import { readableApproval } from "@/lib/approvals/describe";

export type { ApprovalStatus, ApprovalView } from "@/db/queries/approvals";

/** Pending, unexpired approvals of this user: the number for the nav badge. */
export async function pendingApprovalCount(userId: string): Promise<number> {
  return countPendingApprovals(await getDb(), { userId });
}

export async function approvalsForDashboard(
  userId: string,
): Promise<{ pending: ApprovalView[]; recent: ApprovalView[] }> {
  const db = await getDb();
  const [pending, recent] = await Promise.all([
    listPendingApprovals(db, { userId }),
    listRecentApprovals(db, { userId, limit: 20 }),
  ]);
  return { pending: pending.map(readableApproval), recent: recent.map(readableApproval) };
}

/** The user's own approval, or undefined (someone else's looks exactly like a missing one). */
export async function approvalForUser(userId: string, id: string): Promise<ApprovalView | undefined> {
  if (!/^apr_[0-9A-Za-z]{22}$/.test(id)) return undefined;
  const approval = await getApproval(await getDb(), id);
  return approval?.userId === userId ? readableApproval(approval) : undefined;
}

/** A decision from the dashboard: always as the signed-in user, so only their own requests. */
export async function decideAsUser(options: {
  userId: string;
  id: string;
  decision: Decision;
  ip: string | null;
  userAgent: string | null;
  /** confirmed it is them lately (a held delete/all needs it) */
  steppedUp?: boolean;
}): Promise<ApprovalView> {
  return readableApproval(await decideApproval(await getDb(), options));
}
