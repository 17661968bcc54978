// `okoro connection list --user E`: a user's connections, never their credentials.
import { listConnections } from "@/db/queries/connections";
import { defineCommand } from "@/lib/cli/command";
import { connectionJson, formatTable } from "@/lib/cli/format";
import { parseEmail, requireUser } from "@/lib/cli/users";

export const command = defineCommand({
  description: "List the providers a user has connected, with each connection's status and credential hint.",
  options: {
    user: { type: "string", required: true, value: "E", description: "The user's e-mail address" },
  },
  examples: ["okoro connection list --user alice@example.com", "okoro connection list --user alice@example.com --json"],
  async run(ctx) {
    const email = parseEmail(ctx.values.user);
    const db = await ctx.db();
    const user = await requireUser(db, email);
    const list = await listConnections({ db, userId: user.id });
    ctx.output(list.map(connectionJson), () =>
      list.length === 0
        ? `${user.email} has no connections.`
        : formatTable(
            ["PROVIDER", "METHOD", "STATUS", "HINT", "UPDATED", "LAST USED"],
            list.map((c) => [
              c.provider,
              c.method,
              c.status,
              c.credentialHint,
              c.updatedAt.toISOString(),
              c.lastUsedAt?.toISOString(),
            ]),
          ),
    );
  },
});
