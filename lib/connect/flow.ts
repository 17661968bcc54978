// Connecting a provider with its own sign-in (docs/scopes-and-providers.md#providers "Connecting"): the two functions
// the /api/connect routes call. startOAuth answers where to send the browser — the
// provider's authorization page, or back to the connections page with an error code;
// finishOAuth handles the provider's callback and always answers a URL on okoro itself
// (`/dashboard/connections?connected=…` or `?error=…&provider=…`), so the flow can never
// be turned into an open redirect.
import "server-only";
import type { Database } from "@/db/client";
import { ConnectFailure, type FlowContext } from "@/lib/connect/context";
import { connectionsPath, type ConnectErrorCode } from "@/lib/connect/messages";
import { finishOAuth1, startOAuth1 } from "@/lib/connect/oauth1-flow";
import { finishOAuth2, startOAuth2 } from "@/lib/connect/oauth2-flow";
import { getEnv, type Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { applyProviderOverrides, getProvider } from "@/lib/providers/catalog";

type FlowOptions = {
  db: Database;
  /** the signed-in user starting or finishing the flow */
  userId: string;
  provider: string;
  /** defaults to the process configuration */
  env?: Env;
};

/** `${OKORO_URL}/api/connect/{provider}/callback` — what the provider's app must have registered. */
export function connectCallbackUrl(env: Env, provider: string): string {
  return `${env.url}/api/connect/${provider}/callback`;
}

/** A page of okoro itself: OKORO_URL + a path we built, never one taken from the request. */
function local(env: Env, path: string): string {
  return `${env.url}${path}`;
}

function failureUrl(env: Env, provider: string, error: ConnectErrorCode): string {
  return local(env, connectionsPath({ error, provider }));
}

/**
 * Whether the connections page should offer "Connect" (a sign-in flow) for the provider:
 * the entry has one and the operator configured its OAuth app. Otherwise the page offers
 * the paste form where the entry has one (docs/scopes-and-providers.md#providers).
 */
export function canConnectWithOAuth(provider: string, env: Env = getEnv()): boolean {
  const entry = getProvider(provider);
  return Boolean(entry && (entry.connect.oauth2 || entry.connect.oauth1) && env.oauthApp(entry.id));
}

type Resolved = { kind: "flow"; ctx: FlowContext } | { kind: "failure"; error: ConnectErrorCode };

function resolve(options: FlowOptions, env: Env): Resolved {
  const entry = getProvider(options.provider);
  if (!entry) throw new OkoroError("unknown_provider", "There is no such provider.");
  const spec = applyProviderOverrides(entry, env);
  if (!spec.connect.oauth2 && !spec.connect.oauth1) return { kind: "failure", error: "not_oauth" };
  const app = env.oauthApp(spec.id);
  if (!app) return { kind: "failure", error: "not_configured" };
  return {
    kind: "flow",
    ctx: { db: options.db, env, userId: options.userId, spec, app, redirectUri: connectCallbackUrl(env, spec.id) },
  };
}

function failed(env: Env, provider: string, stage: string, e: unknown): string {
  if (e instanceof ConnectFailure) {
    // expected outcomes (a person cancelling) are not worth a log line
    if (e.code !== "cancelled") console.warn(`[okoro] connecting ${provider} failed at ${stage}: ${e.message}`);
    return failureUrl(env, provider, e.code);
  }
  console.error(
    `[okoro] connecting ${provider} failed unexpectedly at ${stage}:`,
    e instanceof Error ? `${e.name}: ${e.message}` : "unknown error",
  );
  return failureUrl(env, provider, "failed");
}

/**
 * Starts connecting `provider` for the user. Returns the absolute URL to redirect to.
 * Throws OkoroError `unknown_provider` for an id not in the catalog.
 */
export async function startOAuth(options: FlowOptions): Promise<string> {
  const env = options.env ?? getEnv();
  const resolved = resolve(options, env);
  if (resolved.kind === "failure") return failureUrl(env, options.provider, resolved.error);
  const { ctx } = resolved;
  try {
    return ctx.spec.connect.oauth2
      ? await startOAuth2(ctx, ctx.spec.connect.oauth2)
      : await startOAuth1(ctx, ctx.spec.connect.oauth1!);
  } catch (e) {
    return failed(env, ctx.spec.id, "start", e);
  }
}

/**
 * Finishes the flow from the provider's callback query. Returns the absolute URL of the
 * connections page, with `?connected=` or `?error=`. Throws OkoroError `unknown_provider`.
 */
export async function finishOAuth(options: FlowOptions & { query: URLSearchParams }): Promise<string> {
  const env = options.env ?? getEnv();
  const resolved = resolve(options, env);
  if (resolved.kind === "failure") return failureUrl(env, options.provider, resolved.error);
  const { ctx } = resolved;
  try {
    if (ctx.spec.connect.oauth2) await finishOAuth2(ctx, ctx.spec.connect.oauth2, options.query);
    else await finishOAuth1(ctx, ctx.spec.connect.oauth1!, options.query);
    return local(env, connectionsPath({ connected: ctx.spec.id }));
  } catch (e) {
    return failed(env, ctx.spec.id, "callback", e);
  }
}
