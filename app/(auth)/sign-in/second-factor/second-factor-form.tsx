"use client";
// The code form (authenticator app or a recovery code) and the passkey button of step two.
import { startAuthentication } from "@simplewebauthn/browser";
import { useActionState, useState, useTransition } from "react";
import {
  type SecondFactorState,
  secondFactorCodeAction,
  secondFactorPasskeyAction,
  secondFactorPasskeyOptionsAction,
} from "@/app/(auth)/sign-in/second-factor/actions";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

const initial: SecondFactorState = { attempt: 0 };

export function SecondFactorForm({ next, totp, passkeys }: { next: string; totp: boolean; passkeys: boolean }) {
  const [state, action] = useActionState(secondFactorCodeAction, initial);
  const [recovery, setRecovery] = useState(!totp);
  const [passkeyError, setPasskeyError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onPasskeyClick() {
    setPasskeyError(null);
    startTransition(async () => {
      const options = await secondFactorPasskeyOptionsAction();
      if (!options) {
        setPasskeyError("This sign-in has expired. Start over.");
        return;
      }
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: options });
      } catch {
        setPasskeyError("The passkey was not used. Try again, or enter a code.");
        return;
      }
      const result = await secondFactorPasskeyAction(JSON.stringify(response), next);
      if (result.error) setPasskeyError(result.error);
    });
  }

  const error = passkeyError ?? state.error;
  return (
    <div className="space-y-5">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {passkeys ? (
        <Button variant={totp ? "secondary" : "primary"} className="w-full" onClick={onPasskeyClick} disabled={pending}>
          {pending ? "Waiting for your passkey…" : "Use a passkey"}
        </Button>
      ) : null}
      {passkeys && totp ? (
        <div className="flex items-center gap-3 text-xs text-ink-subtle">
          <span className="h-px flex-1 bg-line" /> or <span className="h-px flex-1 bg-line" />
        </div>
      ) : null}
      {totp ? (
        <form action={action} noValidate className="space-y-4">
          <input type="hidden" name="next" value={next} />
          {recovery ? (
            <FormField
              label="Recovery code"
              name="code"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              hint="One of the codes you saved when you set up two-factor authentication. Each works once."
              key={`recovery-${state.attempt}`}
            />
          ) : (
            <FormField
              label="Authentication code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              autoFocus
              key={`code-${state.attempt}`}
            />
          )}
          <SubmitButton pendingLabel="Checking…" className="w-full">
            Verify
          </SubmitButton>
          <button
            type="button"
            className="w-full rounded text-center text-sm font-medium text-accent-700 hover:underline"
            onClick={() => setRecovery(!recovery)}
          >
            {recovery ? "Use your authenticator app" : "Use a recovery code"}
          </button>
        </form>
      ) : null}
    </div>
  );
}
