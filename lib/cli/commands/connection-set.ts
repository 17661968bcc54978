// `okoro connection set --user E --provider P`: stores a credential read from stdin as JSON
// (docs/cli.md#command-line), validated against the provider's credential schema, encrypted, replacing any
// earlier connection of that user to that provider.
import type { ConnectionMethod } from "@/db/queries/connections";
import { setConnection } from "@/lib/connect/connections";
import { CliError, UsageError, defineCommand } from "@/lib/cli/command";
import { connectionJson } from "@/lib/cli/format";
import { readJsonObject } from "@/lib/cli/io";
import { requireProvider } from "@/lib/cli/providers";
import { requireUser, parseEmail } from "@/lib/cli/users";
import type { Credential } from "@/lib/providers/types";

const METHODS: readonly ConnectionMethod[] = ["paste", "oauth2", "oauth1"];

/** Every string in the input, so no error message can repeat one by accident. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** "api_key: Invalid input: expected string, received undefined" — never quoting an input value. */
function shapeProblem(issues: readonly { path: PropertyKey[]; message: string }[], input: unknown): string {
  const secrets = stringsIn(input).filter((s) => s.length >= 4);
  return issues
    .slice(0, 3)
    .map((issue) => {
      const text = `${issue.path.length ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}`;
      return secrets.some((s) => text.includes(s))
        ? `${issue.path.map(String).join(".") || "credential"}: invalid value`
        : text;
    })
    .join("; ");
}

export const command = defineCommand({
  description: `Store a user's credential for a provider. The credential is read from stdin as a
JSON object whose shape depends on the provider:
  {"api_key":"…"}                                                 API keys (OpenAI, Anthropic, Stripe, …)
  {"token":"…","token_secret":"…"}                                Trello (OAuth 1.0a)
  {"access_token":"…","refresh_token":"…","expires_at":1767225600}  OAuth 2 tokens (expires_at in epoch seconds)
It is encrypted at rest and never printed. Setting a provider again replaces the credential.`,
  options: {
    user: { type: "string", required: true, value: "E", description: "The user's e-mail address" },
    provider: { type: "string", required: true, value: "P", description: "Provider id, e.g. github, openai, trello" },
    method: {
      type: "string",
      value: "M",
      description:
        "How the credential was obtained: paste, oauth2 or oauth1 (default: oauth2 when it has a refresh_token, else paste)",
    },
  },
  examples: [
    `printf '%s' '{"api_key":"sk-…"}' | okoro connection set --user alice@example.com --provider openai`,
    "okoro connection set --user alice@example.com --provider trello < trello.json",
  ],
  async run(ctx) {
    const email = parseEmail(ctx.values.user);
    const provider = requireProvider(ctx.values.provider);
    const method = ctx.values.method as ConnectionMethod | undefined;
    if (method !== undefined && !METHODS.includes(method))
      throw new UsageError(`--method must be one of ${METHODS.join(", ")}`);

    // stdin before the database: an embedded database is held exclusively while open
    const input = await readJsonObject(ctx.io, "credential");
    const parsed = provider.credential.safeParse(input);
    if (!parsed.success) {
      const fields = provider.connect.paste?.fields.map((f) => f.name);
      const expected = provider.credentialExample
        ? ` (expected ${provider.credentialExample})`
        : fields?.length
          ? ` (expected ${fields.join(", ")})`
          : "";
      throw new CliError(
        `the credential does not fit ${provider.id}${expected}: ${shapeProblem(parsed.error.issues, input)}`,
      );
    }
    const credential: Credential = parsed.data;

    const db = await ctx.db();
    const user = await requireUser(db, email);
    const connection = await setConnection({
      db,
      userId: user.id,
      provider: provider.id,
      method: method ?? ("refresh_token" in credential && credential.refresh_token ? "oauth2" : "paste"),
      credential,
    });
    ctx.output(
      connectionJson(connection),
      `Connected ${provider.name} for ${user.email}${connection.credentialHint ? ` (${connection.credentialHint})` : ""}.`,
    );
  },
});
