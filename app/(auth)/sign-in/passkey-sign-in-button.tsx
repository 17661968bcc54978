"use client";
// "Continue with a passkey": the browser offers the passkeys it holds for this site.
import { startAuthentication } from "@simplewebauthn/browser";
import { useState, useTransition } from "react";
import { passkeySignInAction, passkeySignInOptionsAction } from "@/app/(auth)/sign-in/passkey-actions";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";

export function PasskeySignInButton({ next }: { next?: string }) {
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-xs text-ink-subtle">
        <span className="h-px flex-1 bg-line" /> or <span className="h-px flex-1 bg-line" />
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Button
        variant="secondary"
        className="w-full"
        disabled={pending}
        onClick={() => {
          setError(undefined);
          start(async () => {
            const options = await passkeySignInOptionsAction();
            if (!options) {
              setError("Reload the page and try again.");
              return;
            }
            let response: unknown;
            try {
              response = await startAuthentication({ optionsJSON: options });
            } catch {
              setError("No passkey was used.");
              return;
            }
            const result = await passkeySignInAction(JSON.stringify(response), next ?? "/dashboard");
            if (result.error) setError(result.error);
          });
        }}
      >
        {pending ? "Waiting for your passkey…" : "Continue with a passkey"}
      </Button>
    </div>
  );
}
