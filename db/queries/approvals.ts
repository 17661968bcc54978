// Approvals (docs/agent-api.md#exchange, docs/dashboard.md#dashboard): requests that wait for a person. Every state change is one
// conditional UPDATE … WHERE status = … RETURNING, so two callers racing for the same
// transition (two polls collecting a token, a person approving while the request
// expires) cannot both win. Expiry is judged by the database clock (now()), the same
// clock that stamped expires_at, whichever app instance asks.
import "server-only";
import { and, asc, count, desc, eq, gt, inArray, lte, min, sql, type SQL } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { approvals, heldRequests, serviceTokens, type Approval } from "@/db/schema";

/** How long a person has to decide (docs/agent-api.md#exchange: `expires_in: 900`). */
export const APPROVAL_WINDOW_SECONDS = 900;
/** An agent cannot keep more pending requests than this in front of a person. */
export const MAX_PENDING_PER_TOKEN = 20;
/**
 * A request approved in its last moments still leaves the agent this long to collect the
 * token (it polls every 2 s, but it may be between polls when the window closes).
 */
export const COLLECT_GRACE_SECONDS = 60;

/** An approval as people and agents see it: with the agent's name and the token's state. */
export type ApprovalView = Approval & {
  agent: string;
  tokenRevokedAt: Date | null;
  tokenExpiresAt: Date | null;
  /** the token's approval_scopes now: a remembered scope listed there still asks every time */
  tokenApprovalScopes: string[];
  /** pending or approved, but past expires_at by the database clock (not yet marked expired) */
  lapsed: boolean;
  /** a held request's method and path (with its query), null for an exchange approval */
  heldMethod: string | null;
  heldPath: string | null;
};

export type ApprovalStatus = Approval["status"];

// an approved held request does not lapse: the person's yes is carried out (lib/held/execute.ts)
const lapsedSql = sql<boolean>`((${approvals.status} = 'pending' or (${approvals.status} = 'approved' and ${approvals.kind} = 'exchange')) and ${approvals.expiresAt} <= now())`;

const viewColumns = {
  approval: approvals,
  agent: serviceTokens.name,
  tokenRevokedAt: serviceTokens.revokedAt,
  tokenExpiresAt: serviceTokens.expiresAt,
  tokenApprovalScopes: serviceTokens.approvalScopes,
  lapsed: lapsedSql,
  heldMethod: heldRequests.method,
  heldPath: sql<
    string | null
  >`case when ${heldRequests.query} <> '' then ${heldRequests.path} || '?' || ${heldRequests.query} else ${heldRequests.path} end`,
};

type ViewRow = Omit<ApprovalView, keyof Approval> & { approval: Approval };

function toView({ approval, ...rest }: ViewRow): ApprovalView {
  return { ...approval, ...rest, lapsed: Boolean(rest.lapsed) };
}

async function selectViews(
  db: Queryable,
  where: SQL | undefined,
  options: { order?: SQL[]; limit?: number } = {},
): Promise<ApprovalView[]> {
  const query = db
    .select(viewColumns)
    .from(approvals)
    .innerJoin(serviceTokens, eq(serviceTokens.id, approvals.serviceTokenId))
    .leftJoin(heldRequests, eq(heldRequests.id, approvals.id))
    .where(where)
    .orderBy(...(options.order ?? [desc(approvals.createdAt)]));
  const rows = options.limit ? await query.limit(options.limit) : await query;
  return rows.map(toView);
}

/** Locks the token's row (serializing one agent's requests) and counts its open approvals. */
export async function lockTokenPendingApprovals(
  tx: Queryable,
  serviceTokenId: string,
): Promise<{ n: number; oldest: Date | null; now: Date }> {
  await tx
    .select({ id: serviceTokens.id })
    .from(serviceTokens)
    .where(eq(serviceTokens.id, serviceTokenId))
    .for("update");
  const [open] = await tx
    .select({ n: count(), oldest: min(approvals.expiresAt), now: sql<Date>`now()`.mapWith(approvals.expiresAt) })
    .from(approvals)
    .where(
      and(
        eq(approvals.serviceTokenId, serviceTokenId),
        eq(approvals.status, "pending"),
        gt(approvals.expiresAt, sql`now()`),
      ),
    );
  return open;
}

