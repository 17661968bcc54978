// What the dashboard reads for the connections and service-token pages, always scoped to
// the signed-in user. Pages call these; nothing under app/ touches the database itself.
import "server-only";
import { listConnections, type ConnectionSummary } from "@/db/queries/connections";
import { listServiceTokens } from "@/db/queries/service-tokens";
import { tokenLimitUsage, type TokenUsage } from "@/db/queries/token-usage";
import type { ServiceToken } from "@/db/schema";
import { getDb } from "@/lib/serve/database";

export type { ConnectionSummary, TokenUsage };

/** The user's connections and service tokens (newest first), read together. */
export async function connectionsAndTokens(
  userId: string,
): Promise<{ connections: ConnectionSummary[]; tokens: ServiceToken[] }> {
  const db = await getDb();
  const [connections, tokens] = await Promise.all([listConnections({ db, userId }), listServiceTokens(db, userId)]);
  return { connections, tokens };
}

/** The user's connections alone (the OAuth consent page's grid). */
export async function userConnections(userId: string): Promise<ConnectionSummary[]> {
  return listConnections({ db: await getDb(), userId });
}

/** Each token's rate-limit and quota usage as of `now`. */
export async function tokensUsage(tokens: ServiceToken[], now: Date): Promise<Map<string, TokenUsage>> {
  return tokenLimitUsage(await getDb(), tokens, now);
}
