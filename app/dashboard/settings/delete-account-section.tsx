"use client";
// Settings → Delete account: the audit export first, then the address typed again.
import { useActionState } from "react";
import { deleteAccountAction } from "@/app/dashboard/settings/delete-account-actions";
import { Alert } from "@/components/alert";
import { buttonClasses } from "@/components/button";
import { Card, CardHeader } from "@/components/card";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function DeleteAccountSection({ email }: { email: string }) {
  const [state, action] = useActionState(deleteAccountAction, { attempt: 0 });
  return (
    <Card aria-labelledby="delete-account-title" data-testid="delete-account" id="delete-account">
      <CardHeader
        title={
          <span id="delete-account-title" className="text-red-700">
            Delete account
          </span>
        }
        description="Revokes every service token at once, deletes every connected account's credentials, pending approvals, sessions and factors. The audit log of what your agents did is kept. This cannot be undone."
      />
      <div className="max-w-md space-y-4 px-5 py-4">
        <p className="text-sm text-zinc-600">
          Keep a copy of your audit log first:{" "}
          <a href="/dashboard/audit/export?format=csv" download className={buttonClasses("secondary", "sm")}>
            Download audit log (CSV)
          </a>
        </p>
        <form action={action} key={state.attempt} className="space-y-4">
          {state.error ? <Alert tone="error">{state.error}</Alert> : null}
          <FormField label={`Type ${email} to confirm`} name="confirm_email" type="text" autoComplete="off" required />
          <SubmitButton variant="danger" pendingLabel="Deleting…">
            Delete my account
          </SubmitButton>
        </form>
      </div>
    </Card>
  );
}
