"use client";
// The paste form for one provider: the fields its catalog entry lists, the entry's help,
// field errors from the server's validation against the provider's credential schema.
// Secret fields are password inputs that browsers are asked not to remember; after a
// failed attempt they come back empty (the server never returns a secret), the other
// fields keep what was typed, and focus moves to the first thing to fix.
import { useActionState, useEffect, useRef } from "react";
import { pasteCredentialAction } from "@/app/dashboard/connections/actions";
import { initialPasteState } from "@/app/dashboard/connections/paste-state";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";
import type { PasteConnect } from "@/lib/providers/types";

export function PasteForm({
  providerId,
  providerName,
  paste,
  onCancel,
}: {
  providerId: string;
  providerName: string;
  paste: PasteConnect;
  onCancel: () => void;
}) {
  const [state, action] = useActionState(pasteCredentialAction, initialPasteState);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    const el = form.current;
    if (!el) return;
    if (state.attempt === 0) {
      // just opened: start typing straight away
      el.querySelector<HTMLInputElement>("input:not([type=hidden])")?.focus();
      return;
    }
    (
      el.querySelector<HTMLElement>("[aria-invalid='true']") ?? el.querySelector<HTMLElement>("[data-form-error]")
    )?.focus();
  }, [state]);

  return (
    <form ref={form} action={action} noValidate className="space-y-3" aria-label={`${providerName} credential`}>
      <input type="hidden" name="provider" value={providerId} />
      {state.error ? (
        <div tabIndex={-1} data-form-error className="rounded-lg">
          <Alert tone="error">{state.error}</Alert>
        </div>
      ) : null}
      {paste.fields.map((field) => (
        <FormField
          key={`${field.name}-${state.attempt}`}
          label={field.label}
          labelNote={field.optional ? "optional" : undefined}
          name={field.name}
          type={field.secret ? "password" : "text"}
          placeholder={field.placeholder}
          defaultValue={field.secret ? undefined : state.values?.[field.name]}
          autoComplete={field.secret ? "new-password" : "off"}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          // password managers: this is not the person's own password
          data-1p-ignore=""
          data-lpignore="true"
          className="font-mono text-sm"
          error={state.fieldErrors?.[field.name]}
        />
      ))}
      {paste.help ? <p className="text-sm text-ink-muted">{paste.help}</p> : null}
      <p className="flex items-start gap-1.5 text-xs text-ink-subtle">
        <svg viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 size-3.5 shrink-0" aria-hidden="true">
          <path
            fillRule="evenodd"
            d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z"
            clipRule="evenodd"
          />
        </svg>
        Encrypted before it is stored. okoro never shows it again, and agents never see it.
      </p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <SubmitButton pendingLabel="Saving…" className="w-full sm:w-auto">
          Save and connect
        </SubmitButton>
        <Button variant="ghost" onClick={onCancel} className="w-full sm:w-auto">
          Cancel
        </Button>
      </div>
    </form>
  );
}
