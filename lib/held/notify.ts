// How a person hears about a held request: the per-user notifications
// (docs/dashboard.md#notifications, kind `held.requested`) with the approval page's
// sentence and link, recorded and sent after the agent's 202.
import "server-only";
import type { Database } from "@/db/client";
import type { Approval } from "@/db/schema";
import { heldSentence } from "@/lib/held/describe";
import { notifyUser } from "@/lib/notify/deliver";

export async function notifyHeldRequest(
  db: Database,
  approval: Approval,
  agent: string,
  request: { method: string; path: string },
): Promise<void> {
  const sentence = heldSentence({
    provider: approval.provider,
    method: request.method,
    path: request.path,
    intent: approval.intent,
  });
  await notifyUser(db, approval.userId, {
    kind: "held.requested",
    approvalId: approval.id,
    agent,
    provider: approval.provider,
    intent: approval.intent,
    sentence,
    method: request.method,
    path: request.path,
  });
}
