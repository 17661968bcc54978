"use client";
// The body of a dashboard section's error.tsx: the section failed to load (the database
// is down, say), but the frame and navigation around it still work. Says what failed in
// plain words, offers a retry, and keeps details in the server log (digest only here).
import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/button";
import { Card } from "@/components/card";

export function RouteError({
  what,
  error,
  reset,
}: {
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <Card className="px-5 py-8 text-center sm:px-8" role="alert">
      <span className="mx-auto grid size-10 place-items-center rounded-full bg-red-50 text-red-600" aria-hidden="true">
        <svg viewBox="0 0 20 20" fill="currentColor" className="size-5">
          <path
            fillRule="evenodd"
            d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
      </span>
      <h2 className="mt-3 text-base font-semibold text-ink">Could not load {what}</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-ink-muted">
        Something went wrong on okoro&apos;s side{error.digest ? ` (reference ${error.digest})` : ""}. Nothing was
        changed. Try again in a moment; if it keeps happening, the server log has the details.
      </p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        <Button onClick={reset} size="sm">
          Try again
        </Button>
        <ButtonLink href="/dashboard" variant="secondary" size="sm">
          Back to overview
        </ButtonLink>
      </div>
    </Card>
  );
}
