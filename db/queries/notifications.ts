// Notification channels and their deliveries (docs/dashboard.md#notifications). A delivery
// is claimed by one conditional UPDATE that takes only due rows it can lock at once (FOR
// UPDATE SKIP LOCKED) and pushes their next attempt out by a lease, so two deliverers —
// two server processes, a timer and a cron call — never post the same message twice, and a
// deliverer that dies mid-post leaves the row to be retried when the lease runs out.
// Times are judged by the database clock.
import "server-only";
import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import {
  notificationChannels,
  notificationDeliveries,
  type NotificationChannel,
  type NotificationDelivery,
} from "@/db/schema";
import type { Envelope } from "@/lib/crypto/envelope";

export type ChannelKind = NotificationChannel["kind"];

/** Sets the user's channel of this kind, replacing the URL of an existing one. */
export async function upsertNotificationChannel(
  db: Queryable,
  row: { id: string; userId: string; kind: ChannelKind; url: Envelope; urlHint: string },
): Promise<NotificationChannel> {
  const [saved] = await db
    .insert(notificationChannels)
    .values(row)
    .onConflictDoUpdate({
      target: [notificationChannels.userId, notificationChannels.kind],
      set: { url: row.url, urlHint: row.urlHint, enabled: true, updatedAt: sql`now()` },
    })
    .returning();
  return saved!;
}

export function listNotificationChannels(db: Queryable, userId: string): Promise<NotificationChannel[]> {
  return db
    .select()
    .from(notificationChannels)
    .where(eq(notificationChannels.userId, userId))
    .orderBy(notificationChannels.kind);
}

/** Removes the user's channel of this kind (and, by cascade, its deliveries); how many went. */
export async function deleteNotificationChannel(db: Queryable, userId: string, kind: ChannelKind): Promise<number> {
  const gone = await db
    .delete(notificationChannels)
    .where(and(eq(notificationChannels.userId, userId), eq(notificationChannels.kind, kind)))
    .returning({ id: notificationChannels.id });
  return gone.length;
}

export async function setNotificationChannelEnabled(
  db: Queryable,
  userId: string,
  kind: ChannelKind,
  enabled: boolean,
): Promise<number> {
  const changed = await db
    .update(notificationChannels)
    .set({ enabled, updatedAt: sql`now()` })
    .where(and(eq(notificationChannels.userId, userId), eq(notificationChannels.kind, kind)))
    .returning({ id: notificationChannels.id });
  return changed.length;
}

/** The user's enabled channels, optionally only one kind. */
export function enabledNotificationChannels(
  db: Queryable,
  userId: string,
  kind?: ChannelKind,
): Promise<Pick<NotificationChannel, "id" | "kind">[]> {
  return db
    .select({ id: notificationChannels.id, kind: notificationChannels.kind })
    .from(notificationChannels)
    .where(
      and(
        eq(notificationChannels.userId, userId),
        eq(notificationChannels.enabled, true),
        kind ? eq(notificationChannels.kind, kind) : undefined,
      ),
    );
}

export async function insertNotificationDeliveries(
  db: Queryable,
  rows: { id: string; channelId: string; userId: string; event: string; payload: Record<string, unknown> }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const saved = await db.insert(notificationDeliveries).values(rows).returning({ id: notificationDeliveries.id });
  return saved.map((r) => r.id);
}

/** A claimed delivery with what is needed to send it. */
export type ClaimedDelivery = NotificationDelivery & {
  kind: ChannelKind;
  url: Envelope;
};

/**
 * Claims up to `limit` pending deliveries that are due (or only those among `ids`):
 * counts the attempt and moves the next one `leaseSeconds` out, in one statement.
 * Deliveries that have used `maxAttempts` are not claimed.
 */
