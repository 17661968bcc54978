// /oauth/authorize — where an MCP client (Claude.ai, ChatGPT, any hosted agent) sends the
// person: the request is checked first (an error before the client and its redirect URI
// are verified is shown here, never redirected), then sign-in if needed, then the consent
// page naming the client and where the browser will go back to. Framing is refused by the
// page headers every page carries; the answer goes through origin-checked server actions.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import type { ProviderOption } from "@/app/dashboard/tokens/token-rows";
import { ConsentForm } from "@/app/oauth/authorize/consent-form";
import { userConnections } from "@/lib/tokens/dashboard";
import { Alert } from "@/components/alert";
import { Logo } from "@/components/logo";
import { currentUser } from "@/lib/auth/session";
import { agentNameFor, authorizeParams, checkAuthorizeRequest } from "@/lib/oauth/authorize";
import { oauthContext } from "@/lib/oauth/http";
import { listProviders } from "@/lib/providers/catalog";

export const metadata: Metadata = { title: "Connect an app", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function AuthorizePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const search = await searchParams;
  const params = authorizeParams(search);
  const query = new URLSearchParams(
    Object.entries(params ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"),
  ).toString();
  const user = await currentUser();
  const check = await checkAuthorizeRequest(await oauthContext(await headers()), params, { userId: user?.id });
  if (check.kind === "redirect") redirect(check.location);
  if (check.kind === "error") {
    return (
      <Shell>
        <Alert tone="error">
          <strong className="block font-medium">{check.title}</strong>
          {check.description}
        </Alert>
      </Shell>
    );
  }
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(`/oauth/authorize?${query}`)}`);

  const connections = await userConnections(user.id);
  const status = new Map(connections.map((c) => [c.provider, c.status]));
  const providers: ProviderOption[] = listProviders().map((p) => ({
    id: p.id,
    name: p.name,
    connection: status.get(p.id) ?? null,
  }));
  return (
    <Shell wide>
      <p className="mb-3 text-sm text-ink-muted">
        Signed in as <span className="font-medium text-ink">{user.email}</span>. Client ID{" "}
        <code className="break-all text-xs">{check.client.clientId}</code>
      </p>
      <ConsentForm
        query={query}
        clientName={check.client.name}
        agentName={agentNameFor(check.client.name)}
        redirectHost={check.redirectHost}
        providers={providers}
      />
    </Shell>
  );
}

function Shell({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-5 py-5 sm:px-8">
        <Logo />
        <Link href="/docs#mcp-oauth" className="rounded-md text-sm font-medium text-ink-muted hover:text-ink">
          What is this?
        </Link>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pb-16 pt-4">
        <div className={wide ? "w-full max-w-4xl" : "w-full max-w-[480px]"}>{children}</div>
      </main>
    </div>
  );
}
