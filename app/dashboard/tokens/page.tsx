// /dashboard/tokens (docs/tokens.md#service-tokens, docs/dashboard.md#dashboard): the person's service tokens with their grants,
// limits and usage, the create form, and revoke. Everything the client components get is
// mapped in token-rows.ts first — no hash, and never a plaintext token: that exists only
// in the create action's answer. `?new=1` opens the form (the overview links there).
import type { Metadata } from "next";
import { toTokenRow, type ProviderOption } from "@/app/dashboard/tokens/token-rows";
import { TokensView } from "@/app/dashboard/tokens/tokens-view";
import { connectionsAndTokens, tokensUsage } from "@/lib/tokens/dashboard";
import { tokenState } from "@/lib/tokens/service-tokens";
import { requireUser } from "@/lib/auth/session";
import { getProvider, listProviders, PROVIDER_IDS } from "@/lib/providers/catalog";

export const metadata: Metadata = { title: "Service tokens" };
export const dynamic = "force-dynamic";

export default async function TokensPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser({ returnTo: "/dashboard/tokens" });
  const [{ tokens, connections }, query] = await Promise.all([connectionsAndTokens(user.id), searchParams]);
  const nowDate = new Date();
  const usage = await tokensUsage(tokens, nowDate);
  const status = new Map(connections.map((c) => [c.provider, c.status]));

  // usable tokens first, then the ones that no longer work; newest first within each
  // (listServiceTokens' order, kept by the stable sort)
  const rank = { active: 0, expired: 1, leaked: 2, revoked: 3 } as const;
  const rows = tokens.map((t) =>
    toTokenRow(t, {
      state: tokenState(t, nowDate),
      usage: usage.get(t.id),
      providerName: (id) => getProvider(id)?.name ?? id,
      connectionOf: (id) => status.get(id) ?? null,
      providerOrder: PROVIDER_IDS,
    }),
  );
  rows.sort((a, b) => rank[a.state] - rank[b.state]);
  const providers: ProviderOption[] = listProviders().map((p) => ({
    id: p.id,
    name: p.name,
    connection: status.get(p.id) ?? null,
  }));

  return <TokensView rows={rows} providers={providers} now={nowDate.getTime()} startCreating={query.new === "1"} />;
}
