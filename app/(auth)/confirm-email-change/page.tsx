// /confirm-email-change?token=…: the link mailed to a new address (docs/dashboard.md#e-mail-change).
// Opening it only shows the new address and a Confirm button; the button uses the link.
// Afterwards the page says what happened: done, taken meanwhile, or why the link cannot
// be used (invalid, used, expired).
import type { Metadata } from "next";
import Link from "next/link";
import { confirmEmailChangeAction } from "@/app/(auth)/confirm-email-change/actions";
import { Alert } from "@/components/alert";
import { Card } from "@/components/card";
import { SubmitButton } from "@/components/submit-button";
import { checkEmailChangeLink } from "@/lib/auth/email-change";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/serve/database";

export const metadata: Metadata = { title: "Confirm your new e-mail address", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const STATES: Record<string, { tone: "success" | "error"; text: string }> = {
  done: {
    tone: "success",
    text: "Your okoro account now uses this address: sign in with it from now on. Every other session of the account was signed out.",
  },
  taken: {
    tone: "error",
    text: "Another okoro account has this address by now, so nothing changed. Your account keeps its current address.",
  },
  invalid: {
    tone: "error",
    text: "This link is not valid: it may be incomplete, or a newer one was sent since. Use the newest message, or ask for the change again in Settings.",
  },
  used: {
    tone: "error",
    text: "This link was already used or cancelled. If your address has changed, there is nothing more to do.",
  },
  expired: {
    tone: "error",
    text: "This link has expired (links work for 24 hours). Ask for the change again in Settings.",
  },
};

export default async function ConfirmEmailChangePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const token = first(params.token);
  const signedIn = Boolean(await currentUser());
  let state = first(params.state);
  let newEmail: string | undefined;
  if (token !== undefined) {
    const checked = await checkEmailChangeLink(await getDb(), token);
    state = checked.state === "ok" ? "ask" : checked.state;
    if (checked.state === "ok") newEmail = checked.newEmail;
  }
  const shown = state && state !== "ask" ? (STATES[state] ?? STATES.invalid) : STATES.invalid;

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Confirm your new address</h1>
        <p className="text-sm text-ink-muted">The address okoro writes to and you sign in with.</p>
      </div>
      <Card className="space-y-4 p-5 sm:p-6">
        {state === "ask" ? (
          <form action={confirmEmailChangeAction} className="space-y-4">
            <input type="hidden" name="token" value={token} />
            <p className="text-sm text-ink-muted">Press the button to move your okoro account to this address:</p>
            <p
              className="break-all rounded-lg border border-line bg-zinc-50 px-3.5 py-2.5 text-center text-sm font-medium text-ink"
              data-testid="new-email"
            >
              {newEmail}
            </p>
            <p className="text-sm text-ink-muted">
              You will sign in with it from now on, and every other session of the account will be signed out.
            </p>
            <SubmitButton pendingLabel="Confirming…" className="w-full">
              Confirm new address
            </SubmitButton>
          </form>
        ) : (
          <Alert tone={shown.tone}>{shown.text}</Alert>
        )}
        <p className="text-center text-sm">
          <Link
            href={signedIn ? "/dashboard/settings" : "/sign-in"}
            className="font-medium text-accent-700 hover:text-accent-800 hover:underline"
          >
            {signedIn ? "Go to settings" : "Sign in"}
          </Link>
        </p>
      </Card>
    </div>
  );
}
