"use client";
// The e-mail + password sign-in form. The typed e-mail survives a failed attempt; the
// password field is always empty again.
import Link from "next/link";
import { useActionState, useRef } from "react";
import { signInAction } from "@/app/(auth)/actions";
import { initialAuthFormState } from "@/app/(auth)/form-state";
import { useFocusFirstError } from "@/app/(auth)/use-focus-first-error";
import { Alert } from "@/components/alert";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

export function SignInForm({ next }: { next?: string }) {
  const [state, action] = useActionState(signInAction, initialAuthFormState);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, state);

  return (
    <form ref={form} action={action} noValidate className="space-y-4">
      {state.error ? (
        <div tabIndex={-1} data-form-error className="rounded-lg">
          <Alert tone="error">{state.error}</Alert>
        </div>
      ) : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
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
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <p className="-mt-2 text-right text-sm">
        <Link
          href="/forgot-password"
          className="rounded font-medium text-accent-700 hover:text-accent-800 hover:underline"
        >
          Forgot password?
        </Link>
      </p>
      <SubmitButton pendingLabel="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm text-ink-muted">
        New to okoro?{" "}
        <Link href="/sign-up" className="rounded font-medium text-accent-700 hover:text-accent-800 hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
