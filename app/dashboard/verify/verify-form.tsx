"use client";
import { startAuthentication } from "@simplewebauthn/browser";
import { useActionState, useState, useTransition } from "react";
import {
  type VerifyState,
  verifyCodeAction,
  verifyPasskeyAction,
  verifyPasskeyOptionsAction,
  verifyPasswordAction,
} from "@/app/dashboard/verify/actions";
import { Button } from "@/components/button";
import { Alert } from "@/components/alert";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

const initial: VerifyState = { attempt: 0 };

export function VerifyPasswordForm({ next, email }: { next: string; email: string }) {
  const [state, action] = useActionState(verifyPasswordAction, initial);
  return (
    <form action={action} noValidate className="space-y-4">
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <input type="hidden" name="next" value={next} />
      {/* lets password managers fill the right entry */}
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        key={`password-${state.attempt}`}
      />
      <SubmitButton pendingLabel="Checking…" className="w-full">
        Confirm
      </SubmitButton>
    </form>
  );
}

/** With two-factor on: a code (app or recovery) and, when there are passkeys, the passkey button. */
export function VerifySecondFactorForm({ next, totp, passkeys }: { next: string; totp: boolean; passkeys: boolean }) {
  const [state, action] = useActionState(verifyCodeAction, initial);
  const [passkeyError, setPasskeyError] = useState<string>();
  const [pending, start] = useTransition();
  const error = passkeyError ?? state.error;

  function onPasskeyClick() {
    setPasskeyError(undefined);
    start(async () => {
      const options = await verifyPasskeyOptionsAction();
      if (!options) {
        setPasskeyError("Reload the page and try again.");
        return;
      }
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: options });
      } catch {
        setPasskeyError("The passkey was not used. Try again.");
        return;
      }
      const result = await verifyPasskeyAction(JSON.stringify(response), next);
      if (result.error) setPasskeyError(result.error);
    });
  }

  return (
    <div className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {passkeys ? (
        <Button variant={totp ? "secondary" : "primary"} className="w-full" onClick={onPasskeyClick} disabled={pending}>
          {pending ? "Waiting for your passkey…" : "Use a passkey"}
        </Button>
      ) : null}
      {totp ? (
        <form action={action} noValidate className="space-y-4">
          <input type="hidden" name="next" value={next} />
          <FormField
            label="Authentication code"
            name="code"
            autoComplete="one-time-code"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            hint="From your authenticator app, or one of your recovery codes."
            key={`code-${state.attempt}`}
          />
          <SubmitButton pendingLabel="Checking…" className="w-full">
            Confirm
          </SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
