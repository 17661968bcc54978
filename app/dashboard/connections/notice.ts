// The message at the top of the connections page after something happened elsewhere: the
// OAuth callback (`?connected=github`, `?error=<code>&provider=github`) or one of this
// page's actions (`?connected=openai` after a paste, `?disconnected=openai`). Only codes
// and catalog ids travel in the URL; the sentences are made here, so a crafted link can
// never make the page say something of an attacker's choosing.
import { connectErrorMessage } from "@/lib/connect/messages";

export type Notice = { tone: "success" | "error" | "info"; title: string; detail?: string };

type Query = Record<string, string | string[] | undefined>;
type ConnectionFacts = { method: "oauth2" | "oauth1" | "paste"; accountName: string | null };

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function connectionsNotice(
  query: Query,
  /** the catalog's display name for an id, undefined for unknown ids */
  nameOf: (id: string) => string | undefined,
  /** the user's current connection for an id, if any */
  connectionOf: (id: string) => ConnectionFacts | undefined,
): Notice | null {
  const error = one(query.error);
  if (error) {
    const provider = one(query.provider);
    const name = (provider && nameOf(provider)) || "the provider";
    return { tone: "error", title: `Could not connect ${name}`, detail: connectErrorMessage(error, name) };
  }

  const connected = one(query.connected);
  const connectedName = connected && nameOf(connected);
  if (connected && connectedName) {
    const connection = connectionOf(connected);
    // the link outlived the connection (disconnected since): say nothing rather than something untrue
    if (!connection) return null;
    if (connection.method === "paste") {
      return {
        tone: "success",
        title: `${connectedName} is connected`,
        detail:
          "The credential is encrypted and will not be shown again. Agents whose service token grants this provider can use it now.",
      };
    }
    return {
      tone: "success",
      title: `${connectedName} is connected`,
      detail: `${connection.accountName ? `Signed in as ${connection.accountName}. ` : ""}Agents whose service token grants this provider can use it now.`,
    };
  }

  const disconnected = one(query.disconnected);
  const disconnectedName = disconnected && nameOf(disconnected);
  if (disconnected && disconnectedName) {
    return {
      tone: "info",
      title: `${disconnectedName} is disconnected`,
      detail: `okoro deleted its credential. Service tokens that grant ${disconnectedName} keep existing, but their calls get 409 not_connected until you connect it again.`,
    };
  }
  return null;
}
