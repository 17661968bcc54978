// The signed-in frame: top bar (logo, who is signed in, sign out) and the section nav.
// requireUser() re-reads the user row, so only active users ever see a dashboard page.
import { after } from "next/server";
import type { ReactNode } from "react";
import { signOutAction } from "@/app/dashboard/actions";
import { VerifyNotice } from "@/app/dashboard/verify-notice";
import { Button } from "@/components/button";
import { DashboardNav } from "@/components/dashboard-nav";
import { Logo } from "@/components/logo";
import { requireUser } from "@/lib/auth/session";
import { sweepIfDue } from "@/lib/sweep";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  // hosts without a long-running process have no sweep timer: a person's visit sweeps,
  // after the page is sent, at most every few minutes per instance
  after(() => sweepIfDue());
  const name = user.name?.trim() || null;
  const initial = (name || user.email).charAt(0).toUpperCase();

  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-lg focus:bg-surface focus:px-3 focus:py-2 focus:text-sm focus:shadow-card"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-line bg-surface/90 backdrop-blur supports-[backdrop-filter]:bg-surface/75">
        <div className="mx-auto flex h-14 max-w-7xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo href="/dashboard" />
          <div className="flex min-w-0 items-center gap-2 sm:gap-3">
            <div className="flex min-w-0 items-center gap-2" title={name ? `${name} · ${user.email}` : user.email}>
              <span
                className="grid size-7 shrink-0 place-items-center rounded-full bg-accent-100 text-xs font-semibold text-accent-800"
                aria-hidden="true"
              >
                {initial}
              </span>
              {name ? (
                <span
                  className="hidden max-w-[12rem] truncate text-sm font-medium text-ink md:inline"
                  data-testid="user-name"
                >
                  {name}
                </span>
              ) : null}
              <span className="hidden max-w-[16rem] truncate text-sm text-ink-muted sm:inline" data-testid="user-email">
                {user.email}
              </span>
            </div>
            <form action={signOutAction}>
              <Button type="submit" variant="ghost" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto max-w-7xl px-4 sm:px-6 md:grid md:grid-cols-[13rem_1fr] md:gap-8">
        <aside className="border-b border-line py-2 md:sticky md:top-14 md:h-[calc(100dvh-3.5rem)] md:border-b-0 md:py-6">
          <DashboardNav />
        </aside>
        <main id="main" className="min-w-0 py-6 md:py-8">
          {user.emailUnverified ? <VerifyNotice email={user.email} /> : null}
          {children}
        </main>
      </div>
    </div>
  );
}
