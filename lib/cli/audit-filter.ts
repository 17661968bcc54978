// The filter options `okoro audit list` and `audit export` share.
import type { AuditFilter } from "@/db/queries/audit";
import type { Database } from "@/db/client";
import { parseDuration } from "@/lib/cli/duration";
import { parseEmail, requireUser } from "@/lib/cli/users";

export const AUDIT_FILTER_OPTIONS = {
  user: { type: "string", required: true, value: "E", description: "The user whose log is read" },
  agent: { type: "string", value: "A", description: "Only this agent (service token name)" },
  provider: { type: "string", value: "P", description: "Only this provider" },
  event: { type: "string", value: "EV", description: "Only this event, e.g. proxy.request" },
  flagged: { type: "boolean", description: "Only flagged events" },
  since: { type: "string", value: "D", description: "Only the last duration, e.g. 1h, 7d" },
} as const;

export async function auditFilterFrom(
  db: Database,
  values: { user: string; agent?: string; provider?: string; event?: string; flagged: boolean; since?: string },
): Promise<AuditFilter> {
  const user = await requireUser(db, parseEmail(values.user));
  return {
    userId: user.id,
    agent: values.agent,
    provider: values.provider,
    event: values.event,
    flagged: values.flagged || undefined,
    since: values.since ? new Date(Date.now() - parseDuration(values.since, "--since") * 1000) : undefined,
  };
}
