"use client";
// A side panel over the page for the details of one thing (an audit event, say). Built on
// the native <dialog> (showModal), like confirm-dialog.tsx: the page behind is inert, Tab
// stays inside, Escape closes, and focus goes back to what opened it. It slides in from
// the right on wide screens and fills the screen on a phone. Controlled: the caller owns
// `open` and hears onClose (Escape, the close button, a click on the backdrop).
import { useEffect, useId, useRef, type ReactNode } from "react";
import { cx } from "@/components/cx";

export type DrawerProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  /** a line under the title */
  description?: ReactNode;
  children: ReactNode;
  /** pinned to the bottom (e.g. previous / next) */
  footer?: ReactNode;
  /** where focus goes back when the drawer closes, if not the element that had it when it opened */
  returnFocus?: () => HTMLElement | null | undefined;
  className?: string;
};

export function Drawer({ open, onClose, title, description, children, footer, returnFocus, className }: DrawerProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  // the latest returnFocus without re-running the open/close effect when it changes
  const returnFocusRef = useRef(returnFocus);
  useEffect(() => {
    returnFocusRef.current = returnFocus;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // the title takes the focus: a screen reader announces what opened, and the next
      // Tab reaches the close button
      titleRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
      // the opener may have been re-rendered away (a new page of rows): prefer what the
      // caller names, and only ever focus what is still in the document
      const target = returnFocusRef.current?.() ?? opener.current;
      if (target?.isConnected) target.focus();
    }
  }, [open]);

  // closing by unmounting (navigating away while open) leaves no modal state behind
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(e) => {
        // Escape: let the caller decide, so `open` stays the one source of truth
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // a click on the backdrop lands on the <dialog> element itself
        if (e.target === e.currentTarget) onClose();
      }}
      className={cx(
        "fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-dvh w-full max-w-full bg-surface p-0 text-ink shadow-2xl sm:w-[34rem] sm:border-l sm:border-line",
        "backdrop:bg-zinc-950/30 translate-x-0 transition-transform duration-200 ease-out starting:open:translate-x-8 motion-reduce:transition-none",
        className,
      )}
    >
      <div className="flex h-full flex-col">
        <div className="flex items-start justify-between gap-3 border-b border-line px-4 py-3.5 sm:px-5">
          <div className="min-w-0 space-y-0.5">
            <h2
              ref={titleRef}
              id={titleId}
              tabIndex={-1}
              className="text-base font-semibold leading-6 text-ink focus:outline-none"
            >
              {title}
            </h2>
            {description ? (
              <div id={descriptionId} className="text-sm text-ink-muted">
                {description}
              </div>
            ) : null}
          </div>
          <button
            type="button"
            onClick={onClose}
            className="-mr-1.5 grid size-8 shrink-0 place-items-center rounded-lg text-ink-subtle transition-colors hover:bg-zinc-100 hover:text-ink"
          >
            <svg viewBox="0 0 20 20" fill="currentColor" className="size-5" aria-hidden="true">
              <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
            </svg>
            <span className="sr-only">Close</span>
          </button>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto overscroll-contain px-4 py-4 sm:px-5">{children}</div>
        {footer ? <div className="border-t border-line bg-zinc-50 px-4 py-3 sm:px-5">{footer}</div> : null}
      </div>
    </dialog>
  );
}
