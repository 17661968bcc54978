"use client";
// Copies a value to the clipboard and says so ("Copied") for a moment, also to screen
// readers. Falls back to a hidden textarea + execCommand where the Clipboard API is
// missing (plain-http origins other than localhost); if both fail it says to copy by hand.
import { useEffect, useRef, useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/button";

type Outcome = "idle" | "copied" | "failed";

async function writeClipboard(value: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(value);
      return true;
    }
  } catch {
    // permission refused or not focused: try the old way
  }
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyButton({
  value,
  label = "Copy",
  copiedLabel = "Copied",
  accessibleLabel,
  variant = "secondary",
  size = "sm",
  className,
  onCopied,
}: {
  value: string;
  label?: string;
  copiedLabel?: string;
  /** a fuller name for screen readers, e.g. "Copy the service token" */
  accessibleLabel?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  onCopied?: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome>("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    const ok = await writeClipboard(value);
    setOutcome(ok ? "copied" : "failed");
    if (ok) onCopied?.();
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOutcome("idle"), ok ? 2000 : 5000);
  };

  return (
    <>
      <Button variant={variant} size={size} className={className} onClick={copy} aria-label={accessibleLabel}>
        {outcome === "copied" ? (
          <svg viewBox="0 0 20 20" fill="currentColor" className="size-4 text-emerald-600" aria-hidden="true">
            <path
              fillRule="evenodd"
              d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z"
              clipRule="evenodd"
            />
          </svg>
        ) : (
          <svg
            viewBox="0 0 20 20"
            fill="none"
            stroke="currentColor"
            strokeWidth={1.6}
            className="size-4"
            aria-hidden="true"
          >
            <rect x="7" y="7" width="9" height="10" rx="1.5" />
            <path d="M13 7V5.5A1.5 1.5 0 0 0 11.5 4h-6A1.5 1.5 0 0 0 4 5.5v7A1.5 1.5 0 0 0 5.5 14H7" />
          </svg>
        )}
        <span>{outcome === "copied" ? copiedLabel : label}</span>
      </Button>
      <span role="status" aria-live="polite" className={outcome === "failed" ? "text-sm text-red-700" : "sr-only"}>
        {outcome === "copied"
          ? "Copied to the clipboard."
          : outcome === "failed"
            ? "Could not copy — select the text and copy it yourself."
            : ""}
      </span>
    </>
  );
}
