"use client";
// When the connections page cannot load: a retry inside the dashboard frame.
import { RouteError } from "@/components/route-error";

export default function ConnectionsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="your connections" error={error} reset={reset} />;
}
