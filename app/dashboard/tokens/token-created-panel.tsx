"use client";
// The one time a service token is shown (docs/tokens.md#service-tokens, docs/agent-api.md#agent-tooling): the token with a copy button,
// the agent snippet with its own, the MCP URL with a setup per client, and a plain
// warning that it will not be shown again.
// Focus moves to the panel's heading so a screen reader announces it. Done drops the
// token from memory; closing without having copied anything asks first, because the
// only way back from a lost token is revoking it and making another.
import { useEffect, useRef, useState } from "react";
import type { CreatedToken } from "@/app/dashboard/tokens/create-result";
import type { McpSetup } from "@/app/dashboard/tokens/mcp-snippet";
import { Button } from "@/components/button";
import { Card } from "@/components/card";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { CopyButton } from "@/components/copy-button";

export function TokenCreatedPanel({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  // Leaving the page: a browser may keep it in its back/forward cache, and Back would show
  // the token again, so it is dropped on the way out. And until something was copied, a
  // reload or a closed tab asks first (the browser's own "Leave site?").
  useEffect(() => {
    const hide = (e: PageTransitionEvent) => {
      if (e.persisted) onDone();
    };
    const leave = (e: BeforeUnloadEvent) => {
      if (!copied) e.preventDefault();
    };
    window.addEventListener("pagehide", hide);
    window.addEventListener("beforeunload", leave);
    return () => {
      window.removeEventListener("pagehide", hide);
      window.removeEventListener("beforeunload", leave);
    };
  }, [copied, onDone]);

  return (
    <Card
      aria-labelledby="token-created-heading"
      data-testid="token-created"
      className="overflow-hidden border-emerald-300 ring-4 ring-emerald-50"
    >
      <div className="flex items-start gap-3 border-b border-emerald-200 bg-emerald-50/70 px-5 py-4">
        <span
          className="mt-0.5 grid size-8 shrink-0 place-items-center rounded-full bg-emerald-600 text-white"
          aria-hidden="true"
        >
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-4">
            <path
              fillRule="evenodd"
              d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z"
              clipRule="evenodd"
            />
          </svg>
        </span>
        <div className="min-w-0">
          <h2
            id="token-created-heading"
            ref={heading}
            tabIndex={-1}
            className="rounded text-[15px] font-semibold text-ink"
          >
            Service token for {created.name} created
          </h2>
          <p className="mt-0.5 text-sm text-emerald-900">
            <strong className="font-semibold">Copy it now — you won&apos;t see it again.</strong> okoro keeps only a
            hash of it. If it gets lost, revoke it and create a new one.
          </p>
        </div>
      </div>

      <div className="space-y-5 px-5 py-4">
        <div className="space-y-1.5">
          <p className="text-sm font-medium text-ink" id="new-token-label">
            Service token
          </p>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <code
              data-testid="new-token"
              aria-labelledby="new-token-label"
              className="block min-w-0 flex-1 select-all break-all rounded-lg border border-line-strong bg-zinc-50 px-3 py-2 font-mono text-[13px] leading-5 text-ink"
            >
              {created.token}
            </code>
            <CopyButton
              value={created.token}
              label="Copy token"
              accessibleLabel="Copy the service token"
              variant="primary"
              size="md"
              onCopied={() => setCopied(true)}
            />
          </div>
        </div>

        <div className="space-y-1.5">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <div>
              <p className="text-sm font-medium text-ink">Give it to your agent</p>
              <p className="text-sm text-ink-muted">
                Exchange for a short-lived token, then call the provider through okoro.
              </p>
            </div>
            <CopyButton
              value={created.snippet}
              label="Copy snippet"
              accessibleLabel="Copy the agent snippet"
              onCopied={() => setCopied(true)}
            />
          </div>
          <pre
            data-testid="agent-snippet"
            tabIndex={0}
            aria-label="Agent snippet"
            className="max-h-80 overflow-auto rounded-lg bg-zinc-900 px-4 py-3 font-mono text-[12.5px] leading-5 text-zinc-100"
          >
            {created.snippet}
          </pre>
        </div>

        <McpSetupBlock setup={created.mcp} onCopied={() => setCopied(true)} />
      </div>

      <div className="flex flex-col gap-2 border-t border-line bg-zinc-50/60 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-xs text-ink-subtle">The token appears in the list below by its hint, {created.hint}.</p>
        <Button onClick={() => (copied ? onDone() : setConfirming(true))} className="w-full sm:w-auto">
          Done
        </Button>
      </div>

      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={onDone}
        title="Close without copying the token?"
        confirmLabel="Close anyway"
        cancelLabel="Go back"
        tone="primary"
      >
        <p>You have not copied the token or the snippet. Once this panel closes, okoro cannot show the token again.</p>
      </ConfirmDialog>
    </Card>
  );
}

/** The MCP URL and one setup per client, picked with a row of tabs. */
function McpSetupBlock({ setup, onCopied }: { setup: McpSetup; onCopied: () => void }) {
  const [active, setActive] = useState(setup.clients[0]?.id);
  const client = setup.clients.find((c) => c.id === active) ?? setup.clients[0];
  return (
    <div className="space-y-1.5" data-testid="mcp-setup">
      <div>
        <p className="text-sm font-medium text-ink">Or connect an MCP client</p>
        <p className="text-sm text-ink-muted">
          Every granted, connected provider becomes tools at{" "}
          <code data-testid="mcp-url" className="font-mono text-[13px] text-ink">
            {setup.url}
          </code>
          ; every call is checked and audited like the snippet&apos;s.
        </p>
      </div>
      <div role="tablist" aria-label="MCP client" className="flex flex-wrap gap-1">
        {setup.clients.map((c) => (
          <button
            key={c.id}
            type="button"
            role="tab"
            aria-selected={c.id === client.id}
            aria-controls="mcp-setup-panel"
            onClick={() => setActive(c.id)}
            className={`rounded-md px-2.5 py-1 text-sm ${c.id === client.id ? "bg-zinc-900 text-white" : "text-ink-muted hover:bg-zinc-100"}`}
          >
            {c.label}
          </button>
        ))}
      </div>
      <div id="mcp-setup-panel" role="tabpanel" className="space-y-1.5">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <p className="text-sm text-ink-muted">{client.where}</p>
          <CopyButton
            value={client.text}
            label="Copy"
            accessibleLabel={`Copy the ${client.label} setup`}
            onCopied={onCopied}
          />
        </div>
        <pre
          data-testid="mcp-snippet"
          tabIndex={0}
          aria-label={`${client.label} setup`}
          className="max-h-72 overflow-auto rounded-lg bg-zinc-900 px-4 py-3 font-mono text-[12.5px] leading-5 text-zinc-100"
        >
          {client.text}
        </pre>
      </div>
    </div>
  );
}
