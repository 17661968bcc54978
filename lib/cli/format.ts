// How the CLI prints records: `--json` objects with the snake_case field names of
// docs/tokens.md#service-tokens and docs/audit.md#audit-log, and plain-text tables. Nothing here ever receives a secret: connections arrive
// as ConnectionSummary (no credential), users without their password hash.
import type { ConnectionSummary } from "@/db/queries/connections";
import type { User } from "@/db/schema";

/** A Date (or nothing) as the CLI prints it: ISO 8601 in UTC. */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

export function userJson(user: User) {
  return { id: user.id, email: user.email, name: user.name, status: user.status, created_at: iso(user.createdAt) };
}

export function connectionJson(c: ConnectionSummary) {
  return {
    id: c.id,
    user_id: c.userId,
    provider: c.provider,
    method: c.method,
    status: c.status,
    status_detail: c.statusDetail,
    hint: c.credentialHint,
    account_name: c.accountName,
    granted_scopes: c.grantedScopes,
    access_expires_at: iso(c.accessExpiresAt),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    refreshed_at: iso(c.refreshedAt),
    last_used_at: iso(c.lastUsedAt),
  };
}

/** A plain-text table with a header row; null, undefined and "" print as "-". */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [
    headers,
    ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === "" ? "-" : String(c)))),
  ];
  const width = (s: string) => [...s].length;
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i]))));
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i] - width(c)))).join("  "))
    .join("\n");
}
