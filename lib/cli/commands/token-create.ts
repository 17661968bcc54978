// `okoro token create`: a service token for an agent. The plaintext is printed once.
import { createServiceToken } from "@/lib/tokens/service-tokens";
import { CliError, UsageError, defineCommand } from "@/lib/cli/command";
import { parseDuration } from "@/lib/cli/duration";
import { grantsText, serviceTokenJson } from "@/lib/cli/token-format";
import { parseEmail, requireUser } from "@/lib/cli/users";
import { isOkoroError } from "@/lib/errors";
import { getProvider, PROVIDER_IDS } from "@/lib/providers/catalog";
import { isScope, SCOPES, type Scope } from "@/lib/scopes";

function parseScopes(list: string, option: string): Scope[] {
  const scopes = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError(`${option} needs at least one scope`);
  for (const s of scopes)
    if (!isScope(s)) throw new UsageError(`${option}: "${s}" is not a scope (${SCOPES.join(", ")})`);
  return [...new Set(scopes)] as Scope[];
}

export function parseGrants(values: string[]): Record<string, Scope[]> {
  if (values.length === 0)
    throw new UsageError("give at least one --grant PROVIDER:SCOPES, e.g. --grant github:read,write");
  const grants: Record<string, Scope[]> = {};
  for (const value of values) {
    const colon = value.indexOf(":");
    if (colon <= 0) throw new UsageError(`--grant takes PROVIDER:SCOPES, e.g. github:read,write (got "${value}")`);
    const provider = value.slice(0, colon).trim();
    if (!getProvider(provider))
      throw new UsageError(`--grant: unknown provider "${provider}" (known: ${PROVIDER_IDS.join(", ")})`);
    grants[provider] = [...new Set([...(grants[provider] ?? []), ...parseScopes(value.slice(colon + 1), "--grant")])];
  }
  return grants;
}

function parsePositive(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} takes a positive whole number (got "${value}")`);
  return Number(value);
}

export const command = defineCommand({
  description: `Create a service token for an agent. The token (svc_…) is printed once and never again:
okoro stores only its SHA-256. Grants name what the agent may exchange for, per provider.`,
  options: {
    user: { type: "string", required: true, value: "E", description: "The owner's e-mail address" },
    name: { type: "string", required: true, value: "AGENT", description: "The agent's name, e.g. research-agent" },
    grant: {
      type: "string",
      multiple: true,
      value: "P:s1,s2",
      description: "Provider and scopes (read, write, update, delete, all); repeatable",
    },
    "max-ttl": {
      type: "string",
      value: "S",
      description: "Longest operation-token lifetime in seconds (10–900, default 900)",
    },
    "expires-in": { type: "string", value: "D", description: "Expire the service token after a duration, e.g. 30d" },
    rate: { type: "string", value: "N", description: "Proxied requests per minute" },
    quota: {
      type: "string",
      value: "N/day|N/month",
      description: "Proxied requests per UTC day or month, across providers",
    },
    approval: { type: "string", value: "s1,s2", description: "Scopes that need a person's approval at every exchange" },
    hold: {
      type: "string",
      value: "s1,s2",
      description: "Scopes whose every proxied request is held until a person approves it",
    },
  },
  examples: [
    "okoro token create --user alice@example.com --name research-agent --grant github:read --grant trello:read,update",
    "okoro token create --user alice@example.com --name ops-bot --grant stripe:read,write --rate 60 --quota 1000/day --approval write --expires-in 30d --json",
  ],
  async run(ctx) {
    const email = parseEmail(ctx.values.user);
    const grants = parseGrants(ctx.values.grant);
    const maxTtl = parsePositive(ctx.values["max-ttl"], "--max-ttl");
    const expiresAt = ctx.values["expires-in"]
      ? new Date(Date.now() + parseDuration(ctx.values["expires-in"], "--expires-in") * 1000)
      : null;
    const rateLimit = parsePositive(ctx.values.rate, "--rate");
    let quota: number | undefined;
    let quotaPeriod: "day" | "month" | undefined;
    if (ctx.values.quota) {
      const m = /^(\d+)\/(day|month)$/.exec(ctx.values.quota.trim());
      if (!m || Number(m[1]) < 1)
        throw new UsageError(`--quota takes N/day or N/month, e.g. 1000/day (got "${ctx.values.quota}")`);
      quota = Number(m[1]);
      quotaPeriod = m[2] as "day" | "month";
    }
    const approvalScopes = ctx.values.approval ? parseScopes(ctx.values.approval, "--approval") : [];
    const holdScopes = ctx.values.hold ? parseScopes(ctx.values.hold, "--hold") : [];

    const db = await ctx.db();
    const user = await requireUser(db, email);
    try {
      const { token, row } = await createServiceToken(
        db,
        {
          userId: user.id,
          name: ctx.values.name,
          grants,
          maxTtl,
          expiresAt,
          rateLimit,
          quota,
          quotaPeriod,
          approvalScopes,
          holdScopes,
        },
        (id) => getProvider(id) !== undefined,
      );
      ctx.output({ ...serviceTokenJson(row), token }, () =>
        [
          `Created service token ${row.id} for ${row.name} (${grantsText(row.grants)}).`,
          "",
          `  ${token}`,
          "",
          "This is the only time it is shown. Give it to the agent as OKORO_SERVICE_TOKEN.",
        ].join("\n"),
      );
    } catch (e) {
      if (isOkoroError(e) && e.code === "invalid_request") throw new CliError(e.description);
      throw e;
    }
  },
});
