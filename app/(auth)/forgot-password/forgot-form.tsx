"use client";
import { useActionState } from "react";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import { Alert } from "@/components/alert";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function ForgotForm() {
  const [state, action] = useActionState(forgotPasswordAction, {});
  if (state.sent)
    return (
      <Alert tone="success">
        If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes.
      </Alert>
    );
  return (
    <form action={action} noValidate className="space-y-4">
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <FormField label="Email" name="email" type="email" autoComplete="email" required />
      <SubmitButton pendingLabel="Sending…" className="w-full">
        Send reset link
      </SubmitButton>
    </form>
  );
}
