"use client";
// The notice above every dashboard page while the account's e-mail address is unconfirmed
// (docs/dashboard.md#e-mail-verification): why connecting and tokens are locked, and a
// way to get a new link.
import { useActionState } from "react";
import { resendVerificationAction } from "@/app/dashboard/verify-actions";
import { Alert } from "@/components/alert";
import { SubmitButton } from "@/components/submit-button";

export function VerifyNotice({ email }: { email: string }) {
  const [state, action] = useActionState(resendVerificationAction, {});
  return (
    <div className="mb-6" data-testid="verify-notice">
      <Alert tone="info" title="Confirm your e-mail address">
        <p>
          We sent a link to <strong>{email}</strong>. Until you use it, this account cannot connect providers or create
          service tokens.
        </p>
        <form action={action} className="mt-3 flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Sending…" size="sm" variant="secondary">
            Resend the link
          </SubmitButton>
          {state.message ? (
            <span role="status" className="text-sm">
              {state.message}
            </span>
          ) : null}
        </form>
      </Alert>
    </div>
  );
}
