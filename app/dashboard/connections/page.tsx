// /dashboard/connections (docs/scopes-and-providers.md#providers "Connecting", docs/dashboard.md#dashboard): the catalog as cards. The person's
// connections first — problems among them stand out — then everything that can still be
// connected. A notice at the top reports what just happened (an OAuth callback, a paste,
// a disconnect); see notice.ts for why only codes travel in the URL.
import type { Metadata } from "next";
import { ConnectionCard, type ConnectionCardProps } from "@/app/dashboard/connections/connection-card";
import { connectionsNotice } from "@/app/dashboard/connections/notice";
import { oauthAppVariables } from "@/lib/env";
import { Alert } from "@/components/alert";
import { ButtonLink } from "@/components/button";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";
import { connectionsAndTokens } from "@/lib/tokens/dashboard";
import { tokenState } from "@/lib/tokens/service-tokens";
import { requireUser } from "@/lib/auth/session";
import { canConnectWithOAuth } from "@/lib/connect/flow";
import { CONNECTIONS_PATH } from "@/lib/connect/messages";
import { getEnv } from "@/lib/env";
import { getProvider, listProviders } from "@/lib/providers/catalog";

export const metadata: Metadata = { title: "Connections" };
export const dynamic = "force-dynamic";

export default async function ConnectionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser({ returnTo: CONNECTIONS_PATH });
  const [{ connections, tokens }, query] = await Promise.all([connectionsAndTokens(user.id), searchParams]);
  const env = getEnv();
  const now = Date.now();
  const byProvider = new Map(connections.map((c) => [c.provider, c]));
  const activeTokens = tokens.filter((t) => tokenState(t) === "active");

  const cards: ConnectionCardProps[] = listProviders().map((spec) => {
    const hasOAuth = Boolean(spec.connect.oauth2 || spec.connect.oauth1);
    const oauthReady = canConnectWithOAuth(spec.id, env);
    return {
      provider: { id: spec.id, name: spec.name, description: spec.description },
      connection: byProvider.get(spec.id) ?? null,
      oauthReady,
      oauthVariables: hasOAuth && !oauthReady ? oauthAppVariables(spec.id) : null,
      paste: spec.connect.paste ?? null,
      tokensUsing: activeTokens.filter((t) => (t.grants[spec.id]?.length ?? 0) > 0).map((t) => t.name),
      now,
    };
  });
  // problems first, so an expired connection is the first thing seen
  const rank = { error: 0, expired: 1, active: 2 } as const;
  const connected = cards
    .filter((c) => c.connection)
    .sort((a, b) => rank[a.connection!.status] - rank[b.connection!.status]);
  // what can be connected right now first; providers waiting for operator setup last
  const connectable = (c: ConnectionCardProps) => (c.oauthReady || c.paste ? 0 : 1);
  const available = cards.filter((c) => !c.connection).sort((a, b) => connectable(a) - connectable(b));
  const problems = connected.filter((c) => c.connection!.status !== "active").length;

  const notice = connectionsNotice(
    query,
    (id) => getProvider(id)?.name,
    (id) => byProvider.get(id),
  );

  return (
    <div className="space-y-8">
      <div className="space-y-4">
        <PageHeader
          title="Connections"
          description="The accounts okoro can use on your agents' behalf. Credentials are encrypted at rest and never leave okoro: agents get short-lived, scoped tokens instead."
        />
        {notice ? (
          <div className="flex items-start gap-2">
            <Alert tone={notice.tone} title={notice.title} className="flex-1">
              {notice.detail}
            </Alert>
            <ButtonLink
              href={CONNECTIONS_PATH}
              variant="ghost"
              size="sm"
              className="mt-1.5 shrink-0"
              aria-label="Dismiss the message"
              replace
              scroll={false}
            >
              <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden="true">
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </ButtonLink>
          </div>
        ) : null}
      </div>

      {connected.length > 0 ? (
        <section aria-labelledby="connected-heading" className="space-y-3">
          <h2 id="connected-heading" className="flex items-baseline gap-2 text-base font-semibold text-ink">
            Connected <span className="text-sm font-normal text-ink-subtle">{connected.length}</span>
            {problems > 0 ? (
              <span className="text-sm font-normal text-amber-800">
                · {problems === 1 ? "1 needs" : `${problems} need`} attention
              </span>
            ) : null}
          </h2>
          <ul className="grid items-start gap-4 md:grid-cols-2 2xl:grid-cols-3">
            {connected.map((card) => (
              <li key={card.provider.id}>
                <ConnectionCard {...card} />
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <Card className="flex flex-col gap-4 p-5 sm:flex-row sm:items-center sm:p-6">
          <span
            className="grid size-10 shrink-0 place-items-center rounded-full bg-accent-50 text-accent-600"
            aria-hidden="true"
          >
            <svg
              viewBox="0 0 20 20"
              fill="none"
              stroke="currentColor"
              strokeWidth={1.6}
              strokeLinecap="round"
              strokeLinejoin="round"
              className="size-5"
            >
              <path d="M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2l-.9.9M11.5 8.5a3 3 0 0 0-4.2 0l-2.6 2.6a3 3 0 0 0 4.2 4.2l.9-.9" />
            </svg>
          </span>
          <div className="min-w-0 space-y-1">
            <h2 className="text-[15px] font-semibold text-ink">Nothing connected yet</h2>
            <p className="text-sm text-ink-muted">
              Pick a provider below. Where a sign-in is offered you approve okoro on the provider&apos;s own page;
              otherwise you paste an API key or token. Agents can only use what you connect here — and only through the
              service tokens you give them.
            </p>
          </div>
        </Card>
      )}

      <section aria-labelledby="available-heading" className="space-y-3">
        <div className="space-y-0.5">
          <h2 id="available-heading" className="flex items-baseline gap-2 text-base font-semibold text-ink">
            {connected.length > 0 ? "Add a connection" : "Providers"}{" "}
            <span className="text-sm font-normal text-ink-subtle">{available.length}</span>
          </h2>
        </div>
        {available.length > 0 ? (
          <ul className="grid items-start gap-4 md:grid-cols-2 2xl:grid-cols-3">
            {available.map((card) => (
              <li key={card.provider.id}>
                <ConnectionCard {...card} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-ink-muted">Every provider okoro knows is connected.</p>
        )}
      </section>
    </div>
  );
}
