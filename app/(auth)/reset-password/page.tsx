// /reset-password?token=…: the link in the reset message (docs/dashboard.md#password-reset).
// A used, expired, superseded or tampered link shows why and offers a new one.
import type { Metadata } from "next";
import Link from "next/link";
import { ResetForm } from "@/app/(auth)/reset-password/reset-form";
import { Alert } from "@/components/alert";
import { Card } from "@/components/card";
import { checkResetLink } from "@/lib/auth/password-reset";
import { getDb } from "@/lib/serve/database";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const STATES: Record<string, string> = {
  invalid: "This reset link is not valid: it may be incomplete, or a newer one was sent since.",
  used: "This reset link was already used, or your password changed since it was sent.",
  expired: "This reset link has expired (links work for 30 minutes).",
};

export default async function ResetPasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const token = first(params.token);
  const state = token !== undefined ? await checkResetLink(await getDb(), token) : (first(params.state) ?? "invalid");

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Choose a new password</h1>
        <p className="text-sm text-ink-muted">Setting it signs your account out everywhere.</p>
      </div>
      <Card className="space-y-4 p-5 sm:p-6">
        {state === "ok" && token ? (
          <ResetForm token={token} />
        ) : (
          <>
            <Alert tone="error">{STATES[state] ?? STATES.invalid}</Alert>
            <p className="text-center text-sm">
              <Link
                href="/forgot-password"
                className="font-medium text-accent-700 hover:text-accent-800 hover:underline"
              >
                Send a new link
              </Link>
            </p>
          </>
        )}
      </Card>
    </div>
  );
}
