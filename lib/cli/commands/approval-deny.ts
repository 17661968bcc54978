// `okoro approval deny ID`: says no to a pending request; the agent's next poll gets
// 403 approval_denied.
import { defineCommand } from "@/lib/cli/command";
import { approvalJson } from "@/lib/cli/commands/approval-json";
import { decideApproval, decisionSummary } from "@/lib/approvals/decide";

export const command = defineCommand({
  description: "Deny a pending approval request. The agent's next poll is answered 403 approval_denied.",
  options: {},
  args: [{ name: "ID", description: "The approval id (apr_…), see okoro approval list", required: true }],
  examples: ["okoro approval deny apr_3kTMd9…"],
  async run(ctx) {
    const db = await ctx.db();
    const decided = await decideApproval(db, { id: ctx.args[0].trim(), decision: "deny", userAgent: "okoro-cli" });
    ctx.output(approvalJson(decided, ctx.env().url), `${decisionSummary(decided)} (${decided.id})`);
  },
});
