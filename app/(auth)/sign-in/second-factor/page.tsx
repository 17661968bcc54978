// /sign-in/second-factor: step two for accounts with two-factor authentication
// (docs/dashboard.md#two-factor-authentication). Reached only with a live ticket from the
// password step; otherwise back to /sign-in.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SecondFactorForm } from "@/app/(auth)/sign-in/second-factor/second-factor-form";
import { Card } from "@/components/card";
import { safeNextPath } from "@/lib/auth/request-checks";
import { readTicketCookie } from "@/lib/auth/ticket-cookie";
import { ticketUser, twoFactorStatus } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/serve/database";

export const metadata: Metadata = { title: "Two-factor authentication" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SecondFactorPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath(first((await searchParams).next));
  const ticket = await readTicketCookie();
  const db = await getDb();
  const userId = ticket ? await ticketUser(db, ticket) : undefined;
  if (!userId) redirect("/sign-in?error=SecondFactorExpired");
  const status = await twoFactorStatus(db, userId);

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Two-factor authentication</h1>
        <p className="text-sm text-ink-muted">
          {status.totp ? "Enter the 6-digit code from your authenticator app." : "Confirm it's you with your passkey."}
        </p>
      </div>
      <Card className="space-y-5 p-5 sm:p-6">
        <SecondFactorForm next={next} totp={status.totp} passkeys={status.passkeys.length > 0} />
      </Card>
      <p className="text-center text-sm text-ink-muted">
        <Link href="/sign-in" className="rounded hover:underline">
          Cancel and start over
        </Link>
      </p>
    </div>
  );
}
