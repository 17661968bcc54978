// The copy-paste snippet shown next to a new service token (docs/agent-api.md#agent-tooling): the export line,
// then for each granted provider a curl exchange for an operation token and a curl call
// through the proxy to a harmless, read-only endpoint of that provider. The plaintext
// token appears once, in the export line; every command refers to the variable, so the
// snippet can be pasted into a shell whose history is shared without spreading the token.
import type { Scope } from "@/lib/scopes";

/** A GET on each provider that only reads who the connected account is. */
export const EXAMPLE_CALLS: Record<string, { path: string; what: string }> = {
  github: { path: "/user", what: "check which GitHub account is connected" },
  slack: { path: "/auth.test", what: "check which Slack workspace is connected" },
  openai: { path: "/v1/models", what: "list the OpenAI models available" },
  anthropic: { path: "/v1/models", what: "list the Anthropic models available" },
  notion: { path: "/v1/users/me", what: "check which Notion integration is connected" },
  stripe: { path: "/v1/balance", what: "check the Stripe balance" },
  trello: { path: "/1/members/me", what: "check which Trello member is connected" },
  gmail: { path: "/gmail/v1/users/me/profile", what: "check which Gmail address is connected" },
  "google-drive": { path: "/drive/v3/about?fields=user", what: "check which Google Drive account is connected" },
};

const METHOD_FOR: Record<Exclude<Scope, "read" | "all">, string> = { write: "POST", update: "PATCH", delete: "DELETE" };

export type SnippetGrant = { provider: string; name: string; scopes: readonly Scope[] };

function shellSingleQuoted(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** The scope the example exchanges for: read when the grant allows it (`all` does), else the first granted. */
export function exampleScope(scopes: readonly Scope[]): Scope {
  if (scopes.includes("read") || scopes.includes("all")) return "read";
  return scopes[0] ?? "read";
}

export function agentSnippet(options: {
  token: string;
  baseUrl: string;
  grants: readonly SnippetGrant[];
  approvalScopes: readonly Scope[];
}): string {
  const base = options.baseUrl.replace(/\/+$/, "");
  const lines = [
    "# The agent's only secret. okoro shows it this once; keep it in your agent's secret store.",
    `export OKORO_SERVICE_TOKEN=${options.token}`,
  ];

  for (const grant of options.grants) {
    const example = EXAMPLE_CALLS[grant.provider] ?? { path: "/", what: `call ${grant.name}` };
    const scope = exampleScope(grant.scopes);
    const intent = scope === "read" ? example.what : `${scope} on ${grant.name}`;
    const body = JSON.stringify({ provider: grant.provider, scope, intent });
    lines.push(
      "",
      `# ${grant.name}: exchange the service token for a ${scope} token (lives 5 minutes; needs jq)`,
      ...(options.approvalScopes.includes(scope)
        ? [`# ${scope} needs your approval: the answer is 202 with an approval_url; approve it, then poll its poll_url`]
        : []),
      `OP_TOKEN=$(curl -sS -X POST ${base}/api/token \\`,
      `  -H "Authorization: Bearer $OKORO_SERVICE_TOKEN" \\`,
      `  -H "Content-Type: application/json" \\`,
      `  -d ${shellSingleQuoted(body)} | jq -r .access_token)`,
    );
    if (scope === "read") {
      lines.push(
        `# …and call ${grant.name} through okoro (the agent never sees the real credential)`,
        `curl -sS "${base}/p/${grant.provider}${example.path}" \\`,
      );
    } else {
      const method = METHOD_FOR[scope as keyof typeof METHOD_FOR] ?? "POST";
      lines.push(
        `# …then ${method} to a path of ${grant.name}'s API (this token cannot read)`,
        `curl -sS -X ${method} "${base}/p/${grant.provider}/…" \\`,
      );
    }
    lines.push(`  -H "Authorization: Bearer $OP_TOKEN"`);
  }
  return lines.join("\n");
}
