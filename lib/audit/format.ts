// The audit event as the outside world sees it: docs/audit.md#audit-log field names, for `--json`, JSON
// Lines and CSV exports. `chain` is internal and left out.
import { stringify } from "csv-stringify/sync";
import type { AuditEvent } from "@/db/schema";

export const AUDIT_FIELDS = [
  "seq",
  "id",
  "at",
  "user_id",
  "event",
  "agent",
  "service_token_id",
  "jti",
  "provider",
  "scope",
  "required_scope",
  "intent",
  "reason",
  "method",
  "path",
  "query",
  "status",
  "duration_ms",
  "bytes_in",
  "bytes_out",
  "outcome",
  "error",
  "flags",
  "flag_reason",
  "ip",
  "user_agent",
  "request_id",
  "via",
  "tool",
  "count",
  "prev_hash",
  "hash",
] as const;

export type AuditEventJson = Record<(typeof AUDIT_FIELDS)[number], unknown>;

export function auditEventJson(e: AuditEvent): AuditEventJson {
  return {
    seq: e.seq,
    id: e.id,
    at: e.at.toISOString(),
    user_id: e.userId,
    event: e.event,
    agent: e.agent,
    service_token_id: e.serviceTokenId,
    jti: e.jti,
    provider: e.provider,
    scope: e.scope,
    required_scope: e.requiredScope,
    intent: e.intent,
    reason: e.reason,
    method: e.method,
    path: e.path,
    query: e.query,
    status: e.status,
    duration_ms: e.durationMs,
    bytes_in: e.bytesIn,
    bytes_out: e.bytesOut,
    outcome: e.outcome,
    error: e.error,
    flags: e.flags,
    flag_reason: e.flagReason,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    via: e.via,
    tool: e.tool,
    count: e.count,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

export function auditCsvHeader(): string {
  return stringify([AUDIT_FIELDS as unknown as string[]]);
}

/** One CSV row; flags joined with "|". Cells that a spreadsheet would run as formulas are defused. */
export function auditCsvRow(e: AuditEvent): string {
  const json = auditEventJson(e);
  return stringify([
    AUDIT_FIELDS.map((f) => {
      const v = json[f];
      const text = v === null || v === undefined ? "" : Array.isArray(v) ? v.join("|") : String(v);
      return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    }),
  ]);
}

export function auditJsonLine(e: AuditEvent): string {
  return `${JSON.stringify(auditEventJson(e))}\n`;
}
