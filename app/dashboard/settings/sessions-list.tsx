"use client";
// The sessions table's buttons: end one other session, or all but this one.
import { useState, useTransition } from "react";
import { revokeSessionAction, signOutEverywhereElseAction } from "@/app/dashboard/settings/session-actions";
import { Button } from "@/components/button";
import { ConfirmDialog } from "@/components/confirm-dialog";

export function RevokeSessionButton({ sessionId, device }: { sessionId: string; device: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <span className="inline-flex items-center gap-2">
      {error ? <span className="text-xs text-red-700">{error}</span> : null}
      <Button
        variant="ghost"
        size="sm"
        disabled={pending}
        aria-label={`Sign out ${device}`}
        onClick={() =>
          start(async () => {
            const result = await revokeSessionAction(sessionId);
            setError(result.error);
          })
        }
      >
        {pending ? "Signing out…" : "Sign out"}
      </Button>
    </span>
  );
}

export function SignOutEverywhereButton({ others }: { others: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" disabled={others === 0} onClick={() => setOpen(true)}>
        Sign out everywhere else
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Sign out every other session?"
        confirmLabel="Sign out everywhere else"
        pendingLabel="Signing out…"
        onConfirm={async () => {
          const result = await signOutEverywhereElseAction();
          return result.error;
        }}
      >
        <p>
          {others === 1 ? "1 other session" : `${others} other sessions`} will be signed out at their next request. This
          one stays signed in.
        </p>
      </ConfirmDialog>
    </>
  );
}
