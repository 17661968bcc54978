"use client";
// The sign-up form: e-mail, password (at least 10 characters) and an optional name.
// Typed values other than the password survive a failed attempt. Once sent, the form gives
// way to "check your inbox" — the same words whether or not the address already had an
// account (docs/dashboard.md#sign-up).
import Link from "next/link";
import { useActionState, useRef } from "react";
import { signUpAction } from "@/app/(auth)/actions";
import { initialAuthFormState } from "@/app/(auth)/form-state";
import { useFocusFirstError } from "@/app/(auth)/use-focus-first-error";
import { Alert } from "@/components/alert";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function SignUpForm({ minPasswordLength, outbox }: { minPasswordLength: number; outbox?: string }) {
  const [state, action] = useActionState(signUpAction, initialAuthFormState);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, state);

  if (state.sentTo) return <CheckInbox email={state.sentTo} outbox={outbox} />;

  return (
    <form ref={form} action={action} noValidate className="space-y-4">
      {state.error ? (
        <div tabIndex={-1} data-form-error className="rounded-lg">
          <Alert tone="error">{state.error}</Alert>
        </div>
      ) : null}
      <FormField
        label="Name"
        labelNote="optional"
        name="name"
        autoComplete="name"
        defaultValue={state.values.name}
        key={`name-${state.attempt}`}
        error={state.fieldErrors?.name}
      />
      <FormField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        inputMode="email"
        autoCapitalize="none"
        spellCheck={false}
        required
        defaultValue={state.values.email}
        key={`email-${state.attempt}`}
        error={state.fieldErrors?.email}
      />
      <FormField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={minPasswordLength}
        required
        hint={`At least ${minPasswordLength} characters. A passphrase of a few words works well.`}
        error={state.fieldErrors?.password}
      />
      <SubmitButton pendingLabel="Creating your account…" className="w-full">
        Create account
      </SubmitButton>
      <p className="text-center text-sm text-ink-muted">
        Already have an account?{" "}
        <Link href="/sign-in" className="rounded font-medium text-accent-700 hover:text-accent-800 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}

function CheckInbox({ email, outbox }: { email: string; outbox?: string }) {
  return (
    <div className="space-y-4" role="status">
      <div className="space-y-1.5">
        <h2 className="text-base font-semibold text-ink">Check your inbox</h2>
        <p className="text-sm text-ink-muted">
          We sent a message to <span className="font-medium text-ink">{email}</span>. Open the link in it to confirm the
          address, then sign in with your password.
        </p>
      </div>
      {outbox ? (
        <Alert tone="info">
          This okoro has no mail server set up, so messages are written to <code className="font-mono">{outbox}</code>{" "}
          and to the server log.
        </Alert>
      ) : null}
      <p className="text-sm text-ink-muted">
        Nothing arrived after a few minutes? Look in the spam folder, or{" "}
        {/* a plain link: a fresh form, not this answer again */}
        <a href="/sign-up" className="font-medium text-accent-700 hover:text-accent-800 hover:underline">
          sign up again
        </a>
        . Already confirmed?{" "}
        <Link href="/sign-in" className="font-medium text-accent-700 hover:text-accent-800 hover:underline">
          Sign in
        </Link>
        .
      </p>
    </div>
  );
}
