// `okoro approval approve ID [--remember]`: says yes to a pending request, as the
// dashboard's "Approve once" / "Approve and remember" do. The agent collects its token
// on its next poll. The CLI speaks for the operator, so any user's request can be decided.
import { defineCommand } from "@/lib/cli/command";
import { approvalJson } from "@/lib/cli/commands/approval-json";
import { decideApproval, decisionSummary } from "@/lib/approvals/decide";

export const command = defineCommand({
  description: `Approve a pending approval request; the agent collects its operation token on its
next poll. With --remember the scope is also added to the service token's grant, so a
request beyond the grant is not asked again (scopes the token lists as needing approval
still ask every time).`,
  options: {
    remember: { type: "boolean", description: "Add the scope to the service token's grant" },
  },
  args: [{ name: "ID", description: "The approval id (apr_…), see okoro approval list", required: true }],
  examples: ["okoro approval approve apr_3kTMd9…", "okoro approval approve apr_3kTMd9… --remember"],
  async run(ctx) {
    const db = await ctx.db();
    const decided = await decideApproval(db, {
      id: ctx.args[0].trim(),
      decision: ctx.values.remember ? "approve_remember" : "approve",
      userAgent: "okoro-cli",
    });
    ctx.output(approvalJson(decided, ctx.env().url), `${decisionSummary(decided)} (${decided.id})`);
  },
});
