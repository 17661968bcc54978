// The bench's fixtures, made the way an operator makes them: with the `okoro` CLI (a
// user, an OpenAI API key, a Trello OAuth 1 token, a service token), then operation
// tokens exchanged over HTTP like an agent does. The credentials are fakes the local
// upstream recognises, so it can tell whether okoro injected them.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Processes } from "@/bench/processes";

export const BENCH_EMAIL = "bench@okoro.invalid";
export const OPENAI_KEY = "sk-bench-openai-key";
export const TRELLO_CONSUMER = { key: "bench-trello-consumer", secret: "bench-trello-consumer-secret" };
const TRELLO_TOKEN = { token: "bench-trello-token", token_secret: "bench-trello-token-secret" };

type Cli = (args: string[], stdin?: string) => Promise<string>;

function cli(processes: Processes, root: string, env: NodeJS.ProcessEnv, prefix = "cli"): Cli {
  let n = 0;
  return (args, stdin) =>
    processes.run(
      `${prefix}-${++n}-${args.slice(0, 2).join("-")}`,
      process.execPath,
      [path.join(root, "bin", "okoro.mjs"), ...args],
      {
        cwd: root,
        env,
        stdin: stdin ?? "",
        timeoutMs: 120_000,
      },
    );
}

type CliOptions = { processes: Processes; root: string; env: NodeJS.ProcessEnv };

export async function migrate(options: CliOptions): Promise<void> {
  await cli(options.processes, options.root, options.env, "migrate")(["migrate"]);
}

/** Creates the user, both connections and a service token; returns the token (svc_…). */
export async function provision(options: CliOptions): Promise<string> {
  const okoro = cli(options.processes, options.root, options.env);
  await okoro(
    ["user", "create", "--email", BENCH_EMAIL, "--name", "Bench"],
    `${randomBytes(18).toString("base64url")}\n`,
  );
  await okoro(
    ["connection", "set", "--user", BENCH_EMAIL, "--provider", "openai"],
    JSON.stringify({ api_key: OPENAI_KEY }),
  );
  await okoro(
    ["connection", "set", "--user", BENCH_EMAIL, "--provider", "trello", "--method", "oauth1"],
    JSON.stringify(TRELLO_TOKEN),
  );
  const out = await okoro([
    "token",
    "create",
    "--user",
    BENCH_EMAIL,
    "--name",
    "bench-agent",
    "--grant",
    "openai:read,write",
    "--grant",
    "trello:read",
    "--max-ttl",
    "900",
    "--json",
  ]);
  const token = (JSON.parse(out) as { token?: string }).token;
  if (!token) throw new Error(`okoro token create printed no token: ${out.slice(0, 200)}`);
  return token;
}

/** A curated read tool making okoro's own request (GET /v1/models on OpenAI) through /mcp, stateless. */
export const MCP_TOOL_BODY = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "openai_list_models", arguments: { intent: "bench: list models" } },
};

export const EXCHANGE_BODY = { provider: "openai", scope: "read", intent: "bench: token exchange throughput", ttl: 60 };

/** POST /api/token → an operation token (JWT) for one provider and scope. */
export async function exchange(appUrl: string, serviceToken: string, provider: string, scope: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" },
    body: JSON.stringify({ provider, scope, intent: `bench: ${provider} ${scope}`, ttl: 900 }),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string };
  if (response.status !== 200 || !body.access_token)
    throw new Error(
      `token exchange for ${provider}:${scope} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`,
    );
  return body.access_token;
}

export type AppStats = { dbRoundTrips: number; pid: number };

/** GET /bench/stats (served only under OKORO_BENCH=1). */
export async function appStats(appUrl: string): Promise<AppStats> {
  const response = await fetch(`${appUrl}/bench/stats`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /bench/stats answered ${response.status}: is OKORO_BENCH=1 reaching the app?`);
  return (await response.json()) as AppStats;
}
