"use client";
// Settings → Password: the current one, then the new one. Other sessions are signed out.
import { useActionState } from "react";
import { changePasswordAction } from "@/app/dashboard/settings/password-actions";
import { Alert } from "@/components/alert";
import { Card, CardHeader } from "@/components/card";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function PasswordSection() {
  const [state, action] = useActionState(changePasswordAction, { attempt: 0 });
  return (
    <Card aria-labelledby="password-title" data-testid="password">
      <CardHeader
        title={<span id="password-title">Password</span>}
        description="Changing it signs you out on every other device."
      />
      <form action={action} key={state.attempt} className="max-w-md space-y-4 px-5 py-4">
        {state.error ? <Alert tone="error">{state.error}</Alert> : null}
        {state.done ? <Alert tone="success">{state.done}</Alert> : null}
        <FormField label="Current password" name="current" type="password" autoComplete="current-password" required />
        <FormField label="New password" name="next" type="password" autoComplete="new-password" required />
        <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
      </form>
    </Card>
  );
}
