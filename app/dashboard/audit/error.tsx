"use client";
// When the audit log cannot load: a retry inside the dashboard frame.
import { RouteError } from "@/components/route-error";

export default function AuditError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError what="the audit log" error={error} reset={reset} />;
}
