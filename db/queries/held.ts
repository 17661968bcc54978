// Held requests (docs/agent-api.md#held-requests): the stored request behind an approval
// of kind 'held', and its execution. Every transition is one conditional UPDATE …
// RETURNING, so of two callers racing for it (ten people pressing Approve, ten polls)
// exactly one wins: one claim sends the request, one poll gets the answer.
import "server-only";
import type { Envelope } from "@/lib/crypto/envelope";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { approvals, heldRequests, serviceTokens, type Approval, type HeldRequest } from "@/db/schema";

/** How long the upstream's answer waits for the agent's poll. */
export const HELD_RESPONSE_KEEP_SECONDS = 600;

export type HeldView = {
  held: HeldRequest;
  approval: Approval;
  agent: string;
  /** pending, past expires_at by the database clock */
  lapsed: boolean;
};

const lapsedSql = sql<boolean>`(${approvals.status} = 'pending' and ${approvals.expiresAt} <= now())`;

export async function getHeld(db: Queryable, id: string): Promise<HeldView | undefined> {
  const [row] = await db
    .select({ held: heldRequests, approval: approvals, agent: serviceTokens.name, lapsed: lapsedSql })
    .from(heldRequests)
    .innerJoin(approvals, eq(approvals.id, heldRequests.id))
    .innerJoin(serviceTokens, eq(serviceTokens.id, heldRequests.serviceTokenId))
    .where(eq(heldRequests.id, id));
  return row ? { ...row, lapsed: Boolean(row.lapsed) } : undefined;
}

/** The same request of the same token, still waiting for a person (the dedupe). */
export async function findPendingHeld(
  tx: Queryable,
  options: { serviceTokenId: string; digest: string },
): Promise<Approval | undefined> {
  const [row] = await tx
    .select({ approval: approvals })
    .from(heldRequests)
    .innerJoin(approvals, eq(approvals.id, heldRequests.id))
    .where(
      and(
        eq(heldRequests.serviceTokenId, options.serviceTokenId),
        eq(heldRequests.digest, options.digest),
        eq(approvals.status, "pending"),
        sql`${approvals.expiresAt} > now()`,
      ),
    )
    .limit(1);
  return row?.approval;
}

export type NewHeldRow = Omit<
  HeldRequest,
  | "state"
  | "outcome"
  | "responseStatus"
  | "response"
  | "claimedAt"
  | "finishedAt"
  | "keepUntil"
  | "deliveredAt"
  | "createdAt"
>;

export async function insertHeld(tx: Queryable, values: NewHeldRow): Promise<HeldRequest> {
  const [row] = await tx
    .insert(heldRequests)
    .values({ ...values, state: "held", createdAt: sql`now()` })
    .returning();
  return row;
}

/**
 * held → executing, only while its approval says approved: the one statement that decides
 * which caller sends the request. The approval becomes 'used' with it.
 */
export async function claimHeldExecution(db: Queryable, id: string): Promise<HeldRequest | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(heldRequests)
      .set({ state: "executing", claimedAt: sql`now()` })
      .where(
        and(
          eq(heldRequests.id, id),
          eq(heldRequests.state, "held"),
          sql`exists (select 1 from ${approvals} where ${approvals.id} = ${id} and ${approvals.status} = 'approved')`,
        ),
      )
      .returning();
    if (!row) return undefined;
    await tx
      .update(approvals)
      .set({ status: "used" })
      .where(and(eq(approvals.id, id), eq(approvals.status, "approved")));
    return row;
  });
}

/** executing → done | failed, with what the agent will be handed, kept for HELD_RESPONSE_KEEP_SECONDS. */
export async function finishHeld(
  db: Queryable,
  options: {
    id: string;
    state: "done" | "failed";
    outcome: string | null;
    responseStatus: number | null;
    response: Envelope | null;
  },
): Promise<boolean> {
  const rows = await db
    .update(heldRequests)
    .set({
      state: options.state,
      outcome: options.outcome,
      responseStatus: options.responseStatus,
      response: options.response,
      finishedAt: sql`now()`,
      keepUntil: sql`now() + make_interval(secs => ${HELD_RESPONSE_KEEP_SECONDS})`,
    })
    .where(and(eq(heldRequests.id, options.id), eq(heldRequests.state, "executing")))
    .returning({ id: heldRequests.id });
  return rows.length > 0;
}

/**
 * An execution whose process went away (a restart mid-flight) has an unknown outcome: it
 * is marked failed ('interrupted'), never sent again. Only claims older than `seconds`.
 */
export async function markHeldInterrupted(db: Queryable, options: { id?: string; seconds: number }): Promise<number> {
  const rows = await db
    .update(heldRequests)
    .set({
      state: "failed",
      outcome: "interrupted",
      finishedAt: sql`now()`,
      keepUntil: sql`now() + make_interval(secs => ${HELD_RESPONSE_KEEP_SECONDS})`,
    })
    .where(
      and(
        options.id ? eq(heldRequests.id, options.id) : undefined,
        eq(heldRequests.state, "executing"),
        sql`${heldRequests.claimedAt} < now() - make_interval(secs => ${options.seconds})`,
      ),
    )
    .returning({ id: heldRequests.id });
  return rows.length;
}

/** The one poll that gets the answer: done | failed, not yet delivered, still kept. */
export async function claimHeldDelivery(
  db: Queryable,
  options: { id: string; serviceTokenId: string },
): Promise<HeldRequest | undefined> {
  const [row] = await db
    .update(heldRequests)
    .set({ deliveredAt: sql`now()` })
    .where(
      and(
        eq(heldRequests.id, options.id),
        eq(heldRequests.serviceTokenId, options.serviceTokenId),
        inArray(heldRequests.state, ["done", "failed"]),
        isNull(heldRequests.deliveredAt),
        sql`${heldRequests.keepUntil} > now()`,
      ),
    )
    .returning();
  return row;
}

/** Approved but never claimed (okoro stopped between the decision and the send). */
export async function listApprovedUnsent(db: Queryable, limit = 50): Promise<string[]> {
  const rows = await db
    .select({ id: heldRequests.id })
    .from(heldRequests)
    .innerJoin(approvals, eq(approvals.id, heldRequests.id))
    .where(and(eq(heldRequests.state, "held"), eq(approvals.status, "approved")))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Growth (docs/agent-api.md#held-requests): stored requests and answers go once nobody can
 * collect them — answered and past keep_until, or their approval denied or expired.
 */
export async function deleteStaleHeld(db: Queryable, limit: number): Promise<number> {
  const stale = db
    .select({ id: heldRequests.id })
    .from(heldRequests)
    .innerJoin(approvals, eq(approvals.id, heldRequests.id))
    .where(
      sql`(${heldRequests.keepUntil} is not null and ${heldRequests.keepUntil} < now())
        or (${approvals.status} in ('denied', 'expired') and ${approvals.expiresAt} < now() - interval '10 minutes')
        or (${approvals.status} = 'pending' and ${approvals.expiresAt} < now() - interval '10 minutes')`,
    )
    .limit(limit);
  const rows = await db.delete(heldRequests).where(inArray(heldRequests.id, stale)).returning({ id: heldRequests.id });
  return rows.length;
}

/** For tests: a held request's row as stored. */
export async function getHeldRow(db: Queryable, id: string): Promise<HeldRequest | undefined> {
  const [row] = await db.select().from(heldRequests).where(eq(heldRequests.id, id));
  return row;
}
