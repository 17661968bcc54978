// The tokens page's view of service tokens: what the table and the scope grid need, and
// nothing more. Rows are sent to client components, so the token hash (and everything
// else not shown) stays on the server.
import type { TokenState } from "@/lib/tokens/service-tokens";
import type { TokenUsage } from "@/lib/tokens/dashboard";
import type { Connection, ServiceToken } from "@/db/schema";
import { SCOPES, type Scope } from "@/lib/scopes";

export type { TokenState };
export type ConnectionState = Connection["status"] | null;

export type GrantView = { provider: string; name: string; scopes: Scope[]; connection: ConnectionState };

export type TokenRow = {
  id: string;
  name: string;
  hint: string;
  state: TokenState;
  grants: GrantView[];
  maxTtl: number;
  expiresAt: Date | null;
  rate: TokenUsage["rate"];
  quota: TokenUsage["quota"];
  approvalScopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** set for an MCP client a person authorized through okoro's OAuth flow */
  oauth: { clientId: string; redirectHost: string | null } | null;
};

/** A provider as the scope grid offers it: connected ones are rows from the start. */
export type ProviderOption = { id: string; name: string; connection: ConnectionState };

export function toTokenRow(
  token: ServiceToken,
  options: {
    state: TokenState;
    usage: TokenUsage | undefined;
    providerName: (id: string) => string;
    connectionOf: (id: string) => ConnectionState;
    /** catalog order, so grants read the same in every row */
    providerOrder: readonly string[];
  },
): TokenRow {
  const order = (id: string) => {
    const i = options.providerOrder.indexOf(id);
    return i === -1 ? options.providerOrder.length : i;
  };
  return {
    id: token.id,
    name: token.name,
    hint: token.hint,
    state: options.state,
    grants: Object.entries(token.grants)
      .sort(([a], [b]) => order(a) - order(b))
      .map(([provider, scopes]) => ({
        provider,
        name: options.providerName(provider),
        scopes: SCOPES.filter((s) => scopes.includes(s)),
        connection: options.connectionOf(provider),
      })),
    maxTtl: token.maxTtl,
    expiresAt: token.expiresAt,
    rate: options.usage?.rate ?? null,
    quota: options.usage?.quota ?? null,
    approvalScopes: SCOPES.filter((s) => token.approvalScopes.includes(s)),
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    oauth: token.oauthClientId ? { clientId: token.oauthClientId, redirectHost: token.oauthRedirectHost } : null,
  };
}
