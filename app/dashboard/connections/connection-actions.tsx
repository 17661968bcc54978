"use client";
// What a person can do with one provider's card: connect with the provider's sign-in,
// paste a key (the form opens inside the card), reconnect or replace a key, and
// disconnect after a confirmation that says what happens to the agents.
//
// The sign-in button is a plain form that posts to /api/connect/…: starting a flow creates
// a pending state and leaves for the provider, so it is never a link (no prefetch, and no
// other site can start it with a GET).
import { useRef, useState, type ReactNode } from "react";
import { disconnectAction } from "@/app/dashboard/connections/actions";
import { inSentence } from "@/app/dashboard/connections/paste-credential";
import { PasteForm } from "@/app/dashboard/connections/paste-form";
import { Button, buttonClasses } from "@/components/button";
import { ConfirmDialog } from "@/components/confirm-dialog";
import type { PasteConnect } from "@/lib/providers/types";

export type ConnectionActionsProps = {
  providerId: string;
  providerName: string;
  /** the entry has a sign-in flow and its OAuth app is configured */
  oauthReady: boolean;
  paste: PasteConnect | null;
  connection: { method: "oauth2" | "oauth1" | "paste"; problem: boolean } | null;
  /** names of active service tokens that grant this provider */
  tokensUsing: string[];
};

function listNames(names: string[]): string {
  if (names.length <= 3) return names.join(", ");
  return `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

export function ConnectionActions({
  providerId,
  providerName,
  oauthReady,
  paste,
  connection,
  tokensUsing,
}: ConnectionActionsProps) {
  const [pasting, setPasting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const pasteButton = useRef<HTMLButtonElement>(null);

  const closePaste = () => {
    setPasting(false);
    requestAnimationFrame(() => pasteButton.current?.focus());
  };

  if (pasting && paste) {
    return <PasteForm providerId={providerId} providerName={providerName} paste={paste} onCancel={closePaste} />;
  }

  const signInHref = `/api/connect/${providerId}`;
  const problem = connection?.problem ?? false;
  const buttons: ReactNode[] = [];

  if (!connection) {
    if (oauthReady) {
      buttons.push(
        <form key="oauth" method="post" action={signInHref} className="contents">
          <button type="submit" className={buttonClasses("primary", "sm")}>
            Connect {providerName}
          </button>
        </form>,
      );
    }
    if (paste) {
      buttons.push(
        <Button
          key="paste"
          ref={pasteButton}
          variant={oauthReady ? "ghost" : "secondary"}
          size="sm"
          onClick={() => setPasting(true)}
        >
          {oauthReady ? "Paste a token instead" : `Paste ${inSentence(paste.label, providerName)}`}
        </Button>,
      );
    }
  } else {
    // reconnect the way it was connected when that way is available; otherwise the other one
    const viaOAuth = oauthReady && (connection.method !== "paste" || !paste);
    if (viaOAuth) {
      buttons.push(
        <form key="reconnect" method="post" action={signInHref} className="contents">
          <button type="submit" className={buttonClasses(problem ? "primary" : "secondary", "sm")}>
            Reconnect<span className="sr-only"> {providerName}</span>
          </button>
        </form>,
      );
    } else if (paste) {
      buttons.push(
        <Button
          key="replace"
          ref={pasteButton}
          variant={problem ? "primary" : "secondary"}
          size="sm"
          onClick={() => setPasting(true)}
        >
          {problem ? "Reconnect" : "Replace key"}
          <span className="sr-only"> for {providerName}</span>
        </Button>,
      );
    }
    buttons.push(
      <Button
        key="disconnect"
        variant="ghost"
        size="sm"
        className="text-red-700 hover:bg-red-50 hover:text-red-800"
        onClick={() => setConfirming(true)}
      >
        Disconnect<span className="sr-only"> {providerName}</span>
      </Button>,
    );
  }

  return (
    <>
      {buttons.length > 0 ? <div className="flex flex-wrap items-center gap-2">{buttons}</div> : null}
      {connection ? (
        <ConfirmDialog
          open={confirming}
          onClose={() => setConfirming(false)}
          onConfirm={async () => (await disconnectAction(providerId))?.error}
          title={`Disconnect ${providerName}?`}
          confirmLabel={`Disconnect ${providerName}`}
          pendingLabel="Disconnecting…"
        >
          <p>okoro deletes the stored credential. Agents can no longer reach {providerName} through okoro.</p>
          <p>
            {tokensUsing.length > 0 ? (
              <>
                <strong className="font-medium text-ink">
                  {tokensUsing.length === 1
                    ? "1 active service token grants"
                    : `${tokensUsing.length} active service tokens grant`}{" "}
                  {providerName}
                </strong>{" "}
                ({listNames(tokensUsing)}). {tokensUsing.length === 1 ? "It keeps" : "They keep"} existing, but{" "}
                {tokensUsing.length === 1 ? "its" : "their"} calls get{" "}
              </>
            ) : (
              <>Service tokens that grant {providerName} keep existing, but their calls get </>
            )}
            <code className="rounded bg-zinc-100 px-1 py-0.5 text-[12px] text-ink">409 not_connected</code> until you
            connect it again.
          </p>
          <p className="text-ink-subtle">
            {connection.method === "paste"
              ? `The key itself stays valid at ${providerName}; revoke it there if you no longer trust it.`
              : `okoro's access is not revoked at ${providerName} itself; remove the app in your ${providerName} settings if you want that too.`}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
