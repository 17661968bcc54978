// Service tokens as the CLI prints them (docs/tokens.md#service-tokens field names). The token hash never
// appears; the plaintext only in `token create`'s own output.
import { tokenState } from "@/lib/tokens/service-tokens";
import type { ServiceToken } from "@/db/schema";
import { iso } from "@/lib/cli/format";

export function serviceTokenJson(t: ServiceToken) {
  return {
    id: t.id,
    user: t.userId,
    name: t.name,
    hint: t.hint,
    grants: t.grants,
    max_ttl: t.maxTtl,
    expires_at: iso(t.expiresAt),
    rate_limit: t.rateLimit,
    quota: t.quota && t.quotaPeriod ? `${t.quota}/${t.quotaPeriod}` : null,
    approval_scopes: t.approvalScopes,
    hold_scopes: t.holdScopes,
    status: tokenState(t),
    created_at: iso(t.createdAt),
    last_used_at: iso(t.lastUsedAt),
    revoked_at: iso(t.revokedAt),
  };
}

export function grantsText(grants: Record<string, string[]>): string {
  return Object.entries(grants)
    .map(([p, s]) => `${p}:${s.join(",")}`)
    .join(" ");
}
