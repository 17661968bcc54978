"use client";
// The sign-up form: e-mail, password (at least 10 characters) and an optional name.
// Typed values other than the password survive a failed attempt.
import Link from "next/link";
import { useActionState, useRef } from "react";
import { signUpAction } from "@/app/(auth)/actions";
import { initialAuthFormState } from "@/app/(auth)/form-state";
import { useFocusFirstError } from "@/app/(auth)/use-focus-first-error";
import { Alert } from "@/components/alert";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function SignUpForm({ minPasswordLength }: { minPasswordLength: number }) {
  const [state, action] = useActionState(signUpAction, initialAuthFormState);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, state);

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
