// Turns the paste form's fields into the credential a connection stores, validated by the
// provider's own schema (lib/providers/credentials.ts), or into messages a person can act
// on, per field. Pure, so it is tested without a browser or a database.
//
// Only the fields the catalog entry lists are read, so a crafted form cannot smuggle
// extra keys into a credential; a blank optional field is left out (the schemas are
// strict). Values are never part of a message: a secret must not come back to the page.
import type { Credential, PasteField } from "@/lib/providers/types";

type Issue = { path: PropertyKey[]; message: string };
type SafeParse = { success: true; data: Credential } | { success: false; error: { issues: Issue[] } };

/** What this module needs of a catalog entry. */
export type PasteSpec = {
  name: string;
  fields: readonly PasteField[];
  credential: { safeParse: (value: unknown) => SafeParse };
};

export type PasteParseResult =
  | { ok: true; credential: Credential }
  | { ok: false; fieldErrors: Record<string, string>; formError?: string };

/**
 * A label as it reads mid-sentence: "Token" → "token", but "API key", "Bot User OAuth
 * Token" and a label that starts with a name ("Trello token") keep their capitals.
 */
export function inSentence(label: string, properName?: string): string {
  if (/[A-Z]/.test(label.slice(1)) || (properName && label.startsWith(properName))) return label;
  return label.charAt(0).toLowerCase() + label.slice(1);
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** `lookup(name)` reads a submitted value (FormData.get or a plain object). */
export function parsePastedCredential(spec: PasteSpec, lookup: (name: string) => unknown): PasteParseResult {
  const raw: Record<string, string> = {};
  const fieldErrors: Record<string, string> = {};
  for (const field of spec.fields) {
    const value = lookup(field.name);
    const text = typeof value === "string" ? value : "";
    if (text.trim() === "") {
      if (!field.optional) fieldErrors[field.name] = `Paste the ${inSentence(field.label, spec.name)}.`;
      continue;
    }
    raw[field.name] = text;
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };

  const parsed = spec.credential.safeParse(raw);
  if (parsed.success) return { ok: true, credential: parsed.data };

  let formError: string | undefined;
  for (const issue of parsed.error.issues) {
    const name = typeof issue.path[0] === "string" ? issue.path[0] : undefined;
    const field = spec.fields.find((f) => f.name === name);
    if (field) {
      fieldErrors[field.name] ??= sentence(`${field.label} ${issue.message}`);
    } else {
      // a rule about several fields (Trello: a token needs its secret or its API key). The
      // schema's message names credential keys; the person saw labels, and what is missing
      // is among the optional fields left blank.
      const blank = spec.fields
        .filter((f) => f.optional && !(f.name in raw))
        .map((f) => `the ${inSentence(f.label, spec.name)}`);
      formError ??=
        blank.length > 0
          ? `This ${spec.name} credential is incomplete: also fill in ${blank.join(" or ")}.`
          : sentence(issue.message);
    }
  }
  if (!formError && Object.keys(fieldErrors).length === 0)
    formError = `That does not look like a ${spec.name} credential.`;
  return { ok: false, fieldErrors, formError };
}
