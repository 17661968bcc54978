"use client";
// The tokens page's interactive part: the header's "New service token", the create
// form, the one-time panel after a token is made, and the table. The created token lives
// only in this component's state: Done (or leaving the page) drops it.
import Link from "next/link";
import { useRef, useState } from "react";
import { CreateTokenForm } from "@/app/dashboard/tokens/create-token-form";
import type { CreatedToken } from "@/app/dashboard/tokens/create-result";
import { TokenCreatedPanel } from "@/app/dashboard/tokens/token-created-panel";
import type { ProviderOption, TokenRow } from "@/app/dashboard/tokens/token-rows";
import { TokensTable } from "@/app/dashboard/tokens/tokens-table";
import { Button, ButtonLink } from "@/components/button";
import { Card } from "@/components/card";
import { PageHeader } from "@/components/page-header";

type Mode = "list" | "create" | "created";

export function TokensView({
  rows,
  providers,
  now,
  startCreating,
}: {
  rows: TokenRow[];
  providers: ProviderOption[];
  now: number;
  startCreating: boolean;
}) {
  const [mode, setMode] = useState<Mode>(startCreating ? "create" : "list");
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const connected = providers.filter((p) => p.connection !== null).length;

  const backToList = () => {
    setCreated(null);
    setMode("list");
    requestAnimationFrame(() => newButton.current?.focus());
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title="Service tokens"
        description="One token per agent. It is the only secret the agent holds, and it can only ask for the providers and scopes you grant it."
        action={
          mode === "list" && rows.length > 0 ? (
            <Button ref={newButton} onClick={() => setMode("create")}>
              <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden="true">
                <path d="M10.75 4.75a.75.75 0 0 0-1.5 0v4.5h-4.5a.75.75 0 0 0 0 1.5h4.5v4.5a.75.75 0 0 0 1.5 0v-4.5h4.5a.75.75 0 0 0 0-1.5h-4.5v-4.5Z" />
              </svg>
              New service token
            </Button>
          ) : null
        }
      />

      {mode === "created" && created ? <TokenCreatedPanel created={created} onDone={backToList} /> : null}
      {mode === "create" ? (
        <CreateTokenForm
          providers={providers}
          onCreated={(token) => {
            setCreated(token);
            setMode("created");
          }}
          onCancel={backToList}
        />
      ) : null}

      {rows.length > 0 ? (
        <section aria-labelledby="tokens-heading" className="space-y-3">
          <h2 id="tokens-heading" className="flex items-baseline gap-2 text-base font-semibold text-ink">
            Your tokens <span className="text-sm font-normal text-ink-subtle">{rows.length}</span>
          </h2>
          <TokensTable rows={rows} now={now} />
        </section>
      ) : mode === "list" ? (
        <Card className="px-5 py-8 text-center sm:px-8">
          <span
            className="mx-auto grid size-10 place-items-center rounded-full bg-accent-50 text-accent-600"
            aria-hidden="true"
          >
            <svg
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
              strokeWidth={1.7}
              strokeLinecap="round"
              strokeLinejoin="round"
              className="size-5"
            >
              <path d="M15.75 5.25a3 3 0 0 1 3 3m3 0a6 6 0 0 1-7.03 5.91c-.56-.1-1.16.03-1.56.43l-2.66 2.66H8.25v2.25H6v2.25H2.25v-2.82c0-.6.24-1.17.66-1.59l6.5-6.5c.4-.4.53-1 .43-1.56A6 6 0 1 1 21.75 8.25Z" />
            </svg>
          </span>
          <h2 className="mt-3 text-base font-semibold text-ink">No service tokens yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-ink-muted">
            Create one for each agent. The agent exchanges it for short-lived tokens scoped to one provider and one
            action, and you can revoke it at any time.
          </p>
          {connected === 0 ? (
            <p className="mx-auto mt-3 max-w-md text-sm text-amber-800">
              You have not connected a provider yet. A token works once the providers it grants are connected —{" "}
              <Link href="/dashboard/connections" className="rounded font-medium underline">
                connect one first
              </Link>
              .
            </p>
          ) : null}
          <div className="mt-5 flex flex-wrap justify-center gap-2">
            <Button ref={newButton} onClick={() => setMode("create")}>
              Create a service token
            </Button>
            {connected === 0 ? (
              <ButtonLink href="/dashboard/connections" variant="secondary">
                Connect a provider
              </ButtonLink>
            ) : (
              <ButtonLink href="/docs" variant="ghost">
                How agents use it
              </ButtonLink>
            )}
          </div>
        </Card>
      ) : null}
    </div>
  );
}
