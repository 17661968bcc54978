"use server";
// The person's answer on the OAuth consent page. Both actions check the session and the
// request's origin (CSRF: only okoro's own page can approve a grant), then re-check the
// whole authorization request on the server — the query came back through the browser —
// before lib/oauth makes the grant or tells the client no. They answer where the browser
// goes next; nothing secret is in the answer but the one-time code for the client.
import { headers } from "next/headers";
import { parseCreateToken } from "@/app/dashboard/tokens/create-input";
import type { CreateTokenField } from "@/app/dashboard/tokens/create-input";
import { isSameOrigin, requireUser } from "@/lib/auth/session";
import { hasRecentVerification, verifyPath } from "@/lib/auth/step-up";
import { grantsNeedStepUp } from "@/lib/auth/step-up-rules";
import { isEmailVerified } from "@/lib/auth/verification";
import { isOkoroError } from "@/lib/errors";
import { approveAuthorization, authorizeParams, denyAuthorization } from "@/lib/oauth/authorize";
import { oauthContext } from "@/lib/oauth/http";
import { isProviderId } from "@/lib/providers/catalog";

const WRONG_ORIGIN = "This can only be done from okoro's own page. Reload the page and try again.";

export type ConsentResult =
  | { ok: true; location: string }
  | { ok: false; error?: string; fieldErrors?: Partial<Record<CreateTokenField, string>>; stepUp?: string };

function paramsOf(query: unknown) {
  if (typeof query !== "string" || query.length > 8000) return null;
  const search: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query))
    search[key] = key in search ? [search[key] as string, value] : value;
  return authorizeParams(search);
}

export async function approveAuthorizationAction(query: unknown, payload: unknown): Promise<ConsentResult> {
  const user = await requireUser();
  if (!(await isSameOrigin())) return { ok: false, error: WRONG_ORIGIN };
  if (!isEmailVerified(user))
    return { ok: false, error: "Confirm your e-mail address first: use the link okoro mailed you, then try again." };
  const parsed = parseCreateToken(payload, { now: new Date(), knownProvider: isProviderId });
  if (!parsed.ok)
    return {
      ok: false,
      fieldErrors: parsed.fieldErrors,
      error: "Some fields need a look before this app can be connected.",
    };
  // granting delete or all needs a recent confirmation, as on the tokens page (docs/dashboard.md#step-up)
  if (grantsNeedStepUp(parsed.input.grants) && !(await hasRecentVerification()))
    return {
      ok: false,
      error: "Granting delete, or everything, needs you to confirm it's you first.",
      stepUp: verifyPath(typeof query === "string" ? `/oauth/authorize?${query}` : "/dashboard"),
    };
  const { name: _name, ...choice } = parsed.input;
  try {
    const location = await approveAuthorization(await oauthContext(await headers()), {
      userId: user.id,
      params: paramsOf(query),
      choice,
    });
    return { ok: true, location };
  } catch (e) {
    if (isOkoroError(e) && (e.code === "invalid_request" || e.code === "invalid_client"))
      return { ok: false, error: e.message };
    throw e;
  }
}

export async function denyAuthorizationAction(query: unknown): Promise<ConsentResult> {
  const user = await requireUser();
  if (!(await isSameOrigin())) return { ok: false, error: WRONG_ORIGIN };
  try {
    return {
      ok: true,
      location: await denyAuthorization(await oauthContext(await headers()), {
        userId: user.id,
        params: paramsOf(query),
      }),
    };
  } catch (e) {
    if (isOkoroError(e)) return { ok: false, error: e.message };
    throw e;
  }
}
