// /verify-email?token=…: the link in the sign-up message (docs/dashboard.md#e-mail-verification).
// Opening it only shows a Confirm button; the button uses the link. Afterwards the page
// says what happened: done, or why the link cannot be used (invalid, used, expired).
import type { Metadata } from "next";
import Link from "next/link";
import { confirmEmailAction } from "@/app/(auth)/verify-email/actions";
import { Alert } from "@/components/alert";
import { Card } from "@/components/card";
import { SubmitButton } from "@/components/submit-button";
import { peekLink } from "@/lib/auth/account-links";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/serve/database";

export const metadata: Metadata = { title: "Confirm your e-mail address", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const STATES: Record<string, { tone: "success" | "error"; text: string }> = {
  done: { tone: "success", text: "Your e-mail address is confirmed. You can now connect providers and create tokens." },
  invalid: {
    tone: "error",
    text: "This link is not valid: it may be incomplete, or a newer one was sent since. Use the newest message, or send a new link from the dashboard.",
  },
  used: {
    tone: "error",
    text: "This link was already used. If your address is confirmed, there is nothing more to do.",
  },
  expired: {
    tone: "error",
    text: "This link has expired (links work for 24 hours). Send a new one from the dashboard.",
  },
};

export default async function VerifyEmailPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const token = first(params.token);
  const signedIn = Boolean(await currentUser());
  let state = first(params.state);
  if (token !== undefined) {
    const peeked = await peekLink(await getDb(), token, ["verify_email"]);
    state = peeked === "ok" ? "ask" : peeked;
  }
  const shown = state && state !== "ask" ? (STATES[state] ?? STATES.invalid) : undefined;

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Confirm your e-mail address</h1>
        <p className="text-sm text-ink-muted">So okoro can reach you about your account.</p>
      </div>
      <Card className="space-y-4 p-5 sm:p-6">
        {state === "ask" ? (
          <form action={confirmEmailAction} className="space-y-4">
            <input type="hidden" name="token" value={token} />
            <p className="text-sm text-ink-muted">Press the button to confirm that this address is yours.</p>
            <SubmitButton pendingLabel="Confirming…" className="w-full">
              Confirm e-mail address
            </SubmitButton>
          </form>
        ) : shown ? (
          <Alert tone={shown.tone}>{shown.text}</Alert>
        ) : (
          <Alert tone="error">{STATES.invalid.text}</Alert>
        )}
        <p className="text-center text-sm">
          <Link
            href={signedIn ? "/dashboard" : "/sign-in"}
            className="font-medium text-accent-700 hover:text-accent-800 hover:underline"
          >
            {signedIn ? "Go to the dashboard" : "Sign in"}
          </Link>
        </p>
      </Card>
    </div>
  );
}
