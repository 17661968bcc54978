// `okoro audit export --user E --format csv|jsonl`: the whole (filtered) log to stdout,
// streamed page by page.
import { iterateAuditEvents } from "@/db/queries/audit";
import { UsageError, defineCommand } from "@/lib/cli/command";
import { AUDIT_FILTER_OPTIONS, auditFilterFrom } from "@/lib/cli/audit-filter";
import { auditCsvHeader, auditCsvRow, auditJsonLine } from "@/lib/audit/format";

export const command = defineCommand({
  description: "Export a user's audit events, newest first, as CSV or JSON Lines on stdout.",
  options: {
    ...AUDIT_FILTER_OPTIONS,
    format: { type: "string", required: true, value: "csv|jsonl", description: "Output format" },
  },
  examples: [
    "okoro audit export --user alice@example.com --format csv > audit.csv",
    "okoro audit export --user alice@example.com --format jsonl --since 7d",
  ],
  async run(ctx) {
    const format = ctx.values.format;
    if (format !== "csv" && format !== "jsonl") throw new UsageError(`--format takes csv or jsonl (got "${format}")`);
    const db = await ctx.db();
    const filter = await auditFilterFrom(db, ctx.values);
    if (format === "csv") ctx.io.stdout.write(auditCsvHeader());
    for await (const event of iterateAuditEvents(db, filter))
      ctx.io.stdout.write(format === "csv" ? auditCsvRow(event) : auditJsonLine(event));
  },
});
