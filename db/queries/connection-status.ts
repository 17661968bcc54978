// The one question the exchange asks about a connection: is it usable?
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { connections, type Connection } from "@/db/schema";

export async function getConnectionStatus(db: Database, userId: string, provider: string): Promise<Connection["status"] | null> {
  const [row] = await db
    .select({ status: connections.status })
    .from(connections)
    .where(and(eq(connections.userId, userId), eq(connections.provider, provider)));
  return row?.status ?? null;
}
