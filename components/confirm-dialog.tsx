"use client";
// A modal question before something that matters: revoke, disconnect, grant scope `all`.
// Built on the native <dialog> (showModal): the page behind is inert, Tab stays inside,
// Escape cancels, and it sits above everything without z-index games. Controlled: the
// caller owns `open` and hears onClose (cancel, Escape, backdrop) or onConfirm.
//
// onConfirm may be async; while it runs both buttons are disabled and the confirm button
// says `pendingLabel`. If it resolves to a string, that is an error shown in the dialog
// (which stays open); otherwise the dialog closes. Focus starts on Cancel by default — the
// safe answer — and goes back to whatever had it before the dialog opened.
import { useEffect, useId, useRef, useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { Spinner } from "@/components/spinner";

export type ConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void | string | undefined | Promise<void | string | undefined>;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  cancelLabel?: string;
  tone?: "danger" | "primary";
  /** which button has focus when the dialog opens */
  initialFocus?: "cancel" | "confirm";
};

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  pendingLabel,
  cancelLabel = "Cancel",
  tone = "danger",
  initialFocus = "cancel",
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setError(null);
      dialog.showModal();
      (initialFocus === "confirm" ? confirmRef : cancelRef).current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
      // the opener may have been re-rendered away (a row that changed): only refocus what is still there
      const target = returnFocus.current;
      if (target?.isConnected) target.focus();
    }
  }, [open, initialFocus]);

  const cancel = () => {
    if (!pending) onClose();
  };

  const confirm = () => {
    setError(null);
    startTransition(async () => {
      const result = await onConfirm();
      if (typeof result === "string" && result) setError(result);
      else onClose();
    });
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      // Escape: let React decide, so `open` stays the single source of truth
      onCancel={(e) => {
        e.preventDefault();
        cancel();
      }}
      // a click on the backdrop lands on the <dialog> element itself. (The dialog inherits
      // text styles from where it is rendered, e.g. a right-aligned table cell; the
      // classes below reset what would show.)
      onClick={(e) => {
        if (e.target === e.currentTarget) cancel();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-card border border-line bg-surface p-0 text-left font-normal normal-case tracking-normal text-ink shadow-xl backdrop:bg-zinc-950/40 backdrop:backdrop-blur-[1px]"
    >
      <div className="space-y-3 p-5">
        <div className="flex items-start gap-3">
          {tone === "danger" ? (
            <span
              className="mt-0.5 grid size-8 shrink-0 place-items-center rounded-full bg-red-100 text-red-700"
              aria-hidden="true"
            >
              <svg viewBox="0 0 20 20" fill="currentColor" className="size-4">
                <path
                  fillRule="evenodd"
                  d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
                  clipRule="evenodd"
                />
              </svg>
            </span>
          ) : null}
          <div className="min-w-0 flex-1 space-y-2">
            <h2 id={titleId} className="text-base font-semibold leading-6 text-ink">
              {title}
            </h2>
            {children ? (
              <div id={bodyId} className="space-y-2 text-sm text-ink-muted">
                {children}
              </div>
            ) : null}
          </div>
        </div>
        {error ? <Alert tone="error">{error}</Alert> : null}
      </div>
      <div className="flex flex-col-reverse gap-2 rounded-b-card border-t border-line bg-zinc-50 px-5 py-3 sm:flex-row sm:justify-end">
        <Button ref={cancelRef} variant="secondary" onClick={cancel} disabled={pending} className="w-full sm:w-auto">
          {cancelLabel}
        </Button>
        <Button
          ref={confirmRef}
          variant={tone === "danger" ? "danger" : "primary"}
          onClick={confirm}
          disabled={pending}
          aria-disabled={pending}
          className="w-full sm:w-auto"
        >
          {pending ? (
            <>
              <Spinner />
              <span>{pendingLabel ?? confirmLabel}</span>
            </>
          ) : (
            confirmLabel
          )}
        </Button>
      </div>
    </dialog>
  );
}
