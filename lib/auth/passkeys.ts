// Passkeys (WebAuthn) as a second factor and for step-up
// (docs/dashboard.md#two-factor-authentication). The relying party is OKORO_URL: its
// host is the RP ID and its origin the only one accepted, so an answer made for another
// site, or relayed through one, fails. Every challenge is stored with its purpose and the
// user (or sign-in ticket) it was issued to, lives five minutes and is spent by the first
// answer, right or wrong.
import "server-only";
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { z } from "zod";
import type { Database, Queryable } from "@/db/client";
import {
  consumeChallenge,
  deletePasskey,
  findPasskey,
  insertChallenge,
  insertPasskey,
  listPasskeys,
  notePasskeyUse,
  renamePasskey,
} from "@/db/queries/two-factor";
import type { Passkey, WebauthnChallenge } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { getEnv } from "@/lib/env";

export type RequestInfo = { ip: string | null; userAgent: string | null };
export type { Passkey };

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const MAX_PASSKEYS = 20;
export const PASSKEY_NAME_MAX = 60;

/** The relying party, from OKORO_URL (tests may pass their own). */
export type RelyingParty = { id: string; origin: string; name: string };

export function relyingParty(origin = getEnv().origin): RelyingParty {
  return { id: new URL(origin).hostname, origin, name: "okoro" };
}

// What a browser sends back, checked for shape and size before any parsing of its bytes.
const b64 = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*={0,2}$/);
const registrationSchema = z.object({
  id: b64.max(1024),
  rawId: b64.max(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64,
    attestationObject: b64,
    transports: z.array(z.string().max(32)).max(10).optional(),
    authenticatorData: b64.optional(),
    publicKey: b64.optional(),
    publicKeyAlgorithm: z.number().optional(),
  }),
  authenticatorAttachment: z.string().max(32).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
const authenticationSchema = z.object({
  id: b64.max(1024),
  rawId: b64.max(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64,
    authenticatorData: b64,
    signature: b64,
    userHandle: b64.max(1024).optional(),
  }),
  authenticatorAttachment: z.string().max(32).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** The challenge the browser signed, read from its client data (verified again later). */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as { challenge?: unknown };
    return typeof data.challenge === "string" && data.challenge.length <= 512 ? data.challenge : null;
  } catch {
    return null;
  }
}

