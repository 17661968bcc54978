// The frame around the sign-in and sign-up pages: the logo, one centred card, and a
// way back to the landing page.
import type { ReactNode } from "react";
import Link from "next/link";
import { Logo } from "@/components/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-5 py-5 sm:px-8">
        <Logo />
        <Link href="/docs" className="rounded-md text-sm font-medium text-ink-muted hover:text-ink">
          Docs
        </Link>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pb-16 pt-6 sm:pt-14">
        <div className="w-full max-w-[400px]">{children}</div>
      </main>
      <footer className="px-5 pb-8 text-center text-xs text-ink-subtle">
        Agents get scoped, short-lived tokens. Your credentials stay with okoro.
      </footer>
    </div>
  );
}
