"use client";
// When the tokens page cannot load: a retry inside the dashboard frame.
import { RouteError } from "@/components/route-error";

export default function TokensError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="your service tokens" error={error} reset={reset} />;
}
