// Reading the audit log (SPEC §6): filtered, newest first, cursor-paginated by seq within
// one user's chain. The dashboard's audit viewer, `okoro audit list|export` and the
// exports share these queries.
import "server-only";
import { and, desc, eq, gte, ilike, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, type AuditEvent } from "@/db/schema";

export type AuditFilter = {
  /** the user whose chain is read */
  userId: string;
  agent?: string;
  provider?: string;
  scope?: string;
  event?: string;
  outcome?: "allowed" | "denied" | "error";
  flagged?: boolean;
  since?: Date;
  until?: Date;
  /** free text over intent and path */
  text?: string;
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function auditWhere(filter: AuditFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(auditEvents.chain, filter.userId)];
  if (filter.agent) conditions.push(eq(auditEvents.agent, filter.agent));
  if (filter.provider) conditions.push(eq(auditEvents.provider, filter.provider));
  if (filter.scope) conditions.push(eq(auditEvents.scope, filter.scope));
  if (filter.event) conditions.push(eq(auditEvents.event, filter.event));
  if (filter.outcome) conditions.push(eq(auditEvents.outcome, filter.outcome));
  if (filter.flagged) conditions.push(sql`jsonb_array_length(${auditEvents.flags}) > 0`);
  if (filter.since) conditions.push(gte(auditEvents.at, filter.since));
  if (filter.until) conditions.push(lte(auditEvents.at, filter.until));
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    conditions.push(or(ilike(auditEvents.intent, pattern), ilike(auditEvents.path, pattern)));
  }
  return and(...conditions)!;
}

/** One page, newest first. `before` is the cursor: the smallest seq of the previous page. */
export async function listAuditEvents(
  db: Database,
  filter: AuditFilter,
  page: { limit?: number; before?: number } = {},
): Promise<{ rows: AuditEvent[]; nextBefore: number | null }> {
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 1000);
  const where = page.before ? and(auditWhere(filter), lt(auditEvents.seq, page.before))! : auditWhere(filter);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return { rows: pageRows, nextBefore: more ? pageRows[pageRows.length - 1].seq : null };
}

/** Every matching event, newest first, page by page (for exports of any size). */
export async function* iterateAuditEvents(db: Database, filter: AuditFilter, pageSize = 1000): AsyncGenerator<AuditEvent> {
  let before: number | undefined;
  for (;;) {
    const { rows, nextBefore } = await listAuditEvents(db, filter, { limit: pageSize, before });
    yield* rows;
    if (nextBefore === null) return;
    before = nextBefore;
  }
}
