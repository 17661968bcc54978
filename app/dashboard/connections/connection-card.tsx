// One provider on the connections page: what it is, whether it is connected and how
// (account, credential hint — never the secret — since when, last used), what is wrong
// when it is expired or failing, and the actions. Server-rendered; the buttons and the
// paste form are the client island ConnectionActions.
import type { ReactNode } from "react";
import { ConnectionActions, type ConnectionActionsProps } from "@/app/dashboard/connections/connection-actions";
import { Badge, type BadgeTone } from "@/components/badge";
import { Card } from "@/components/card";
import { cx } from "@/components/cx";
import { ProviderMark } from "@/components/provider-mark";
import { RelativeTime } from "@/components/relative-time";
import type { ConnectionSummary } from "@/lib/tokens/dashboard";
import type { PasteConnect } from "@/lib/providers/types";

export type ConnectionCardProps = {
  provider: { id: string; name: string; description: string };
  connection: ConnectionSummary | null;
  oauthReady: boolean;
  /** the entry has a sign-in flow but its app is not configured: the two variables to set */
  oauthVariables: [string, string] | null;
  paste: PasteConnect | null;
  tokensUsing: string[];
  now: number;
};

const STATUS: Record<ConnectionSummary["status"] | "none", { label: string; tone: BadgeTone }> = {
  active: { label: "Connected", tone: "success" },
  expired: { label: "Expired", tone: "warning" },
  error: { label: "Error", tone: "danger" },
  none: { label: "Not connected", tone: "neutral" },
};

const METHOD: Record<ConnectionSummary["method"], string> = {
  oauth2: "OAuth sign-in",
  oauth1: "OAuth sign-in",
  paste: "Pasted key",
};

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-ink-subtle">{term}</dt>
      <dd className="truncate text-sm text-ink">{children}</dd>
    </div>
  );
}

function OAuthNote({ name, variables, hasPaste }: { name: string; variables: [string, string]; hasPaste: boolean }) {
  const code = "whitespace-nowrap rounded bg-zinc-100 px-1 text-[11px] text-ink-muted";
  return (
    <p className="text-xs leading-5 text-ink-subtle">
      {hasPaste ? `Sign-in with ${name} needs ` : `Needs ${name}'s OAuth app: set `}
      <code className={code}>{variables[0]}</code> and <code className={code}>{variables[1]}</code>
      {hasPaste ? " on the server." : ", then restart okoro."}
    </p>
  );
}

export function ConnectionCard({
  provider,
  connection,
  oauthReady,
  oauthVariables,
  paste,
  tokensUsing,
  now,
}: ConnectionCardProps) {
  const status = STATUS[connection?.status ?? "none"];
  const problem = connection !== null && connection.status !== "active";
  const actions: ConnectionActionsProps = {
    providerId: provider.id,
    providerName: provider.name,
    oauthReady,
    paste,
    connection: connection ? { method: connection.method, problem } : null,
    tokensUsing,
  };
  const canConnect = oauthReady || paste !== null;

  return (
    <Card
      aria-labelledby={`provider-${provider.id}`}
      data-testid={`connection-${provider.id}`}
      className={cx(
        "flex flex-col",
        problem && (connection?.status === "error" ? "border-red-200" : "border-amber-200"),
      )}
    >
      <div className="flex items-start gap-3 px-4 pt-4">
        <ProviderMark id={provider.id} name={provider.name} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center justify-between gap-x-2 gap-y-1">
            <h3 id={`provider-${provider.id}`} className="text-[15px] font-semibold leading-6 text-ink">
              {provider.name}
            </h3>
            <Badge tone={status.tone} dot>
              {status.label}
            </Badge>
          </div>
          <p className="text-sm leading-5 text-ink-muted">{provider.description}</p>
        </div>
      </div>

      {connection ? (
        <dl className="mx-4 mt-3 grid grid-cols-2 gap-x-4 gap-y-2 rounded-lg bg-zinc-50 px-3 py-2.5">
          {connection.accountName ? (
            <Fact term="Account">{connection.accountName}</Fact>
          ) : (
            <Fact term="Connected with">{METHOD[connection.method]}</Fact>
          )}
          <Fact term="Credential">
            {/* the last characters only, never the secret */}
            {connection.credentialHint ? (
              <code className="text-[13px]">{connection.credentialHint}</code>
            ) : (
              <span className="text-ink-subtle">hidden</span>
            )}
          </Fact>
          <Fact term="Connected since">
            <RelativeTime date={connection.createdAt} now={now} />
          </Fact>
          <Fact term="Last used">
            {connection.lastUsedAt ? (
              <RelativeTime date={connection.lastUsedAt} now={now} />
            ) : (
              <span className="text-ink-subtle">not yet</span>
            )}
          </Fact>
        </dl>
      ) : null}

      {problem ? (
        <div
          className={cx(
            "mx-4 mt-3 rounded-lg border px-3 py-2 text-sm",
            connection?.status === "error"
              ? "border-red-200 bg-red-50 text-red-900"
              : "border-amber-200 bg-amber-50 text-amber-950",
          )}
        >
          <p className="font-medium">
            {connection?.status === "error"
              ? "okoro cannot use this connection."
              : "The access okoro holds has expired."}
          </p>
          {connection?.statusDetail ? <p className="mt-0.5 break-words">{connection.statusDetail}</p> : null}
          <p className="mt-0.5">Until you reconnect, agents&apos; calls to {provider.name} get 409 not_connected.</p>
        </div>
      ) : null}

      <div className="mt-auto space-y-2 px-4 pb-4 pt-3">
        <ConnectionActions {...actions} />
        {!connection && oauthVariables ? (
          <OAuthNote name={provider.name} variables={oauthVariables} hasPaste={paste !== null} />
        ) : null}
        {!connection && !canConnect && !oauthVariables ? (
          <p className="text-xs text-ink-subtle">This provider cannot be connected here yet.</p>
        ) : null}
      </div>
    </Card>
  );
}
