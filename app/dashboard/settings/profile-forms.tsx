"use client";
// Settings → Profile's forms: the name, and the e-mail change (opened by its button; an
// account that has not confirmed it is the person lately goes to /dashboard/verify first).
import { type ReactNode, useActionState, useState, useTransition } from "react";
import {
  cancelEmailChangeAction,
  requestEmailChangeAction,
  updateNameAction,
} from "@/app/dashboard/settings/profile-actions";
import { Alert } from "@/components/alert";
import { Button, ButtonLink } from "@/components/button";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function NameForm({ name }: { name: string }) {
  const [state, action] = useActionState(updateNameAction, { attempt: 0 });
  return (
    <form action={action} className="max-w-md space-y-4 px-5 py-4">
      {state.done ? <Alert tone="success">{state.done}</Alert> : null}
      <FormField
        label="Name"
        name="name"
        autoComplete="name"
        maxLength={100}
        defaultValue={state.error ? state.value : name}
        error={state.error}
        hint="Shown in the dashboard. Leave it empty for none."
        key={`name-${state.attempt}`}
      />
      <SubmitButton pendingLabel="Saving…">Save name</SubmitButton>
    </form>
  );
}

/** Where "Change e-mail" goes when the session has not confirmed it is the person lately. */
const VERIFY_FIRST = `/dashboard/verify?next=${encodeURIComponent("/dashboard/settings?change_email=1#email")}`;

/**
 * The change button and form. `pendingNotice` (the change waiting for its link, rendered by
 * the server) sits in a live region, so the notice that appears once a link is sent is read out.
 */
export function EmailChange({
  stepUpFresh,
  initiallyOpen,
  pendingNotice,
}: {
  stepUpFresh: boolean;
  initiallyOpen: boolean;
  pendingNotice: ReactNode;
}) {
  const [state, action] = useActionState(requestEmailChangeAction, { attempt: 0 });
  // the attempt count when the form was opened (null: closed); a link sent since closes it
  const [openedAt, setOpenedAt] = useState<number | null>(initiallyOpen && stepUpFresh ? 0 : null);
  const notice = (
    <div role="status" className="empty:hidden">
      {pendingNotice}
    </div>
  );

  if (openedAt === null || (state.sent && state.attempt > openedAt))
    return (
      <div className="space-y-3">
        {notice}
        {stepUpFresh ? (
          <Button variant="secondary" size="sm" onClick={() => setOpenedAt(state.attempt)}>
            Change e-mail
          </Button>
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <ButtonLink href={VERIFY_FIRST} variant="secondary" size="sm">
              Change e-mail
            </ButtonLink>
            <span className="text-xs text-ink-muted">You will be asked to confirm it is you first.</span>
          </div>
        )}
      </div>
    );

  return (
    <form action={action} noValidate className="max-w-[25.5rem] space-y-4">
      {notice}
      <FormField
        label="New e-mail address"
        name="new_email"
        type="email"
        autoComplete="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus
        defaultValue={state.error ? state.value : undefined}
        error={state.error && state.attempt > openedAt ? state.error : undefined}
        key={`new-email-${state.attempt}`}
        hint="We send a link to the new address; your address changes once you open it."
      />
      <div className="flex flex-wrap gap-2">
        <SubmitButton pendingLabel="Sending…">Send confirmation link</SubmitButton>
        <Button variant="ghost" onClick={() => setOpenedAt(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function CancelEmailChangeButton() {
  const [pending, start] = useTransition();
  return (
    <Button variant="ghost" size="sm" disabled={pending} onClick={() => start(() => cancelEmailChangeAction())}>
      {pending ? "Cancelling…" : "Cancel change"}
    </Button>
  );
}