export type NewApprovalRow = Pick<
  Approval,
  "id" | "userId" | "serviceTokenId" | "provider" | "scope" | "intent" | "reason" | "ttl" | "singleUse" | "beyondGrant"
> & { kind?: Approval["kind"] };

/** Inserts a pending approval, open for APPROVAL_WINDOW_SECONDS from the database's now. */
export async function insertPendingApproval(tx: Queryable, values: NewApprovalRow): Promise<Approval> {
  const [approval] = await tx
    .insert(approvals)
    .values({
      ...values,
      status: "pending",
      createdAt: sql`now()`,
      expiresAt: sql`now() + make_interval(secs => ${APPROVAL_WINDOW_SECONDS})`,
    })
    .returning();
  return approval;
}

export async function getApproval(db: Queryable, id: string): Promise<ApprovalView | undefined> {
  const [row] = await selectViews(db, eq(approvals.id, id));
  return row;
}

/** Pending, unexpired requests of one user, the newest first. */
export async function listPendingApprovals(
  db: Queryable,
  options: { userId: string; limit?: number },
): Promise<ApprovalView[]> {
  return selectViews(
    db,
    and(eq(approvals.userId, options.userId), eq(approvals.status, "pending"), gt(approvals.expiresAt, sql`now()`)),
    {
      limit: options.limit ?? 200,
    },
  );
}

/** Everything that is no longer waiting (decided, used, expired), the newest first. */
export async function listRecentApprovals(
  db: Queryable,
  options: { userId: string; limit?: number },
): Promise<ApprovalView[]> {
  return selectViews(
    db,
    and(
      eq(approvals.userId, options.userId),
      sql`not (${approvals.status} = 'pending' and ${approvals.expiresAt} > now())`,
    ),
    {
      order: [desc(sql`coalesce(${approvals.decidedAt}, ${approvals.createdAt})`), desc(approvals.createdAt)],
      limit: options.limit ?? 20,
    },
  );
}

/** One list for the CLI: pending (unexpired) first, then the rest; each group newest first. */
export async function listApprovals(
  db: Queryable,
  options: { userId: string; limit?: number },
): Promise<ApprovalView[]> {
  return selectViews(db, eq(approvals.userId, options.userId), {
    order: [desc(sql`(${approvals.status} = 'pending' and ${approvals.expiresAt} > now())`), desc(approvals.createdAt)],
    limit: options.limit ?? 100,
  });
}

export async function countPendingApprovals(db: Queryable, options: { userId: string }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(approvals)
    .where(
      and(eq(approvals.userId, options.userId), eq(approvals.status, "pending"), gt(approvals.expiresAt, sql`now()`)),
    );
  return row?.n ?? 0;
}

