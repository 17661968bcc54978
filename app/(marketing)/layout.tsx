// The public pages' frame: a light header with the way in, and a short footer.
import type { ReactNode } from "react";
import Link from "next/link";
import { ButtonLink } from "@/components/button";
import { Logo } from "@/components/logo";

export default function MarketingLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between gap-3 px-5 py-4 sm:px-8 sm:py-5">
        <Logo />
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
          <Link
            href="/docs"
            className="hidden rounded-md px-3 py-2 text-sm font-medium text-ink-muted hover:text-ink sm:inline-block"
          >
            Docs
          </Link>
          <ButtonLink href="/sign-in" variant="ghost" size="sm">
            Sign in
          </ButtonLink>
          <ButtonLink href="/sign-up" size="sm">
            Get started
          </ButtonLink>
        </nav>
      </header>
      <div className="flex-1">{children}</div>
      <footer className="border-t border-line">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-5 py-6 text-sm text-ink-subtle sm:px-8">
          <p>okoro — a credential proxy for AI agents.</p>
          <nav aria-label="Footer" className="flex gap-4">
            <Link href="/docs" className="rounded hover:text-ink">
              Docs
            </Link>
            <Link href="/api/health" className="rounded hover:text-ink">
              Status
            </Link>
          </nav>
        </div>
      </footer>
    </div>
  );
}
