// What marks an audit event as an MCP tool call's: every event the call causes (the
// exchange's and the proxy's) carries it, so the log and the viewer can tell a tool call
// from a direct /p/ call and say which tool made it.
import type { AuditInput } from "@/lib/audit/append";

export function mcpAuditTag(tool: string): Pick<AuditInput, "via" | "tool"> {
  return { via: "mcp", tool };
}
