"use server";
// Creating and revoking service tokens from the dashboard (docs/tokens.md#service-tokens, docs/dashboard.md#dashboard). Both check the
// session and the request's origin (CSRF) and act only on the signed-in user's tokens.
//
// createServiceTokenAction returns the plaintext token in its result and nowhere else:
// it is not logged, not put in a URL or cookie, and the page re-rendered by
// revalidatePath lists the new token by its hint only.
import { revalidatePath } from "next/cache";
import { parseCreateToken } from "@/app/dashboard/tokens/create-input";
import type { CreateTokenResult } from "@/app/dashboard/tokens/create-result";
import { mcpSetup } from "@/app/dashboard/tokens/mcp-snippet";
import { agentSnippet } from "@/app/dashboard/tokens/snippet";
import { getDb } from "@/lib/serve/database";
import { createServiceToken, revokeServiceToken } from "@/lib/tokens/service-tokens";
import { dashboardAction } from "@/lib/auth/action-context";
import { hasRecentVerification, verifyPath } from "@/lib/auth/step-up";
import { grantsNeedStepUp } from "@/lib/auth/step-up-rules";
import { isEmailVerified } from "@/lib/auth/verification";
import { getEnv } from "@/lib/env";
import { isOkoroError } from "@/lib/errors";
import { getProvider, isProviderId } from "@/lib/providers/catalog";
import type { Scope } from "@/lib/scopes";

const UNVERIFIED =
  "Confirm your e-mail address first: use the link we mailed you (or resend it from the notice above).";
const WRONG_ORIGIN = "This can only be done from okoro's own page. Reload the page and try again.";

export async function createServiceTokenAction(payload: unknown): Promise<CreateTokenResult> {
  const ctx = await dashboardAction();
  if (!ctx) return { ok: false, error: WRONG_ORIGIN };
  if (!isEmailVerified(ctx.user)) return { ok: false, error: UNVERIFIED };

  const parsed = parseCreateToken(payload, { now: new Date(), knownProvider: isProviderId });
  if (!parsed.ok)
    return {
      ok: false,
      fieldErrors: parsed.fieldErrors,
      error: "Some fields need a look before the token can be created.",
    };

  // a token that may delete or do anything needs a recent confirmation (docs/dashboard.md#step-up)
  if (grantsNeedStepUp(parsed.input.grants) && !(await hasRecentVerification()))
    return {
      ok: false,
      error: "A token that can delete, or do anything, needs you to confirm it's you first (nothing was created).",
      stepUp: verifyPath("/dashboard/tokens"),
    };

  let created: Awaited<ReturnType<typeof createServiceToken>>;
  try {
    created = await createServiceToken(
      await getDb(),
      { ...parsed.input, userId: ctx.user.id, ip: ctx.ip, userAgent: ctx.userAgent },
      isProviderId,
    );
  } catch (e) {
    if (isOkoroError(e) && e.code === "invalid_request") return { ok: false, error: e.message };
    throw e;
  }

  const { token, row } = created;
  const grants = Object.entries(row.grants).map(([provider, scopes]) => ({
    provider,
    name: getProvider(provider)?.name ?? provider,
    scopes: scopes as Scope[],
  }));
  revalidatePath("/dashboard", "layout");
  return {
    ok: true,
    created: {
      id: row.id,
      name: row.name,
      hint: row.hint,
      token,
      snippet: agentSnippet({ token, baseUrl: getEnv().url, grants, approvalScopes: row.approvalScopes }),
      mcp: mcpSetup({ token, baseUrl: getEnv().url }),
      grants,
      expiresAt: row.expiresAt,
    },
  };
}

export async function revokeServiceTokenAction(id: string): Promise<{ error?: string }> {
  const ctx = await dashboardAction();
  if (!ctx) return { error: WRONG_ORIGIN };
  if (typeof id !== "string" || id === "") return { error: "There is no such service token." };

  try {
    await revokeServiceToken(await getDb(), { id, userId: ctx.user.id, ip: ctx.ip, userAgent: ctx.userAgent });
  } catch (e) {
    if (isOkoroError(e) && e.code === "not_found")
      return { error: "There is no such service token, or it is not yours." };
    throw e;
  }
  revalidatePath("/dashboard", "layout");
  return {};
}
