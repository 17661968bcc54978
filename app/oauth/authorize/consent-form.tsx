"use client";
// The consent page's form: the token form's grid, limits and approval choices, submitted
// as a grant to the MCP client; "Deny" tells the client no. Either way the browser then
// goes where the server said (back to the client's verified redirect URI).
import { useState, useTransition } from "react";
import { CreateTokenForm } from "@/app/dashboard/tokens/create-token-form";
import type { ProviderOption } from "@/app/dashboard/tokens/token-rows";
import { approveAuthorizationAction, denyAuthorizationAction } from "@/app/oauth/authorize/actions";
import { Alert } from "@/components/alert";

export function ConsentForm({
  query,
  clientName,
  agentName,
  redirectHost,
  providers,
}: {
  query: string;
  clientName: string;
  agentName: string;
  redirectHost: string;
  providers: ProviderOption[];
}) {
  const [error, setError] = useState<string>();
  const [, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <CreateTokenForm
        providers={providers}
        onCancel={() =>
          startTransition(async () => {
            const result = await denyAuthorizationAction(query);
            if (result.ok) window.location.assign(result.location);
            else setError(result.error);
          })
        }
        consent={{
          agentName,
          title: `Connect ${clientName} to okoro`,
          description: (
            <>
              <strong className="font-medium text-ink">{clientName}</strong> wants to use your connected accounts
              through okoro. After you approve, your browser goes back to{" "}
              <strong className="font-medium text-ink">{redirectHost}</strong>. It can only do what you tick here, and
              you can revoke it on the Service tokens page at any time.
            </>
          ),
          submitLabel: "Approve",
          pendingLabel: "Approving…",
          cancelLabel: "Deny",
          footnote: `Every call ${clientName} makes is recorded in your audit log.`,
          submit: async (payload) => {
            const result = await approveAuthorizationAction(query, payload);
            if (!result.ok) return result;
            window.location.assign(result.location);
            return { ok: true };
          },
        }}
      />
    </div>
  );
}
