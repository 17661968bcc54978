"use client";
// The notification channels' forms: set or replace a URL (never shown back in full),
// remove it, send a test message.
import { useActionState, useState, useTransition } from "react";
import {
  type ChannelFormState,
  removeChannelAction,
  saveChannelAction,
  testChannelAction,
} from "@/app/dashboard/settings/notification-actions";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { FormField } from "@/components/form-field";
import { SubmitButton } from "@/components/submit-button";

const initial: ChannelFormState = { attempt: 0 };

export function ChannelForm({
  kind,
  label,
  placeholder,
  hint,
  isSet,
}: {
  kind: "slack" | "webhook";
  label: string;
  placeholder: string;
  hint: string;
  isSet: boolean;
}) {
  const [state, action] = useActionState(saveChannelAction, initial);
  return (
    <form action={action} noValidate className="space-y-2" aria-label={`Set the ${label}`}>
      <input type="hidden" name="kind" value={kind} />
      <FormField
        key={state.attempt}
        label={isSet ? `New ${label}` : label}
        name="url"
        type="url"
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        data-1p-ignore=""
        data-lpignore="true"
        className="font-mono text-sm"
        hint={hint}
        error={state.error}
      />
      {state.saved ? <Alert tone="success">Saved. The URL is encrypted and will not be shown again.</Alert> : null}
      <SubmitButton size="sm" pendingLabel="Saving…">
        {isSet ? "Replace URL" : "Save"}
      </SubmitButton>
    </form>
  );
}

export function ChannelButtons({ kind, name }: { kind: "slack" | "webhook"; name: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ error?: string; message?: string }>({});
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {result.error ? <span className="text-xs text-red-700">{result.error}</span> : null}
      {result.message ? (
        <span role="status" className="text-xs text-emerald-700">
          {result.message}
        </span>
      ) : null}
      <Button
        variant="secondary"
        size="sm"
        disabled={pending}
        onClick={() => start(async () => setResult(await testChannelAction(kind)))}
      >
        {pending ? "Sending…" : "Send test"}
      </Button>
      <Button
        variant="ghost"
        size="sm"
        disabled={pending}
        aria-label={`Remove ${name}`}
        onClick={() => start(async () => setResult(await removeChannelAction(kind)))}
      >
        Remove
      </Button>
    </span>
  );
}