/** Marks a lapsed pending/approved request expired (idempotent); true when this call did it. */
export async function markApprovalExpired(db: Queryable, id: string): Promise<boolean> {
  const rows = await db
    .update(approvals)
    .set({ status: "expired" })
    .where(
      and(
        eq(approvals.id, id),
        sql`(${approvals.status} = 'pending' or (${approvals.status} = 'approved' and ${approvals.kind} = 'exchange'))`,
        lte(approvals.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: approvals.id });
  return rows.length > 0;
}

/**
 * pending → approved | denied, only while unexpired (and only the owner's when `userId`
 * is given). Approving leaves the agent at least COLLECT_GRACE_SECONDS to collect.
 * Returns undefined when the request was not pending and unexpired at that instant.
 */
export async function recordDecision(
  tx: Queryable,
  options: { id: string; userId?: string; status: "approved" | "denied"; remember: boolean },
): Promise<Approval | undefined> {
  const [row] = await tx
    .update(approvals)
    .set({
      status: options.status,
      remember: options.remember,
      decidedAt: sql`now()`,
      ...(options.status === "approved"
        ? { expiresAt: sql`greatest(${approvals.expiresAt}, now() + make_interval(secs => ${COLLECT_GRACE_SECONDS}))` }
        : {}),
    })
    .where(
      and(
        eq(approvals.id, options.id),
        options.userId ? eq(approvals.userId, options.userId) : undefined,
        eq(approvals.status, "pending"),
        gt(approvals.expiresAt, sql`now()`),
      ),
    )
    .returning();
  return row;
}

/**
 * approved → used for the token that asked: the one statement that decides which poll
 * gets the operation token. Concurrent polls serialize on the row; the losers see
 * status 'used' and get nothing back.
 */
export async function claimApprovedApproval(
  db: Queryable,
  options: { id: string; serviceTokenId: string },
): Promise<Approval | undefined> {
  const [row] = await db
    .update(approvals)
    .set({ status: "used" })
    .where(
      and(
        eq(approvals.id, options.id),
        eq(approvals.serviceTokenId, options.serviceTokenId),
        eq(approvals.kind, "exchange"),
        eq(approvals.status, "approved"),
        gt(approvals.expiresAt, sql`now()`),
      ),
    )
    .returning();
  return row;
}

/** What a repeated exchange is matched on: the same token asking the same thing for the same reason. */
export type ApprovalKey = { serviceTokenId: string; provider: string; scope: string; intent: string };

const sameRequest = (key: ApprovalKey) =>
  and(
    eq(approvals.serviceTokenId, key.serviceTokenId),
    eq(approvals.kind, "exchange"),
    eq(approvals.provider, key.provider),
    eq(approvals.scope, key.scope),
    eq(approvals.intent, key.intent),
  );

/**
 * approved → used for the oldest unexpired approval of this key: a caller that cannot poll
 * by id (an MCP tool call) collects by asking again. One statement: of concurrent callers
 * exactly one gets each approval (the others skip the row it locked and find none, or
 * another approved one of the same key).
 */
export async function claimApprovedApprovalFor(db: Queryable, key: ApprovalKey): Promise<Approval | undefined> {
  const oldest = db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(sameRequest(key), eq(approvals.status, "approved"), gt(approvals.expiresAt, sql`now()`)))
    .orderBy(asc(approvals.createdAt))
    .limit(1)
    .for("update", { skipLocked: true });
  const [row] = await db
    .update(approvals)
    .set({ status: "used" })
    .where(and(inArray(approvals.id, oldest), eq(approvals.status, "approved"), gt(approvals.expiresAt, sql`now()`)))
    .returning();
  return row;
}

/** The newest pending, unexpired approval of this key (read under the token's lock by its creator). */
export async function findPendingApprovalFor(tx: Queryable, key: ApprovalKey): Promise<Approval | undefined> {
  const [row] = await tx
    .select()
    .from(approvals)
    .where(and(sameRequest(key), eq(approvals.status, "pending"), gt(approvals.expiresAt, sql`now()`)))
    .orderBy(desc(approvals.createdAt))
    .limit(1);
  return row;
}

/** used → approved: only when minting failed after the claim, so no token was handed out. */
export async function releaseApprovalClaim(db: Queryable, id: string): Promise<void> {
  await db
    .update(approvals)
    .set({ status: "approved" })
    .where(and(eq(approvals.id, id), eq(approvals.status, "used")));
}

/** Oldest first, for tests and tools that replay a token's history. */
export async function listApprovalsForToken(db: Queryable, serviceTokenId: string): Promise<Approval[]> {
  return db
    .select()
    .from(approvals)
    .where(eq(approvals.serviceTokenId, serviceTokenId))
    .orderBy(asc(approvals.createdAt));
}
