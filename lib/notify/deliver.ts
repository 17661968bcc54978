// Sending notifications (docs/dashboard.md#notifications). `notifyUser` records one
// delivery per enabled channel and starts sending at once, without the caller waiting;
// `deliverDue` sends whatever is due — called right after recording, by a timer under
// `npm start` and by the cron route on Vercel, so no long-running process is needed.
// A failed attempt is retried with backoff (30 s, 2 min, 10 min, 1 h, 6 h), then given up.
// Every post goes through postPublic: the URL must resolve to public addresses (unless
// OKORO_NOTIFY_PRIVATE_NETWORK), the connection is pinned to the checked address and no
// redirect is followed. Errors are recorded as a short reason, never the URL or a body.
import "server-only";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import {
  claimDueDeliveries,
  enabledNotificationChannels,
  insertNotificationDeliveries,
  markDeliveryAttemptFailed,
  markDeliveryDelivered,
  type ChannelKind,
  type ClaimedDelivery,
} from "@/db/queries/notifications";
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, webhookSecret } from "@/lib/approvals/webhook";
import { openChannelUrl, checkChannelUrl } from "@/lib/notify/channels";
import {
  notificationPayload,
  slackMessage,
  type NotificationEvent,
  type NotificationPayload,
} from "@/lib/notify/events";
import { getEnv, type Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { afterResponse } from "@/lib/http/after-response";
import { PublicFetchError, postPublic } from "@/lib/http/public-fetch";
import { newId } from "@/lib/ids";

/** Delays after the 1st, 2nd, … failed attempt, in units of the base (30 s). */
export const BACKOFF_STEPS = [1, 4, 20, 120, 720] as const;
export const MAX_ATTEMPTS = BACKOFF_STEPS.length + 1;
export const BACKOFF_BASE_MS = 30_000;
export const DELIVERY_TIMEOUT_MS = 5_000;
/** How long a claim holds a delivery: longer than one post can take. */
export const CLAIM_LEASE_SECONDS = 60;
/** Notifications per user per 10 minutes: an agent cannot flood a person's channel. */
export const NOTIFICATIONS_PER_10_MIN = 60;

export type DeliverOptions = {
  env?: Pick<Env, "url" | "authSecret" | "masterKeys" | "notifyPrivateNetwork">;
  /** the backoff unit (30 s); tests shorten it */
  backoffBaseMs?: number;
  timeoutMs?: number;
  limit?: number;
  /** only these deliveries (the ones just recorded) */
  ids?: string[];
};

export function backoffMs(failedAttempts: number, base = BACKOFF_BASE_MS): number | null {
  if (failedAttempts >= MAX_ATTEMPTS) return null;
  return base * BACKOFF_STEPS[Math.min(failedAttempts, BACKOFF_STEPS.length) - 1]!;
}

/** The request for one delivery: Slack's message shape, or the signed JSON payload. */
export function deliveryRequest(
  kind: ChannelKind,
  delivery: { id: string; userId: string; payload: NotificationPayload },
  authSecret: string,
): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "okoro-webhook/1",
  };
  if (kind === "slack") return { body: JSON.stringify(slackMessage(delivery.payload)), headers };
  const body = JSON.stringify({ ...delivery.payload, delivery_id: delivery.id });
  return {
    body,
    headers: {
      ...headers,
      // the same id on every retry: a receiver that saw it already can ignore it
      "okoro-delivery": delivery.id,
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(webhookSecret(authSecret, delivery.userId), body),
    },
  };
}

function describeFailure(e: unknown): string {
  if (e instanceof PublicFetchError) {
    const reasons: Record<string, string> = {
      bad_url: "the URL is not allowed",
      private_address: "the host resolves to a private address",
      unresolvable: "the host does not resolve",
      timeout: "timed out",
      unreachable: "could not connect",
    };
    return reasons[e.reason] ?? e.reason;
  }
  if (e instanceof OkoroError) return "the URL is not allowed";
  return "could not send";
}

async function attempt(
  db: Database,
  d: ClaimedDelivery,
  options: DeliverOptions & { env: NonNullable<DeliverOptions["env"]> },
) {
  const { env } = options;
  let status: number | null = null;
  let error: string;
  try {
    const url = checkChannelUrl(d.kind, openChannelUrl(d, env.masterKeys), {
      privateNetwork: env.notifyPrivateNetwork,
    });
    const request = deliveryRequest(
      d.kind,
      { id: d.id, userId: d.userId, payload: d.payload as NotificationPayload },
      env.authSecret,
    );
    const answer = await postPublic(url.href, {
      ...request,
      timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      allowPrivateAddresses: env.notifyPrivateNetwork,
    });
    status = answer.status;
    if (status >= 200 && status < 300) {
      await markDeliveryDelivered(db, d.id, status);
      return true;
    }
    error = `answered ${status}`;
  } catch (e) {
    error = describeFailure(e);
  }
  await markDeliveryAttemptFailed(db, d.id, {
    error,
    status,
    retryInMs: backoffMs(d.attempts, options.backoffBaseMs),
  });
  return false;
}

/** Sends every due delivery (or the ones named); how many were sent and how many failed. */
export async function deliverDue(
  db: Database,
  options: DeliverOptions = {},
): Promise<{ delivered: number; failed: number }> {
  const env = options.env ?? getEnv();
  const claimed = await claimDueDeliveries(db, {
    limit: options.limit ?? 50,
    leaseSeconds: CLAIM_LEASE_SECONDS,
    maxAttempts: MAX_ATTEMPTS,
    ids: options.ids,
  });
  const results = await Promise.all(claimed.map((d) => attempt(db, d, { ...options, env })));
  const delivered = results.filter(Boolean).length;
  return { delivered, failed: results.length - delivered };
}

export type NotifyOptions = DeliverOptions & {
  /** keeps the sending alive after the response (afterResponse); tests pass their own */
  keepAlive?: (work: Promise<unknown>) => void;
};

/**
 * Records the event for each of the user's enabled channels (only `only`, for a test
 * message) and starts sending without waiting for it: returns once the rows are written,
 * with `sent` settling when this first try is over. Call it after the agent's answer
 * (notifyLater) so not even the recording is in its way.
 */
export async function notifyUser(
  db: Database,
  userId: string,
  event: NotificationEvent,
  options: NotifyOptions & { only?: ChannelKind } = {},
): Promise<{ ids: string[]; sent: Promise<unknown> }> {
  const env = options.env ?? getEnv();
  const channels = await enabledNotificationChannels(db, userId, options.only);
  if (channels.length === 0) return { ids: [], sent: Promise.resolve() };
  const hit = await hitWindow(db, `notify:${userId}`, NOTIFICATIONS_PER_10_MIN, { kind: "seconds", seconds: 600 });
  if (!hit.allowed) return { ids: [], sent: Promise.resolve() };
  const payload = notificationPayload(event, env.url);
  const ids = await insertNotificationDeliveries(
    db,
    channels.map((c) => ({ id: newId("ntd"), channelId: c.id, userId, event: payload.type, payload })),
  );
  const sent = deliverDue(db, { ...options, env, ids }).catch((e) => {
    console.warn(`[okoro] notification delivery failed: ${(e as Error).name}`);
  });
  (options.keepAlive ?? afterResponse)(sent);
  return { ids, sent };
}

/** Notifies after the current response is sent; never throws, never delays the caller. */
export function notifyLater(db: Database, userId: string, event: NotificationEvent): void {
  afterResponse(() =>
    notifyUser(db, userId, event).catch((e) => {
      console.warn(`[okoro] could not record a notification: ${(e as Error).name}`);
    }),
  );
}
