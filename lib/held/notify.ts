// How a person hears about a held request. The single call site for notifications: today
// the approval webhook a new exchange approval uses (lib/approvals/webhook.ts); the
// per-user notifications (docs/dashboard.md#notifications, kind `held.requested`) replace
// this body when they land.
import "server-only";
import type { Database } from "@/db/client";
import type { Approval } from "@/db/schema";
import { sendApprovalWebhook } from "@/lib/approvals/webhook";

export async function notifyHeldRequest(db: Database, approval: Approval, agent: string): Promise<void> {
  await sendApprovalWebhook(db, approval, agent);
}
