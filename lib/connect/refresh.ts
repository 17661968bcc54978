// Transparent OAuth 2 refresh (docs/scopes-and-providers.md#providers): the proxy's CredentialResolver. An access token
// that expires within 60 s is renewed before the request goes upstream, one refresh at a
// time per connection on any number of app instances:
//   - in this process, concurrent requests for one connection share one attempt (so a
//     burst does not tie up a database connection per request), and
//   - across processes, the attempt runs in a transaction holding the connection's row
//     lock (SELECT … FOR UPDATE) and re-reads the credential once it has it: when another
//     instance refreshed meanwhile, the new token is used and the provider is not called.
// The lock is held across the call to the token endpoint on purpose — that is what makes
// a second refresh (which providers that rotate refresh tokens punish by revoking the
// grant) impossible. A refusal (invalid_grant…) marks the connection expired and the
// request gets 409 not_connected; an unreachable provider leaves it as it is (502/504).
import "server-only";
import type { Database } from "@/db/client";
import { lockConnectionRow, updateConnectionById } from "@/db/queries/connections";
import { connectionAad, credentialHint } from "@/lib/connect/connections";
import type { CredentialResolver } from "@/lib/serve/proxy-authorize";
import { appendAuditInTx } from "@/lib/audit/append";
import { credentialFromTokenResponse, displayText, OAuth2Error, tokenRequest } from "@/lib/connect/oauth2";
import { ProviderUnreachable } from "@/lib/connect/provider-http";
import { openJson, sealJson } from "@/lib/crypto/envelope";
import type { Env } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { applyProviderOverrides, getProvider } from "@/lib/providers/catalog";
import type { Credential, OAuth2Credential, ProviderSpec } from "@/lib/providers/types";

/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_SECONDS = 60;

/** Whether the credential is an OAuth 2 token that expires within the margin and can be refreshed. */
export function needsRefresh(credential: Credential, now = Date.now()): boolean {
  const c = credential as Partial<OAuth2Credential>;
  return (
    typeof c.refresh_token === "string" &&
    c.refresh_token !== "" &&
    typeof c.expires_at === "number" &&
    c.expires_at * 1000 - now <= REFRESH_MARGIN_SECONDS * 1000
  );
}

type Outcome =
  | { kind: "credential"; credential: Credential }
  | { kind: "not_connected"; description: string }
  | { kind: "unreachable"; timeout: boolean };

type Connection = Parameters<CredentialResolver>[0];

export function createCredentialRefresher(options: { db: Database; env: Env }): CredentialResolver {
  const { db, env } = options;
  // catalog ids only, so the map cannot outgrow the catalog whatever ids it is asked about
  const specs = new Map<string, ProviderSpec>();
  const inflight = new Map<string, Promise<Credential>>();

  const specOf = (id: string): ProviderSpec | null => {
    let spec = specs.get(id);
    if (spec === undefined) {
      const entry = getProvider(id);
      if (!entry) return null;
      spec = applyProviderOverrides(entry, env);
      specs.set(id, spec);
    }
    return spec;
  };

  async function refreshLocked(connection: Connection, spec: ProviderSpec): Promise<Credential> {
    const connect = spec.connect.oauth2!;
    const app = env.oauthApp(spec.id)!;
    const outcome = await db.transaction(async (tx): Promise<Outcome> => {
      const row = await lockConnectionRow(tx, connection.id);
      if (!row) return { kind: "not_connected", description: `${spec.name} is not connected for this user.` };
      if (row.status !== "active")
        return {
          kind: "not_connected",
          description: `The ${spec.name} connection is ${row.status}; reconnect it in the dashboard.`,
        };
      const aad = connectionAad(row.id, row.userId, row.provider);
      const current = openJson<Credential>(row.credential, aad, env.masterKeys);
      // another request or instance refreshed while we waited for the lock
      if (!needsRefresh(current)) return { kind: "credential", credential: current };

      const previous = current as OAuth2Credential;
      let response: Record<string, unknown>;
      try {
        response = await tokenRequest(
          connect,
          app,
          { grant_type: "refresh_token", refresh_token: previous.refresh_token! },
          { timeoutMs: env.upstreamTimeoutMs },
        );
      } catch (e) {
        if (e instanceof ProviderUnreachable) return { kind: "unreachable", timeout: e.timeout };
        if (!(e instanceof OAuth2Error)) throw e;
        if (e.kind !== "refused") return { kind: "unreachable", timeout: false };
        const why = [e.code, e.description].filter(Boolean).join(": ") || `HTTP ${e.status}`;
        const detail = `${spec.name} refused to renew okoro's access (${why}) on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Reconnect ${spec.name} to continue.`;
        await updateConnectionById(tx, row.id, { status: "expired", statusDetail: detail, updatedAt: new Date() });
        await appendAuditInTx(tx, {
          event: "connection.refreshed",
          userId: row.userId,
          provider: row.provider,
          outcome: "error",
          error: displayText(e.code, 64) ?? "refresh_refused",
          reason: detail,
        });
        return {
          kind: "not_connected",
          description: `${spec.name} refused to renew the access token; reconnect it in the dashboard.`,
        };
      }

      const parsed = spec.credential.safeParse(credentialFromTokenResponse(response, { previous }));
      if (!parsed.success) return { kind: "unreachable", timeout: false };
      const fresh = parsed.data as OAuth2Credential;
      const now = new Date();
      await updateConnectionById(tx, row.id, {
        credential: sealJson(fresh, aad, env.masterKeys),
        credentialHint: credentialHint(fresh),
        accessExpiresAt: fresh.expires_at ? new Date(fresh.expires_at * 1000) : null,
        ...(typeof response.scope === "string" ? { grantedScopes: response.scope } : {}),
        refreshedAt: now,
        updatedAt: now,
      });
      await appendAuditInTx(tx, {
        event: "connection.refreshed",
        userId: row.userId,
        provider: row.provider,
        outcome: "allowed",
      });
      return { kind: "credential", credential: fresh };
    });

    // thrown only now, so that marking the connection expired has committed
    if (outcome.kind === "credential") return outcome.credential;
    if (outcome.kind === "not_connected") throw new OkoroError("not_connected", outcome.description);
    throw outcome.timeout
      ? new OkoroError(
          "upstream_timeout",
          `${spec.name} did not answer in time while okoro renewed the access token; try again.`,
        )
      : new OkoroError(
          "upstream_unreachable",
          `okoro could not renew the ${spec.name} access token: ${spec.name} is unreachable or answered unexpectedly; try again.`,
        );
  }

  return async (connection, credential) => {
    if (!needsRefresh(credential)) return credential;
    const spec = specOf(connection.provider);
    // without an OAuth app there is nothing to refresh with: the provider decides
    if (!spec?.connect.oauth2 || !env.oauthApp(spec.id)) return credential;
    let attempt = inflight.get(connection.id);
    if (!attempt) {
      attempt = refreshLocked(connection, spec).finally(() => inflight.delete(connection.id));
      inflight.set(connection.id, attempt);
    }
    return attempt;
  };
}
