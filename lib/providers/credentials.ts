// The credential shapes a connection stores (docs/cli.md#command-line) as zod schemas. One stored shape per
// kind of credential, whatever way it arrived (OAuth flow, paste form, `okoro connection set`):
//   API keys (OpenAI, Anthropic, Stripe)               {"api_key":"…"}
//   OAuth 2 and its pasted stand-ins (GitHub PAT,
//   Slack bot token, Notion internal secret)           {"access_token":"…","refresh_token":"…","expires_at":<unix seconds>}
//   Trello                                             {"token":"…","token_secret":"…"} (+ "api_key" for a pasted key/token pair)
// A pasted token that stands in for an OAuth token is stored as `access_token`, so the proxy
// and the refresher see one shape per provider; `{"api_key":"…"}` is accepted for those
// providers too and stored as `{"access_token":"…"}`.
import { z } from "zod";

/** Printable ASCII without spaces: every real key and token is, and it can never break a header. */
const secret = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(8192, "is too long")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces or line breaks");

// expires_at is in seconds like every other timestamp in okoro (JWT claims); a value in
// milliseconds would read as a date thousands of years away and is refused instead.
const expiresAt = z
  .number()
  .int()
  .positive()
  .max(99_999_999_999, "expires_at is in seconds since the epoch, not milliseconds");

export const apiKeyCredentialSchema = z.strictObject({ api_key: secret });

export const oauth2CredentialSchema = z.strictObject({
  access_token: secret,
  refresh_token: secret.optional(),
  expires_at: expiresAt.optional(),
  token_type: z.string().max(64).optional(),
  scope: z.string().max(4096).optional(),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** OAuth 2 shape; a lone `{"api_key": …}` (a pasted PAT / bot token / secret) becomes `{"access_token": …}`. */
export const pastedTokenCredentialSchema = z.preprocess(
  (value) =>
    isRecord(value) && Object.keys(value).length === 1 && "api_key" in value ? { access_token: value.api_key } : value,
  oauth2CredentialSchema,
);

/**
 * Trello. From the OAuth 1 flow: token + token_secret, signed with okoro's consumer key.
 * Pasted: token + secret, or a token from Trello's /1/authorize page (no secret) with the
 * API key it was issued to. Blank optional fields from the paste form are dropped.
 */
export const trelloCredentialSchema = z.preprocess(
  (value) =>
    isRecord(value)
      ? Object.fromEntries(Object.entries(value).filter(([k, v]) => !(k !== "token" && v === "")))
      : value,
  z
    .strictObject({
      token: secret,
      token_secret: secret.optional(),
      api_key: secret.optional(),
    })
    .refine((c) => c.token_secret !== undefined || c.api_key !== undefined, {
      message: "a Trello token needs its token_secret, or the api_key it was issued to",
    })
    .transform((c) => ({
      token: c.token,
      token_secret: c.token_secret ?? "",
      ...(c.api_key ? { api_key: c.api_key } : {}),
    })),
);
