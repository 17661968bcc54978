// Deleting rows that can no longer matter from the tables that grow with every request or
// attempt. Each function deletes at most `limit` rows in one statement and says how many
// went, so a caller can sweep in short batches that never hold many locks for long.
// Everything is judged by the database clock (now()), the one that stamped the rows.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";

async function countDeleted(db: Queryable, statement: SQL): Promise<number> {
  const result = await db.execute(sql`WITH gone AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM gone`);
  return Number((result as unknown as { rows: { n: number | string }[] }).rows[0]?.n ?? 0);
}

/**
 * Single-use token ids whose token has expired: a replay of it is refused for its expiry
 * anyway. A minute past expiry, more than the verifier's clock tolerance.
 */
export function sweepUsedJtis(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM used_jtis WHERE jti IN (
      SELECT jti FROM used_jtis WHERE expires_at < now() - interval '1 minute' LIMIT ${options.limit})`,
  );
}

/**
 * Limit counters whose window is over: the next hit would start a new window at 1 anyway,
 * which is what a missing row gives. Monthly quotas (keys ending in `:quota:month`) last
 * until the month ends; every other window is a day at most (daily quotas, per-minute
 * rates, per-address windows of minutes), so a day after it began it is over.
 */
export function sweepLimitCounters(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM limit_counters WHERE key IN (
      SELECT key FROM limit_counters
      WHERE CASE WHEN key LIKE '%:quota:month'
        THEN window_start < date_trunc('month', now() AT TIME ZONE 'utc') AT TIME ZONE 'utc'
        ELSE window_start < now() - interval '1 day' END
      LIMIT ${options.limit})`,
  );
}

/** OAuth connect flows that were abandoned: their state has expired and works no more. */
export function sweepOAuthStates(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM oauth_states WHERE state_hash IN (
      SELECT state_hash FROM oauth_states WHERE expires_at < now() LIMIT ${options.limit})`,
  );
}

/**
 * Approvals whose window closed more than `days` ago, whatever became of them: nothing can
 * be decided or collected any more, and the audit log keeps the story (requested,
 * decided, issued).
 */
export function sweepApprovals(db: Queryable, options: { limit: number; days: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM approvals WHERE id IN (
      SELECT id FROM approvals WHERE expires_at < now() - make_interval(days => ${options.days}::int) LIMIT ${options.limit})`,
  );
}

/**
 * Account links (verification, password reset, e-mail change) a day past their expiry:
 * till then a late click is told "expired" or "used"; after it, "not valid", and nothing
 * can be done with it either way.
 */
export function sweepAccountTokens(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM account_tokens WHERE id IN (
      SELECT id FROM account_tokens WHERE expires_at < now() - interval '1 day' LIMIT ${options.limit})`,
  );
}

/** Authorization codes well past their minute: a late redemption is refused for its expiry anyway. */
export function sweepOAuthCodes(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM oauth_codes WHERE code_hash IN (
      SELECT code_hash FROM oauth_codes WHERE expires_at < now() - interval '1 hour' LIMIT ${options.limit})`,
  );
}

/**
 * Expired OAuth access and refresh tokens. A used refresh token is kept until it expires:
 * while it lives, presenting it again is recognised as a replay and ends the grant.
 */
export function sweepOAuthTokens(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM oauth_tokens WHERE token_hash IN (
      SELECT token_hash FROM oauth_tokens WHERE expires_at < now() LIMIT ${options.limit})`,
  );
}

/** Dynamic registrations nobody authorized within a day: anyone may register, so they must not pile up. */
export function sweepStaleOAuthClients(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM oauth_clients WHERE id IN (
      SELECT id FROM oauth_clients
      WHERE last_authorized_at IS NULL AND created_at < now() - interval '1 day' LIMIT ${options.limit})`,
  );
}

/**
 * Dashboard sessions that ended (revoked) or went idle longer than a session lasts (7
 * days), a day after: their cookie opens nothing any more, and the sessions list no
 * longer shows them.
 */
export function sweepUserSessions(db: Queryable, options: { limit: number }): Promise<number> {
  return countDeleted(
    db,
    sql`DELETE FROM user_sessions WHERE id IN (
      SELECT id FROM user_sessions
      WHERE coalesce(revoked_at, last_seen_at + interval '7 days') < now() - interval '1 day'
      LIMIT ${options.limit})`,
  );
}
