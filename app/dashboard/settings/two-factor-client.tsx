"use client";
// The interactive parts of the two-factor section: set-up steps, recovery codes shown
// once, and the passkey buttons (the browser's WebAuthn prompts).
import { startRegistration } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useActionState, useState, useTransition } from "react";
import {
  type ConfirmTotpState,
  confirmTotpAction,
  passkeyOptionsAction,
  regenerateRecoveryCodesAction,
  registerPasskeyAction,
  removePasskeyAction,
  removeTotpAction,
  renamePasskeyAction,
  startTotpAction,
} from "@/app/dashboard/settings/two-factor-actions";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { CopyButton } from "@/components/copy-button";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/input";
import { SubmitButton } from "@/components/submit-button";

/** Recovery codes, shown once: copy, download, then done. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = `okoro recovery codes (each works once)\n\n${codes.join("\n")}\n`;
  return (
    <div className="space-y-3 rounded-lg border border-line bg-zinc-50 p-4" data-testid="recovery-codes">
      <Alert tone="info">
        Save these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator app. They
        are shown only now.
      </Alert>
      <ul className="grid max-w-xs grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm text-ink">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton value={codes.join("\n")} label="Copy codes" />
        <a
          className="inline-flex h-8 items-center rounded-lg border border-line-strong bg-surface px-3 text-sm text-ink shadow-sm hover:bg-zinc-50"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="okoro-recovery-codes.txt"
        >
          Download
        </a>
        <Button size="sm" onClick={onDone}>
          I saved them
        </Button>
      </div>
    </div>
  );
}

export function TotpSetup() {
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const [state, action] = useActionState(confirmTotpAction, { attempt: 0 } as ConfirmTotpState);

  if (state.recoveryCodes) return <RecoveryCodes codes={state.recoveryCodes} onDone={() => router.refresh()} />;
  if (!enrolment)
    return (
      <div className="space-y-2">
        {error ? <Alert tone="error">{error}</Alert> : null}
        <Button
          size="sm"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const result = await startTotpAction();
              setError(result.error);
              if (result.enrolment) setEnrolment(result.enrolment);
            })
          }
        >
          {pending ? "Preparing…" : "Set up authenticator app"}
        </Button>
      </div>
    );
  return (
    <div className="grid gap-4 rounded-lg border border-line p-4 sm:grid-cols-[auto_1fr]">
      {/* biome-ignore lint/performance/noImgElement: a data: URL, nothing for next/image to optimise */}
      <img
        src={enrolment.qrDataUrl}
        alt="QR code to scan with your authenticator app"
        width={180}
        height={180}
        className="rounded border border-line bg-white"
      />
      <div className="space-y-3">
        <p className="text-ink-muted">Scan the QR code with your authenticator app, or enter this key by hand:</p>
        <div className="flex flex-wrap items-center gap-2">
          <code className="break-all rounded bg-zinc-100 px-2 py-1 font-mono text-xs" data-testid="totp-secret">
            {enrolment.secret}
          </code>
          <CopyButton value={enrolment.secret} label="Copy key" />
        </div>
        <form action={action} noValidate className="space-y-3">
          {state.error ? <Alert tone="error">{state.error}</Alert> : null}
          <FormField
            label="Code from the app"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            required
            key={`code-${state.attempt}`}
          />
          <SubmitButton size="sm" pendingLabel="Checking…">
            Turn on
          </SubmitButton>
        </form>
      </div>
    </div>
  );
}

export function RecoveryCodesButton() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        New recovery codes
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Make new recovery codes?"
        confirmLabel="Make new codes"
        pendingLabel="Making…"
        tone="primary"
        onConfirm={async () => {
          const result = await regenerateRecoveryCodesAction();
          if (result.recoveryCodes) setCodes(result.recoveryCodes);
          return result.error;
        }}
      >
        <p>Your current recovery codes stop working.</p>
      </ConfirmDialog>
      {codes ? (
        <div className="basis-full">
          <RecoveryCodes
            codes={codes}
            onDone={() => {
              setCodes(null);
              router.refresh();
            }}
          />
        </div>
      ) : null}
    </>
  );
}

export function RemoveTotpButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Remove the authenticator app?"
        confirmLabel="Remove"
        pendingLabel="Removing…"
        onConfirm={async () => (await removeTotpAction()).error}
      >
        <p>Its codes and your recovery codes stop working. Sign-in then asks only for what is left.</p>
      </ConfirmDialog>
    </>
  );
}

export function AddPasskeyButton() {
  const router = useRouter();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();

  function add() {
    setError(undefined);
    start(async () => {
      const prepared = await passkeyOptionsAction();
      if (!prepared.options) {
        setError(prepared.error ?? "Could not start. Reload and try again.");
        return;
      }
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: prepared.options });
      } catch {
        setError("No passkey was created. Try again.");
        return;
      }
      const result = await registerPasskeyAction(JSON.stringify(response), name);
      if (result.error) {
        setError(result.error);
        return;
      }
      setNaming(false);
      setName("");
      router.refresh();
    });
  }

  if (!naming)
    return (
      <Button variant="secondary" size="sm" onClick={() => setNaming(true)}>
        Add a passkey
      </Button>
    );
  return (
    <div className="flex basis-full flex-wrap items-end gap-2">
      <div className="min-w-48 flex-1 space-y-1">
        <label htmlFor="passkey-name" className="text-xs font-medium text-ink">
          Passkey name (e.g. “Work laptop”)
        </label>
        <Input id="passkey-name" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
      </div>
      <Button size="sm" onClick={add} disabled={pending}>
        {pending ? "Waiting for your device…" : "Create passkey"}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setNaming(false)} disabled={pending}>
        Cancel
      </Button>
      {error ? (
        <div className="basis-full">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
    </div>
  );
}

export function PasskeyRowActions({ id, name }: { id: string; name: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  if (editing)
    return (
      <form
        className="flex items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            const result = await renamePasskeyAction(id, value);
            setError(result.error);
            if (!result.error) setEditing(false);
          });
        }}
      >
        <Input value={value} maxLength={60} onChange={(e) => setValue(e.target.value)} aria-label="New name" />
        <Button type="submit" size="sm" disabled={pending}>
          Save
        </Button>
        {error ? <span className="text-xs text-red-700">{error}</span> : null}
      </form>
    );
  return (
    <span className="inline-flex gap-1">
      <Button variant="ghost" size="sm" onClick={() => setEditing(true)} aria-label={`Rename ${name}`}>
        Rename
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} aria-label={`Remove ${name}`}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Remove the passkey “${name}”?`}
        confirmLabel="Remove"
        pendingLabel="Removing…"
        onConfirm={async () => (await removePasskeyAction(id)).error}
      >
        <p>It can no longer sign you in or confirm it&apos;s you.</p>
      </ConfirmDialog>
    </span>
  );
}
