// /sign-in: e-mail + password, plus GitHub/Google when configured. Messages for the
// errors next-auth and our OAuth linking send back here as ?error=….
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OAuthButtons } from "@/app/(auth)/oauth-buttons";
import { PasskeySignInButton } from "@/app/(auth)/sign-in/passkey-sign-in-button";
import { SignInForm } from "@/app/(auth)/sign-in/sign-in-form";
import { Alert } from "@/components/alert";
import { Card } from "@/components/card";
import { oauthProviders } from "@/lib/auth/auth";
import { safeNextPath } from "@/lib/auth/request-checks";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  OAuthAccountNotLinked:
    "An account with this email already exists and uses a password. Sign in with your email and password.",
  UnverifiedEmail: "Your account with that provider has no verified email address, so we cannot sign you in with it.",
  AccountDisabled: "This account has been disabled.",
  AccessDenied: "Sign-in was cancelled or refused.",
  Configuration: "Signing in is not available right now. Please try again later.",
  Verification: "That sign-in link is no longer valid.",
  SecondFactorExpired: "That sign-in has expired or had too many wrong codes. Sign in again.",
};

function errorMessage(error: string | undefined, code: string | undefined): string | undefined {
  if (!error) return undefined;
  if (error === "CredentialsSignin") {
    if (code === "rate_limited") return "Too many attempts, try again in a few minutes.";
    if (code === "account_disabled") return ERRORS.AccountDisabled;
    if (code === "second_factor") return "This account uses two-factor authentication: sign in with this form.";
    return "Wrong email or password.";
  }
  return ERRORS[error] ?? "We could not sign you in. Please try again.";
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const nextParam = first(params.next);
  const next = nextParam ? safeNextPath(nextParam) : undefined;
  // `reauth=1`: a signed-in person confirming it is them by signing in again (step-up)
  if (first(params.reauth) !== "1" && (await currentUser())) redirect(next ?? "/dashboard");

  const error = errorMessage(first(params.error), first(params.code));
  const signedOut = first(params.signed_out) === "1";
  const wasReset = first(params.reset) === "1";
  const wasDeleted = first(params.deleted) === "1";
  const oauth = oauthProviders();

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Sign in to okoro</h1>
        <p className="text-sm text-ink-muted">Manage your connections, agents and audit log.</p>
      </div>
      {signedOut ? <Alert tone="success">You have signed out.</Alert> : null}
      {wasReset ? <Alert tone="success">Your password is set. Sign in with it.</Alert> : null}
      {wasDeleted ? (
        <Alert tone="success">Your account is deleted, and your agents' tokens no longer work.</Alert>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Card className="space-y-5 p-5 sm:p-6">
        <OAuthButtons github={oauth.github} google={oauth.google} next={next} />
        <SignInForm next={next} />
        <PasskeySignInButton next={next} />
      </Card>
    </div>
  );
}
