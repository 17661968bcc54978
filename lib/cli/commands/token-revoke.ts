// `okoro token revoke ID`: takes effect on the very next proxied request.
import { revokeServiceToken } from "@/lib/tokens/service-tokens";
import { CliError, defineCommand } from "@/lib/cli/command";
import { serviceTokenJson } from "@/lib/cli/token-format";
import { isOkoroError } from "@/lib/errors";

export const command = defineCommand({
  description:
    "Revoke a service token. Its operation tokens stop working at once: every proxied request checks the database.",
  options: {},
  args: [{ name: "ID", description: "The service token's id (tok_…), from `okoro token list`", required: true }],
  examples: ["okoro token revoke tok_3kTMd9cJ2QbW8YxZr1Lf0a"],
  async run(ctx) {
    const id = ctx.args[0];
    const db = await ctx.db();
    try {
      const row = await revokeServiceToken(db, { id });
      ctx.output(serviceTokenJson(row), `Revoked ${row.id} (${row.name}).`);
    } catch (e) {
      if (isOkoroError(e) && e.code === "not_found") throw new CliError(`no service token with id ${id}`);
      throw e;
    }
  },
});
