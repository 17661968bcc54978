// `okoro token list --user E`: a user's service tokens (hints only, never a token).
import { listServiceTokens } from "@/db/queries/service-tokens";
import { defineCommand } from "@/lib/cli/command";
import { formatTable } from "@/lib/cli/format";
import { grantsText, serviceTokenJson } from "@/lib/cli/token-format";
import { parseEmail, requireUser } from "@/lib/cli/users";

export const command = defineCommand({
  description:
    "List a user's service tokens with their grants, limits and status. Tokens themselves are never shown again.",
  options: { user: { type: "string", required: true, value: "E", description: "The owner's e-mail address" } },
  examples: ["okoro token list --user alice@example.com --json"],
  async run(ctx) {
    const db = await ctx.db();
    const user = await requireUser(db, parseEmail(ctx.values.user));
    const tokens = (await listServiceTokens(db, user.id)).map(serviceTokenJson);
    ctx.output(tokens, () =>
      tokens.length === 0
        ? `${user.email} has no service tokens.`
        : formatTable(
            ["ID", "NAME", "HINT", "GRANTS", "STATUS", "CREATED", "LAST USED"],
            tokens.map((t) => [t.id, t.name, t.hint, grantsText(t.grants), t.status, t.created_at, t.last_used_at]),
          ),
    );
  },
});
