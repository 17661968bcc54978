// `okoro audit list --user E [filters] [--limit N]`: newest first.
import { listAuditEvents } from "@/db/queries/audit";
import { UsageError, defineCommand } from "@/lib/cli/command";
import { AUDIT_FILTER_OPTIONS, auditFilterFrom } from "@/lib/cli/audit-filter";
import { formatTable } from "@/lib/cli/format";
import { auditEventJson } from "@/lib/audit/format";

export const command = defineCommand({
  description: "List a user's audit events, newest first.",
  options: {
    ...AUDIT_FILTER_OPTIONS,
    limit: { type: "string", value: "N", description: "At most N events (default 50, up to 1000)" },
  },
  examples: [
    "okoro audit list --user alice@example.com --agent research-agent --since 1h",
    "okoro audit list --user alice@example.com --flagged --json",
  ],
  async run(ctx) {
    const limit = ctx.values.limit === undefined ? 50 : Number(ctx.values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError("--limit takes a whole number from 1 to 1000");
    const db = await ctx.db();
    const filter = await auditFilterFrom(db, ctx.values);
    const { rows } = await listAuditEvents(db, filter, { limit });
    const events = rows.map(auditEventJson);
    ctx.output(events, () =>
      events.length === 0
        ? "No matching events."
        : formatTable(
            ["SEQ", "AT", "EVENT", "AGENT", "PROVIDER", "SCOPE", "METHOD", "PATH", "STATUS", "OUTCOME", "FLAGS"],
            rows.map((e) => [
              e.seq,
              e.at.toISOString(),
              e.event,
              e.agent,
              e.provider,
              e.scope,
              e.method,
              e.path,
              e.status,
              e.outcome,
              e.flags.join(","),
            ]),
          ),
    );
  },
});
