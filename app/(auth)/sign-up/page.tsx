// /sign-up: create an account with e-mail + password (or GitHub/Google when configured).
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OAuthButtons } from "@/app/(auth)/oauth-buttons";
import { SignUpForm } from "@/app/(auth)/sign-up/sign-up-form";
import { Card } from "@/components/card";
import { oauthProviders } from "@/lib/auth/auth";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { currentUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import path from "node:path";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage() {
  if (await currentUser()) redirect("/dashboard");
  const oauth = oauthProviders();
  const env = getEnv();
  // without a mail server, say where the link went (docs/configuration.md#mail)
  const outboxDir = path.resolve(env.dataDir, "outbox");
  const relative = path.relative(process.cwd(), outboxDir);
  const outbox = env.smtpUrl ? undefined : relative.startsWith("..") ? outboxDir : relative;

  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Create your okoro account</h1>
        <p className="text-sm text-ink-muted">
          Connect your accounts once; give each agent a token that can only do what you allow.
        </p>
      </div>
      <Card className="space-y-5 p-5 sm:p-6">
        <OAuthButtons github={oauth.github} google={oauth.google} />
        <SignUpForm minPasswordLength={PASSWORD_MIN_LENGTH} outbox={outbox} />
      </Card>
      <p className="text-center text-xs leading-5 text-ink-subtle">
        Free to self-host. Read{" "}
        <Link href="/docs" className="rounded underline hover:text-ink-muted">
          how okoro works
        </Link>{" "}
        before you connect anything.
      </p>
    </div>
  );
}
