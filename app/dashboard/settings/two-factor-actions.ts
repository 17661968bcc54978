"use server";
// Two-factor settings (docs/dashboard.md#two-factor-authentication): set up and remove the
// authenticator app, new recovery codes, add, rename and remove passkeys. Adding or
// removing a factor, and new recovery codes, need a recent confirmation (step-up); a
// rename does not.
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { revalidatePath } from "next/cache";
import { dashboardAction } from "@/lib/auth/action-context";
import { tooManyAttemptsMessage } from "@/lib/auth/ip-limits";
import { passkeyRegistrationOptions, registerPasskey, removePasskey, renameUserPasskey } from "@/lib/auth/passkeys";
import { requireStepUpOrRedirect } from "@/lib/auth/step-up";
import {
  confirmTotpEnrolment,
  regenerateRecoveryCodes,
  removeTotp,
  startTotpEnrolment,
  type TotpEnrolment,
} from "@/lib/auth/two-factor";
import { isOkoroError } from "@/lib/errors";
import { getDb } from "@/lib/serve/database";

const SETTINGS = "/dashboard/settings";
const CROSS_SITE = "This form must be sent from okoro's own page. Reload and try again.";

export type TwoFactorResult = { error?: string; recoveryCodes?: string[] };

async function context() {
  const ctx = await dashboardAction();
  if (ctx) await requireStepUpOrRedirect(SETTINGS);
  return ctx;
}

export async function startTotpAction(): Promise<{ error?: string; enrolment?: Omit<TotpEnrolment, "uri"> }> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  try {
    const { secret, qrDataUrl } = await startTotpEnrolment(await getDb(), {
      userId: ctx.user.id,
      email: ctx.user.email,
    });
    return { enrolment: { secret, qrDataUrl } };
  } catch (e) {
    if (isOkoroError(e) && e.code === "conflict") return { error: e.message };
    throw e;
  }
}

export type ConfirmTotpState = { error?: string; recoveryCodes?: string[]; attempt: number };

export async function confirmTotpAction(prev: ConfirmTotpState, formData: FormData): Promise<ConfirmTotpState> {
  const attempt = prev.attempt + 1;
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE, attempt };
  const code = formData.get("code");
  if (typeof code !== "string" || code.trim() === "") return { error: "Enter the code from your app.", attempt };
  if (code.length > 64) return { error: "That code is not right. Check the time on your phone.", attempt };
  const result = await confirmTotpEnrolment(await getDb(), {
    userId: ctx.user.id,
    code,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  if (result.ok) return { recoveryCodes: result.recoveryCodes, attempt };
  if (result.reason === "rate_limited") return { error: tooManyAttemptsMessage(result.retryAfterSeconds), attempt };
  if (result.reason === "no_pending") return { error: "Start the setup again.", attempt };
  return { error: "That code is not right. Check the time on your phone.", attempt };
}

export async function regenerateRecoveryCodesAction(): Promise<TwoFactorResult> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  try {
    return {
      recoveryCodes: await regenerateRecoveryCodes(await getDb(), {
        userId: ctx.user.id,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      }),
    };
  } catch (e) {
    if (isOkoroError(e) && e.code === "conflict") return { error: e.message };
    throw e;
  }
}

export async function removeTotpAction(): Promise<TwoFactorResult> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  await removeTotp(await getDb(), { userId: ctx.user.id, ip: ctx.ip, userAgent: ctx.userAgent });
  revalidatePath(SETTINGS);
  return {};
}

export async function passkeyOptionsAction(): Promise<{
  error?: string;
  options?: PublicKeyCredentialCreationOptionsJSON;
}> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  return { options: await passkeyRegistrationOptions(await getDb(), { userId: ctx.user.id, email: ctx.user.email }) };
}

const REGISTER_ERRORS = {
  invalid: "That passkey could not be added. Try again.",
  challenge: "That attempt expired. Try again.",
  too_many: "You have as many passkeys as okoro keeps. Remove one first.",
  duplicate: "That passkey is already added.",
} as const;

export async function registerPasskeyAction(response: string, name: string): Promise<TwoFactorResult> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  if (typeof response !== "string" || response.length > 64_000) return { error: REGISTER_ERRORS.invalid };
  const result = await registerPasskey(await getDb(), {
    userId: ctx.user.id,
    response,
    name: typeof name === "string" ? name : "",
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  revalidatePath(SETTINGS);
  return result.ok ? {} : { error: REGISTER_ERRORS[result.reason] };
}

export async function renamePasskeyAction(id: string, name: string): Promise<TwoFactorResult> {
  const ctx = await dashboardAction();
  if (!ctx) return { error: CROSS_SITE };
  const ok = await renameUserPasskey(await getDb(), { userId: ctx.user.id, id, name });
  revalidatePath(SETTINGS);
  return ok ? {} : { error: "Give the passkey a name (up to 60 characters)." };
}

export async function removePasskeyAction(id: string): Promise<TwoFactorResult> {
  const ctx = await context();
  if (!ctx) return { error: CROSS_SITE };
  const ok = await removePasskey(await getDb(), { userId: ctx.user.id, id, ip: ctx.ip, userAgent: ctx.userAgent });
  revalidatePath(SETTINGS);
  return ok ? {} : { error: "That passkey is already gone." };
}
