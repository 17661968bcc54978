// `okoro approval list --user E`: the user's approval requests, pending ones first (the
// dashboard's approvals page, for headless setups).
import { listApprovals } from "@/db/queries/approvals";
import { UsageError, defineCommand } from "@/lib/cli/command";
import { approvalJson, clip } from "@/lib/cli/commands/approval-json";
import { formatTable } from "@/lib/cli/format";
import { parseEmail, requireUser } from "@/lib/cli/users";

export const command = defineCommand({
  description: `List a user's approval requests: pending ones first (newest first), then decided,
used and expired ones. Held requests show their method and path. Decide with \`okoro approval approve ID\` or \`okoro approval deny ID\`.`,
  options: {
    user: { type: "string", required: true, value: "E", description: "The user's e-mail address" },
    limit: { type: "string", value: "N", description: "At most N requests (default 100)" },
  },
  examples: ["okoro approval list --user alice@example.com", "okoro approval list --user alice@example.com --json"],
  async run(ctx) {
    const email = parseEmail(ctx.values.user);
    const limit = ctx.values.limit === undefined ? 100 : Number(ctx.values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new UsageError("--limit must be a whole number from 1 to 10000");
    const db = await ctx.db();
    const user = await requireUser(db, email);
    const list = (await listApprovals(db, { userId: user.id, limit })).map((a) => approvalJson(a, ctx.env().url));
    ctx.output(list, () =>
      list.length === 0
        ? `${user.email} has no approval requests.`
        : formatTable(
            ["ID", "STATUS", "AGENT", "PROVIDER", "SCOPE", "REQUEST", "INTENT", "CREATED", "EXPIRES"],
            list.map((a) => [
              a.id,
              a.status,
              a.agent,
              a.provider,
              a.scope,
              a.method ? clip(`${a.method} ${a.path}`) : "(token)",
              clip(a.intent),
              a.created_at,
              a.status === "pending" ? a.expires_at : null,
            ]),
          ),
    );
  },
});
