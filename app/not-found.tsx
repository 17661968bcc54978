// The 404 page.
import type { Metadata } from "next";
import { ButtonLink } from "@/components/button";
import { Logo } from "@/components/logo";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-5 text-center">
      <Logo />
      <div className="space-y-2">
        <p className="text-sm font-medium text-accent-700">404</p>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">This page does not exist</h1>
        <p className="text-sm text-ink-muted">The link may be old, or the page has moved.</p>
      </div>
      <div className="flex gap-2">
        <ButtonLink href="/">Go home</ButtonLink>
        <ButtonLink href="/dashboard" variant="secondary">
          Dashboard
        </ButtonLink>
      </div>
    </main>
  );
}
