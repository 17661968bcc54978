"use server";
// Connecting by pasting a key, and disconnecting (docs/scopes-and-providers.md#providers, docs/dashboard.md#dashboard). Each checks the session
// and the request's origin (CSRF) first, acts only on the signed-in user's own
// connection, and on success redirects to the connections page with a notice code in the
// URL — a provider id, never anything the person typed.
//
// The pasted secret goes from the form straight into setConnection, which encrypts it; it
// is not logged, not echoed back on an error, and never shown again.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { parsePastedCredential } from "@/app/dashboard/connections/paste-credential";
import type { PasteState } from "@/app/dashboard/connections/paste-state";
import { getDb } from "@/lib/serve/database";
import { deleteConnection, setConnection } from "@/lib/connect/connections";
import { dashboardAction } from "@/lib/auth/action-context";
import { requireStepUpOrRedirect } from "@/lib/auth/step-up";
import { isEmailVerified } from "@/lib/auth/verification";
import { CONNECTIONS_PATH } from "@/lib/connect/messages";
import { isProviderId, resolvedProvider } from "@/lib/providers/catalog";

const WRONG_ORIGIN = "This can only be done from okoro's own page. Reload the page and try again.";

export async function pasteCredentialAction(prev: PasteState, formData: FormData): Promise<PasteState> {
  const attempt = prev.attempt + 1;
  const ctx = await dashboardAction();
  if (!ctx) return { attempt, error: WRONG_ORIGIN };
  if (!isEmailVerified(ctx.user))
    return { attempt, error: "Confirm your e-mail address first: use the link we mailed you (or resend it)." };

  const provider = String(formData.get("provider") ?? "");
  const spec = isProviderId(provider) ? resolvedProvider(provider) : undefined;
  const paste = spec?.connect.paste;
  if (!spec || !paste) return { attempt, error: "This provider cannot be connected by pasting a key." };

  // what may come back to the form if something is wrong: the non-secret fields only
  const values = Object.fromEntries(
    paste.fields.filter((f) => !f.secret).map((f) => [f.name, String(formData.get(f.name) ?? "")]),
  );
  const parsed = parsePastedCredential({ name: spec.name, fields: paste.fields, credential: spec.credential }, (name) =>
    formData.get(name),
  );
  if (!parsed.ok) return { attempt, fieldErrors: parsed.fieldErrors, error: parsed.formError, values };

  try {
    await setConnection({
      db: await getDb(),
      userId: ctx.user.id,
      provider: spec.id,
      method: "paste",
      credential: parsed.credential,
    });
  } catch (e) {
    // the error's message may quote the failed statement; its parameters hold only the
    // encrypted envelope, but there is no reason to log even that
    console.error(
      `[okoro] saving a pasted ${spec.id} credential failed:`,
      e instanceof Error ? e.name : "unknown error",
    );
    return {
      attempt,
      error: `okoro could not save the ${spec.name} credential. Please try again in a moment.`,
      values,
    };
  }
  revalidatePath("/dashboard", "layout");
  redirect(`${CONNECTIONS_PATH}?${new URLSearchParams({ connected: spec.id })}`);
}

export async function disconnectAction(provider: string): Promise<{ error: string } | undefined> {
  const ctx = await dashboardAction();
  if (!ctx) return { error: WRONG_ORIGIN };
  if (typeof provider !== "string" || !isProviderId(provider)) return { error: "There is no such provider." };
  // disconnecting is sensitive (docs/dashboard.md#step-up): confirm first, then come back
  await requireStepUpOrRedirect(CONNECTIONS_PATH);

  // nothing to delete (another tab got there first) reads the same: it is disconnected
  await deleteConnection({ db: await getDb(), userId: ctx.user.id, provider });
  revalidatePath("/dashboard", "layout");
  redirect(`${CONNECTIONS_PATH}?${new URLSearchParams({ disconnected: provider })}`);
}
