// "Confirm it's you" (docs/dashboard.md#step-up): sensitive actions send the person here
// when they last proved who they are more than 10 minutes ago, then back to `next`.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card, CardBody, CardHeader } from "@/components/card";
import { safeNextPath } from "@/lib/auth/request-checks";
import { requireUser } from "@/lib/auth/session";
import { hasRecentVerification } from "@/lib/auth/step-up";
import { VerifyPasswordForm, VerifySecondFactorForm } from "@/app/dashboard/verify/verify-form";
import { twoFactorStatus } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/serve/database";

export const metadata: Metadata = { title: "Confirm it's you" };

export default async function VerifyPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  const user = await requireUser({ returnTo: `/dashboard/verify?next=${encodeURIComponent(next)}` });
  if (await hasRecentVerification()) redirect(next);
  const twoFactor = await twoFactorStatus(await getDb(), user.id);

  return (
    <div className="mx-auto max-w-md pt-4">
      <Card>
        <CardHeader
          title="Confirm it's you"
          description="This action can reach every account you connected, so okoro asks again if you last confirmed more than 10 minutes ago."
        />
        <CardBody>
          {twoFactor.enrolled ? (
            <VerifySecondFactorForm next={next} totp={twoFactor.totp} passkeys={twoFactor.passkeys.length > 0} />
          ) : user.passwordHash ? (
            <VerifyPasswordForm next={next} email={user.email} />
          ) : (
            <div className="space-y-3 text-sm text-ink-muted">
              <p>Your account signs in with GitHub or Google only. Sign in again to confirm.</p>
              <Link
                href={`/sign-in?next=${encodeURIComponent(next)}&reauth=1`}
                className="inline-block rounded font-medium text-accent-700 hover:underline"
              >
                Sign in again
              </Link>
            </div>
          )}
        </CardBody>
      </Card>
      <p className="mt-3 text-center text-sm text-ink-muted">
        <Link href="/dashboard" className="rounded hover:underline">
          Cancel
        </Link>
      </p>
    </div>
  );
}
