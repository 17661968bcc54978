"use client";
// Shown when a page fails unexpectedly. The details stay in the server log; the person
// gets a calm message and a way to try again.
import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/button";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    // surfaces in the browser console for whoever is debugging; the server has the rest
    console.error(error);
  }, [error]);

  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center gap-5 px-5 text-center">
      <div className="space-y-2">
        <h1 className="text-xl font-semibold tracking-tight text-ink">Something went wrong</h1>
        <p className="max-w-md text-sm text-ink-muted">
          We could not finish that. It has been logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again,
          or come back in a moment.
        </p>
      </div>
      <div className="flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <ButtonLink href="/" variant="secondary">
          Go home
        </ButtonLink>
      </div>
    </main>
  );
}
