// What /dashboard/settings shows and does about notifications (docs/dashboard.md#notifications):
// the channels (as hints), the recent deliveries, and a test message.
import "server-only";
import type { Database } from "@/db/client";
import { listRecentDeliveries } from "@/db/queries/notifications";
import { getEnv } from "@/lib/env";
import { type ChannelKind, type ChannelView, listChannels, setChannel, signingSecretFor } from "@/lib/notify/channels";
import { notifyUser } from "@/lib/notify/deliver";

export const RECENT_DELIVERIES = 20;

export type DeliveryRow = {
  id: string;
  kind: ChannelKind;
  event: string;
  sentence: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
};

export async function notificationSettings(
  db: Database,
  userId: string,
): Promise<{ channels: ChannelView[]; deliveries: DeliveryRow[]; signingSecret: string | null }> {
  const [channels, deliveries] = await Promise.all([
    listChannels(db, userId),
    listRecentDeliveries(db, userId, RECENT_DELIVERIES),
  ]);
  return {
    channels,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      kind: d.kind,
      event: d.event,
      sentence: typeof d.payload.sentence === "string" ? d.payload.sentence : d.event,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
      lastError: d.lastError,
      createdAt: d.createdAt,
    })),
    signingSecret: channels.some((c) => c.kind === "webhook") ? signingSecretFor(getEnv().authSecret, userId) : null,
  };
}

export function saveChannel(db: Database, userId: string, kind: ChannelKind, url: string): Promise<ChannelView> {
  const env = getEnv();
  return setChannel(db, {
    userId,
    kind,
    url,
    masterKeys: env.masterKeys,
    rules: { privateNetwork: env.notifyPrivateNetwork },
  });
}

/** Sends a test message to one channel now; true when a delivery was recorded. */
export async function sendTestNotification(db: Database, userId: string, kind: ChannelKind): Promise<boolean> {
  const { ids, sent } = await notifyUser(db, userId, { kind: "test" }, { only: kind });
  // the person waits for the outcome of their own test, up to the delivery timeout
  await sent;
  return ids.length > 0;
}