export async function claimDueDeliveries(
  db: Queryable,
  options: { limit: number; leaseSeconds: number; maxAttempts: number; ids?: string[] },
): Promise<ClaimedDelivery[]> {
  if (options.ids && options.ids.length === 0) return [];
  const due = db
    .select({ id: notificationDeliveries.id })
    .from(notificationDeliveries)
    .where(
      and(
        eq(notificationDeliveries.status, "pending"),
        lte(notificationDeliveries.nextAttemptAt, sql`now()`),
        sql`${notificationDeliveries.attempts} < ${options.maxAttempts}`,
        options.ids ? inArray(notificationDeliveries.id, options.ids) : undefined,
      ),
    )
    .orderBy(notificationDeliveries.nextAttemptAt)
    .limit(options.limit)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(notificationDeliveries)
    .set({
      attempts: sql`${notificationDeliveries.attempts} + 1`,
      nextAttemptAt: sql`now() + make_interval(secs => ${options.leaseSeconds}::int)`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        inArray(notificationDeliveries.id, due),
        // judged again on the locked row: a claim that committed meanwhile moved it out
        eq(notificationDeliveries.status, "pending"),
        lte(notificationDeliveries.nextAttemptAt, sql`now()`),
      ),
    )
    .returning();
  if (claimed.length === 0) return [];
  const channels = await db
    .select({ id: notificationChannels.id, kind: notificationChannels.kind, url: notificationChannels.url })
    .from(notificationChannels)
    .where(
      inArray(
        notificationChannels.id,
        claimed.map((d) => d.channelId),
      ),
    );
  const byId = new Map(channels.map((c) => [c.id, c]));
  return claimed.flatMap((d) => {
    const channel = byId.get(d.channelId);
    return channel ? [{ ...d, kind: channel.kind, url: channel.url }] : [];
  });
}

export async function markDeliveryDelivered(db: Queryable, id: string, status: number): Promise<void> {
  await db
    .update(notificationDeliveries)
    .set({
      status: "delivered",
      lastStatus: status,
      lastError: null,
      deliveredAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(notificationDeliveries.id, id));
}

/** Records a failed attempt: retried after `retryInMs`, or failed for good when null. */
export async function markDeliveryAttemptFailed(
  db: Queryable,
  id: string,
  outcome: { error: string; status: number | null; retryInMs: number | null },
): Promise<void> {
  await db
    .update(notificationDeliveries)
    .set({
      status: outcome.retryInMs === null ? "failed" : "pending",
      lastError: outcome.error,
      lastStatus: outcome.status,
      nextAttemptAt:
        outcome.retryInMs === null
          ? sql`now()`
          : sql`now() + make_interval(secs => ${outcome.retryInMs / 1000}::double precision)`,
      updatedAt: sql`now()`,
    })
    .where(eq(notificationDeliveries.id, id));
}

export type DeliveryView = NotificationDelivery & { kind: ChannelKind };

/** The user's most recent deliveries, newest first. */
export function listRecentDeliveries(db: Queryable, userId: string, limit: number): Promise<DeliveryView[]> {
  return db
    .select({
      id: notificationDeliveries.id,
      channelId: notificationDeliveries.channelId,
      userId: notificationDeliveries.userId,
      event: notificationDeliveries.event,
      payload: notificationDeliveries.payload,
      status: notificationDeliveries.status,
      attempts: notificationDeliveries.attempts,
      nextAttemptAt: notificationDeliveries.nextAttemptAt,
      lastError: notificationDeliveries.lastError,
      lastStatus: notificationDeliveries.lastStatus,
      createdAt: notificationDeliveries.createdAt,
      updatedAt: notificationDeliveries.updatedAt,
      deliveredAt: notificationDeliveries.deliveredAt,
      kind: notificationChannels.kind,
    })
    .from(notificationDeliveries)
    .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
    .where(eq(notificationDeliveries.userId, userId))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(limit);
}

/** Deliveries finished (delivered or given up) more than `days` ago, at most `limit`. */
export async function sweepNotificationDeliveries(
  db: Queryable,
  options: { limit: number; days: number },
): Promise<number> {
  const result = await db.execute(
    sql`WITH gone AS (DELETE FROM notification_deliveries WHERE id IN (
      SELECT id FROM notification_deliveries
      WHERE status <> 'pending' AND updated_at < now() - make_interval(days => ${options.days}::int)
      LIMIT ${options.limit}) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
  );
  return Number((result as unknown as { rows: { n: number | string }[] }).rows[0]?.n ?? 0);
}
