// What the connections page says after a connect flow. The flow redirects to
// /dashboard/connections?connected=<provider> or ?error=<code>&provider=<provider>; only
// codes travel in the URL and the page turns them into sentences here, so a crafted link
// cannot make okoro's dashboard display text of an attacker's choosing.
// No server-only: the dashboard page imports this.

export const CONNECT_ERROR_CODES = [
  "cancelled",
  "not_configured",
  "not_oauth",
  "invalid_state",
  "expired_state",
  "provider_refused",
  "provider_unreachable",
  "email_unverified",
  "failed",
] as const;

export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

export function isConnectErrorCode(value: unknown): value is ConnectErrorCode {
  return typeof value === "string" && (CONNECT_ERROR_CODES as readonly string[]).includes(value);
}

/** The sentence for `?error=<code>`; an unknown code gets the generic one. */
export function connectErrorMessage(code: string, providerName: string): string {
  const name = providerName;
  switch (isConnectErrorCode(code) ? code : "failed") {
    case "cancelled":
      return `You cancelled connecting ${name}.`;
    case "email_unverified":
      return `Confirm your e-mail address first (use the link okoro mailed you), then connect ${name}.`;
    case "not_configured":
      return `Signing in with ${name} is not set up on this okoro: its OAuth app is not configured. Paste a token instead if ${name} offers one, or ask the operator to configure the app.`;
    case "not_oauth":
      return `${name} is connected by pasting a key, not by signing in.`;
    case "invalid_state":
      return `That ${name} sign-in does not match a connect request you started here (it was already used, or started in another account). Please connect again.`;
    case "expired_state":
      return `The ${name} sign-in took longer than 10 minutes and expired. Please connect again.`;
    case "provider_refused":
      return `${name} refused to complete the connection. Please connect again; if it keeps failing, the operator should check the ${name} OAuth app's settings.`;
    case "provider_unreachable":
      return `okoro could not reach ${name}. Please try again in a moment.`;
    case "failed":
      return `Something went wrong while connecting ${name}. Please try again.`;
  }
}

export const CONNECTIONS_PATH = "/dashboard/connections";

/** The local path the flow ends on. `provider` is a catalog id (validated before this is built). */
export function connectionsPath(result: { connected: string } | { error: ConnectErrorCode; provider: string }): string {
  const query =
    "connected" in result
      ? new URLSearchParams({ connected: result.connected })
      : new URLSearchParams({ error: result.error, provider: result.provider });
  return `${CONNECTIONS_PATH}?${query}`;
}