/** Accepts a JSON string or an object; anything malformed is null. */
function parseJson<T>(schema: z.ZodType<T>, input: unknown): T | null {
  let value = input;
  if (typeof input === "string") {
    if (input.length > 64_000) return null;
    try {
      value = JSON.parse(input);
    } catch {
      return null;
    }
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

async function storeChallenge(
  db: Queryable,
  challenge: string,
  purpose: WebauthnChallenge["purpose"],
  owner: { userId?: string | null; ticketHash?: string | null },
): Promise<void> {
  await insertChallenge(db, {
    challenge,
    purpose,
    userId: owner.userId ?? null,
    ticketHash: owner.ticketHash ?? null,
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
  });
}

// ─── Registration ──────────────────────────────────────────────────────────

export async function passkeyRegistrationOptions(
  db: Queryable,
  input: { userId: string; email: string; rp?: RelyingParty },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = input.rp ?? relyingParty();
  const existing = await listPasskeys(db, { userId: input.userId });
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: input.email,
    userID: new TextEncoder().encode(input.userId),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({
      id: k.id,
      transports: (k.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined,
    })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await storeChallenge(db, options.challenge, "register", { userId: input.userId });
  return options;
}

export type RegisterResult =
  | { ok: true; passkey: Passkey }
  | { ok: false; reason: "invalid" | "challenge" | "too_many" | "duplicate" };

export async function registerPasskey(
  db: Database,
  input: { userId: string; response: unknown; name: string; rp?: RelyingParty } & RequestInfo,
): Promise<RegisterResult> {
  const rp = input.rp ?? relyingParty();
  const response = parseJson(registrationSchema, input.response) as RegistrationResponseJSON | null;
  if (!response) return { ok: false, reason: "invalid" };
  const challenge = challengeOf(response.response.clientDataJSON);
  if (!challenge) return { ok: false, reason: "invalid" };
  // spent now, whatever the outcome: a challenge answers once
  if (!(await consumeChallenge(db, { challenge, purpose: "register", userId: input.userId })))
    return { ok: false, reason: "challenge" };
  if ((await listPasskeys(db, { userId: input.userId })).length >= MAX_PASSKEYS)
    return { ok: false, reason: "too_many" };
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!verification.verified || !verification.registrationInfo) return { ok: false, reason: "invalid" };
  const { credential } = verification.registrationInfo;
  if (await findPasskey(db, { id: credential.id })) return { ok: false, reason: "duplicate" };
  const name = cleanName(input.name) || "Passkey";
  const passkey = await insertPasskey(db, {
    id: credential.id,
    userId: input.userId,
    publicKey: isoBase64URL.fromBuffer(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? null,
    name,
  });
  await appendAudit(db, {
    event: "auth.2fa_enrolled",
    userId: input.userId,
    outcome: "allowed",
    reason: "passkey",
    ip: input.ip,
    userAgent: input.userAgent,
  });
  return { ok: true, passkey };
}

export function cleanName(name: unknown): string {
  if (typeof name !== "string") return "";
  return name
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, PASSKEY_NAME_MAX);
}

export async function renameUserPasskey(
  db: Queryable,
  input: { userId: string; id: string; name: string },
): Promise<boolean> {
  const name = cleanName(input.name);
  if (!name || typeof input.id !== "string" || input.id.length > 1024) return false;
  return renamePasskey(db, { userId: input.userId, id: input.id, name });
}

/** Removes one of the user's passkeys (another user's id removes nothing). The caller checks step-up. */
export async function removePasskey(
  db: Database,
  input: { userId: string; id: string } & RequestInfo,
): Promise<boolean> {
  if (typeof input.id !== "string" || input.id.length > 1024) return false;
  const removed = await deletePasskey(db, { userId: input.userId, id: input.id });
  if (removed)
    await appendAudit(db, {
      event: "auth.2fa_removed",
      userId: input.userId,
      outcome: "allowed",
      reason: "passkey",
      ip: input.ip,
      userAgent: input.userAgent,
    });
  return removed;
}

// ─── Authentication ────────────────────────────────────────────────────────

export type AssertionPurpose = "sign_in" | "step_up" | "passkey_sign_in";

/**
 * Options for proving possession of a passkey. With a user: only their passkeys are
 * offered. Without (passkey_sign_in): the browser offers any passkey it holds for us.
 */
export async function passkeyAuthenticationOptions(
  db: Queryable,
  input: { purpose: AssertionPurpose; userId?: string | null; ticketHash?: string | null; rp?: RelyingParty },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = input.rp ?? relyingParty();
  const keys = input.userId ? await listPasskeys(db, { userId: input.userId }) : [];
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: keys.map((k) => ({
      id: k.id,
      transports: (k.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined,
    })),
    userVerification: input.purpose === "passkey_sign_in" ? "required" : "preferred",
  });
  await storeChallenge(db, options.challenge, input.purpose, { userId: input.userId, ticketHash: input.ticketHash });
  return options;
}

export type AssertionResult =
  | { ok: true; userId: string; passkeyId: string }
  | { ok: false; reason: "invalid" | "challenge" | "unknown_passkey" };

/**
 * Checks a passkey answer: the challenge must be live, unspent, issued for this purpose
 * to this user or ticket, signed for our origin and RP ID, by a passkey of that user.
 */
export async function verifyPasskeyAssertion(
  db: Queryable,
  input: {
    purpose: AssertionPurpose;
    response: unknown;
    userId?: string | null;
    ticketHash?: string | null;
    rp?: RelyingParty;
  },
): Promise<AssertionResult> {
  const rp = input.rp ?? relyingParty();
  const response = parseJson(authenticationSchema, input.response) as AuthenticationResponseJSON | null;
  if (!response) return { ok: false, reason: "invalid" };
  const challenge = challengeOf(response.response.clientDataJSON);
  if (!challenge) return { ok: false, reason: "invalid" };
  const issued = await consumeChallenge(db, {
    challenge,
    purpose: input.purpose,
    userId: input.userId ?? null,
    ticketHash: input.ticketHash ?? null,
  });
  if (!issued) return { ok: false, reason: "challenge" };
  const passkey = await findPasskey(db, { id: response.id });
  if (!passkey || (input.userId && passkey.userId !== input.userId)) return { ok: false, reason: "unknown_passkey" };
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.id,
        publicKey: isoBase64URL.toBuffer(passkey.publicKey),
        counter: passkey.counter,
        transports: (passkey.transports ?? undefined) as AuthenticatorTransportFuture[] | undefined,
      },
      // a passkey alone (no password) must have checked its owner (PIN, biometrics)
      requireUserVerification: input.purpose === "passkey_sign_in",
    });
    if (!result.verified) return { ok: false, reason: "invalid" };
    await notePasskeyUse(db, { id: passkey.id, counter: result.authenticationInfo.newCounter });
    return { ok: true, userId: passkey.userId, passkeyId: passkey.id };
  } catch {
    return { ok: false, reason: "invalid" };
  }
}
