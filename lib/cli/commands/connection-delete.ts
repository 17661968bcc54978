// `okoro connection delete --user E --provider P`: removes the connection. The user's
// service tokens keep existing; their calls to that provider get 409 not_connected.
import { deleteConnection } from "@/lib/connect/connections";
import { CliError, defineCommand } from "@/lib/cli/command";
import { requireProvider } from "@/lib/cli/providers";
import { parseEmail, requireUser } from "@/lib/cli/users";

export const command = defineCommand({
  description: `Remove a user's connection to a provider and its stored credential. Service tokens
stay; their requests to that provider are refused (409 not_connected) until it is connected again.`,
  options: {
    user: { type: "string", required: true, value: "E", description: "The user's e-mail address" },
    provider: { type: "string", required: true, value: "P", description: "Provider id" },
  },
  examples: ["okoro connection delete --user alice@example.com --provider github"],
  async run(ctx) {
    const email = parseEmail(ctx.values.user);
    const provider = requireProvider(ctx.values.provider);
    const db = await ctx.db();
    const user = await requireUser(db, email);
    if (!(await deleteConnection({ db, userId: user.id, provider: provider.id }))) {
      throw new CliError(`${user.email} has no ${provider.id} connection`);
    }
    ctx.output(
      { deleted: true, user_id: user.id, provider: provider.id },
      `Disconnected ${provider.name} for ${user.email}.`,
    );
  },
});
