// Exporting a filtered audit log as a download (docs/audit.md#audit-log: CSV and JSON Lines), streamed
// page by page so a log of any size leaves in constant memory and the first bytes go out
// at once. The rows and their format are the CLI's (`okoro audit export`).
import "server-only";
import type { Database } from "@/db/client";
import { iterateAuditEvents, type AuditFilter } from "@/db/queries/audit";
import { auditCsvHeader, auditCsvRow, auditJsonLine } from "@/lib/audit/format";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/** `okoro-audit-20261123-0215.csv`: sortable, and says when it was taken (UTC). */
export function exportFilename(format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `okoro-audit-${stamp}.${format}`;
}

/** The download: every event matching the filter, newest first. */
export function auditExportResponse(
  db: Database,
  filter: AuditFilter,
  format: ExportFormat,
  now = new Date(),
): Response {
  const encoder = new TextEncoder();
  const events = iterateAuditEvents(db, filter, 1000);
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = "";
        if (!started) {
          started = true;
          if (format === "csv") chunk += auditCsvHeader();
        }
        // one database page per pull: the stream's backpressure paces the reads
        for (let i = 0; i < 1000; i++) {
          const next = await events.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += format === "csv" ? auditCsvRow(next.value) : auditJsonLine(next.value);
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (e) {
        // the status line has gone out: all that can be done is to cut the download short
        console.error("[okoro] audit export failed:", (e as Error).message);
        controller.error(e);
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${exportFilename(format, now)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
