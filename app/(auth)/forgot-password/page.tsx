// /forgot-password: asks for the address and answers the same whether or not it has an
// account (docs/dashboard.md#password-reset).
import type { Metadata } from "next";
import Link from "next/link";
import { ForgotForm } from "@/app/(auth)/forgot-password/forgot-form";
import { Card } from "@/components/card";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <div className="space-y-5">
      <div className="space-y-1.5 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Reset your password</h1>
        <p className="text-sm text-ink-muted">We will mail you a link to choose a new one.</p>
      </div>
      <Card className="space-y-4 p-5 sm:p-6">
        <ForgotForm />
        <p className="text-center text-sm">
          <Link href="/sign-in" className="font-medium text-accent-700 hover:text-accent-800 hover:underline">
            Back to sign in
          </Link>
        </p>
      </Card>
    </div>
  );
}
