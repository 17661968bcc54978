"use client";
import { useActionState } from "react";
import { type VerifyState, verifyPasswordAction } from "@/app/dashboard/verify/actions";
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
