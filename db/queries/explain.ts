// What /api/explain reads (docs/agent-api.md#explain): the service token behind an operation
// token, with its owner's status and the connection to the provider asked about, in one
// query. Reads only: explain counts nothing and audits nothing.
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { connections, serviceTokens, users } from "@/db/schema";

/** The token by id, its owner's status and the owner's connection status for `provider`. */
export async function findServiceTokenForExplain(db: Database, options: { tokenId: string; provider: string }) {
  const [row] = await db
    .select({ token: serviceTokens, userStatus: users.status, connectionStatus: connections.status })
    .from(serviceTokens)
    .innerJoin(users, eq(users.id, serviceTokens.userId))
    .leftJoin(
      connections,
      and(eq(connections.userId, serviceTokens.userId), eq(connections.provider, options.provider)),
    )
    .where(eq(serviceTokens.id, options.tokenId));
  return row;
}
