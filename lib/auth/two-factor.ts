// Two-factor authentication (docs/dashboard.md#two-factor-authentication): the
// authenticator app (TOTP) with single-use recovery codes, the sign-in ticket that sits
// between a correct password and a session, and step-up with a second factor.
// Secrets: the TOTP secret is stored sealed (lib/crypto/envelope.ts), recovery codes and
// tickets only as SHA-256. None of them is ever logged or audited.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import QRCode from "qrcode";
import type { Database, Queryable } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { markSessionVerified } from "@/db/queries/sessions";
import {
  addTicketFailure,
  confirmTotp,
  countUnusedRecoveryCodes,
  deleteTotp,
  findLiveTicket,
  findTotp,
  insertTicket,
  listPasskeys,
  replaceRecoveryCodes,
  upsertPendingTotp,
  spendRecoveryCode,
  spendTicket,
  spendTotpStep,
} from "@/db/queries/two-factor";
import { findUserById } from "@/db/queries/users";
import type { Passkey, User } from "@/db/schema";
import { hitIpLimit } from "@/lib/auth/ip-limits";
import { passkeyAuthenticationOptions, verifyPasskeyAssertion } from "@/lib/auth/passkeys";
import { appendAudit } from "@/lib/audit/append";
import { open, rowAad, seal } from "@/lib/crypto/envelope";
import { getEnv } from "@/lib/env";
import { OkoroError } from "@/lib/errors";
import { randomBase62 } from "@/lib/ids";

export type RequestInfo = { ip: string | null; userAgent: string | null };

const ISSUER = "okoro";
const PERIOD_SECONDS = 30;
/** A code one step either side of now is accepted: phone clocks drift. */
const DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;
/** How long the step between password and second factor may take. */
export const TICKET_TTL_MS = 10 * 60 * 1000;
/** Wrong second factors one ticket survives; the next sends the person back to the password. */
export const TICKET_MAX_FAILURES = 5;
/** Second-factor attempts per user per 10 minutes, sign-in and step-up together. */
export const USER_ATTEMPTS = { limit: 10, seconds: 10 * 60 } as const;

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

function totpAad(userId: string): string {
  return rowAad("user_totp", userId, userId);
}

function totpOf(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/** The 30-second step `code` belongs to, or null when it matches none near now. */
function matchingStep(secretBase32: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpOf(secretBase32, "x");
  const delta = totp.validate({ token: code, timestamp: now, window: DRIFT_STEPS });
  if (delta === null) return null;
  return totp.counter({ timestamp: now }) + delta;
}

/** Spaces and dashes people type or paste around codes go. */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

// ─── Status ────────────────────────────────────────────────────────────────

export type TwoFactorStatus = {
  totp: boolean;
  pendingTotp: boolean;
  recoveryCodesLeft: number;
  passkeys: Passkey[];
  /** any factor enrolled: sign-in and step-up ask for it */
  enrolled: boolean;
};

export async function twoFactorStatus(db: Queryable, userId: string): Promise<TwoFactorStatus> {
  const [totp, keys, left] = await Promise.all([
    findTotp(db, { userId }),
    listPasskeys(db, { userId }),
    countUnusedRecoveryCodes(db, { userId }),
  ]);
  const confirmed = Boolean(totp?.confirmedAt);
  return {
    totp: confirmed,
    pendingTotp: Boolean(totp && !totp.confirmedAt),
    recoveryCodesLeft: confirmed ? left : 0,
    passkeys: keys,
    enrolled: confirmed || keys.length > 0,
  };
}

export async function hasSecondFactor(db: Queryable, userId: string): Promise<boolean> {
  return (await twoFactorStatus(db, userId)).enrolled;
}

// ─── TOTP enrolment ────────────────────────────────────────────────────────

export type TotpEnrolment = { secret: string; uri: string; qrDataUrl: string };

/**
 * Starts (or restarts) enrolment: a fresh secret, pending until confirmed with a code.
 * Refused with `conflict` while a confirmed one exists (remove it first).
 */
export async function startTotpEnrolment(
  db: Queryable,
  input: { userId: string; email: string },
): Promise<TotpEnrolment> {
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  const row = await upsertPendingTotp(db, {
    userId: input.userId,
    secret: seal(secret, totpAad(input.userId), getEnv().masterKeys),
  });
  if (!row) throw new OkoroError("conflict", "An authenticator app is already set up. Remove it first.");
  const uri = totpOf(secret, input.email).toString();
  const qrDataUrl = await QRCode.toDataURL(uri, { margin: 1, width: 220, errorCorrectionLevel: "M" });
  return { secret, uri, qrDataUrl };
}

function newRecoveryCodes(): { plain: string[]; rows: { id: string; codeHash: string }[] } {
  // 10 base32-ish characters (≈ 50 bits), shown as xxxxx-xxxxx; stored as SHA-256
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const plain: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    const bytes = randomBytes(10);
    let code = "";
    for (const b of bytes) code += alphabet[b % alphabet.length];
    plain.push(`${code.slice(0, 5)}-${code.slice(5)}`);
  }
  return {
    plain,
    rows: plain.map((c) => ({ id: `rc_${randomBase62(16)}`, codeHash: sha256(normalizeCode(c)) })),
  };
}

export type ConfirmResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: "invalid" | "no_pending" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/** Confirms the pending secret with a code from the app; returns the recovery codes, once. */
export async function confirmTotpEnrolment(
  db: Database,
  input: { userId: string; code: string } & RequestInfo,
): Promise<ConfirmResult> {
  const limit = await hitUserLimit(db, input.userId);
  if (limit) return limit;
  const row = await findTotp(db, { userId: input.userId });
  if (!row || row.confirmedAt) return { ok: false, reason: "no_pending" };
  const secret = open(row.secret, totpAad(input.userId), getEnv().masterKeys).toString("utf8");
  const step = matchingStep(secret, normalizeCode(input.code));
  if (step === null) return { ok: false, reason: "invalid" };
  const codes = newRecoveryCodes();
  const confirmed = await db.transaction(async (tx) => {
    if (!(await confirmTotp(tx, { userId: input.userId, step }))) return false;
    await replaceRecoveryCodes(tx, { userId: input.userId, codes: codes.rows });
    return true;
  });
  if (!confirmed) return { ok: false, reason: "no_pending" };
  await appendAudit(db, {
    event: "auth.2fa_enrolled",
    userId: input.userId,
    outcome: "allowed",
    reason: "totp",
    ip: input.ip,
    userAgent: input.userAgent,
  });
  return { ok: true, recoveryCodes: codes.plain };
}

/** New recovery codes (the old ones stop working). Needs a confirmed authenticator app. */
export async function regenerateRecoveryCodes(
  db: Database,
  input: { userId: string } & RequestInfo,
): Promise<string[]> {
  const row = await findTotp(db, { userId: input.userId });
  if (!row?.confirmedAt) throw new OkoroError("conflict", "Set up an authenticator app first.");
  const codes = newRecoveryCodes();
  await db.transaction((tx) => replaceRecoveryCodes(tx, { userId: input.userId, codes: codes.rows }));
  await appendAudit(db, {
    event: "auth.2fa_enrolled",
    userId: input.userId,
    outcome: "allowed",
    reason: "recovery_codes",
    ip: input.ip,
    userAgent: input.userAgent,
  });
  return codes.plain;
}

/** Removes the authenticator app and its recovery codes. The caller checks step-up. */
export async function removeTotp(db: Database, input: { userId: string } & RequestInfo): Promise<boolean> {
  const removed = await db.transaction(async (tx) => {
    const gone = await deleteTotp(tx, { userId: input.userId });
    await replaceRecoveryCodes(tx, { userId: input.userId, codes: [] });
    return gone;
  });
  if (removed)
    await appendAudit(db, {
      event: "auth.2fa_removed",
      userId: input.userId,
      outcome: "allowed",
      reason: "totp",
      ip: input.ip,
      userAgent: input.userAgent,
    });
  return removed;
}

// ─── Checking a code ───────────────────────────────────────────────────────

export type CodeCheck =
  | { ok: true; via: "totp" | "recovery_code" }
  | { ok: false; reason: "invalid" | "replayed" }
  | RateLimited;

async function hitUserLimit(db: Queryable, userId: string): Promise<RateLimited | null> {
  const hit = await hitWindow(db, `2fa:user:${userId}`, USER_ATTEMPTS.limit, {
    kind: "seconds",
    seconds: USER_ATTEMPTS.seconds,
  });
  if (hit.allowed) return null;
  return {
    ok: false,
    reason: "rate_limited",
    retryAfterSeconds: Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000)),
    // one audit event per user and window: a flood of refusals must not flood the log
    firstRefusal: hit.count === USER_ATTEMPTS.limit + 1,
  };
}

type RateLimited = { ok: false; reason: "rate_limited"; retryAfterSeconds: number; firstRefusal?: boolean };

/**
 * A six-digit code from the authenticator app, or a recovery code. Counts against the
 * user's attempt limit; a TOTP code is accepted once (its 30-second step is recorded), a
 * recovery code is spent.
 */
export async function checkCode(db: Queryable, input: { userId: string; code: string }): Promise<CodeCheck> {
  const limit = await hitUserLimit(db, input.userId);
  if (limit) return limit;
  const code = normalizeCode(input.code);
  if (code.length === 0 || code.length > 64) return { ok: false, reason: "invalid" };
  if (/^\d{6}$/.test(code)) {
    const row = await findTotp(db, { userId: input.userId });
    if (!row?.confirmedAt) return { ok: false, reason: "invalid" };
    const secret = open(row.secret, totpAad(input.userId), getEnv().masterKeys).toString("utf8");
    const step = matchingStep(secret, code);
    if (step === null) return { ok: false, reason: "invalid" };
    if (!(await spendTotpStep(db, { userId: input.userId, step }))) return { ok: false, reason: "replayed" };
    return { ok: true, via: "totp" };
  }
  if (await spendRecoveryCode(db, { userId: input.userId, codeHash: sha256(code) }))
    return { ok: true, via: "recovery_code" };
  return { ok: false, reason: "invalid" };
}

// ─── Sign-in tickets ───────────────────────────────────────────────────────

/** After a correct password with a factor enrolled: a ticket for the second step. */
export async function issueSignInTicket(
  db: Queryable,
  userId: string,
  method: FirstFactor = "password",
): Promise<string> {
  const ticket = `sit_${randomBase62(32)}`;
  await insertTicket(db, {
    ticketHash: sha256(ticket),
    userId,
    method,
    expiresAt: new Date(Date.now() + TICKET_TTL_MS),
  });
  return ticket;
}

/**
 * After a GitHub or Google sign-in: a ticket for step two when the user has a second
 * factor, else null (the provider's sign-in is the whole sign-in).
 */
export async function oauthSecondFactorTicket(
  db: Queryable,
  userId: string,
  provider: "github" | "google",
): Promise<string | null> {
  if (!(await hasSecondFactor(db, userId))) return null;
  return issueSignInTicket(db, userId, provider);
}

/** What the first step was: the session made by the second step records it. */
export type FirstFactor = "password" | "github" | "google";

function firstFactorOf(method: string): FirstFactor {
  return method === "github" || method === "google" ? method : "password";
}

export function ticketHash(ticket: string): string {
  return sha256(ticket);
}

/** The user a live ticket stands for, or undefined (unknown, spent, burnt, expired). */
export async function ticketUser(db: Queryable, ticket: string): Promise<string | undefined> {
  return (await liveTicket(db, ticket))?.userId;
}

async function liveTicket(db: Queryable, ticket: string): Promise<{ userId: string; method: FirstFactor } | undefined> {
  if (typeof ticket !== "string" || ticket.length > 100) return undefined;
  const row = await findLiveTicket(db, { ticketHash: sha256(ticket) });
  return row ? { userId: row.userId, method: firstFactorOf(row.method) } : undefined;
}

export type SecondStepResult =
  | { ok: true; userId: string; via: "totp" | "recovery_code" | "passkey"; method: FirstFactor }
  | { ok: false; reason: "invalid" | "replayed"; attemptsLeft: number }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * The second step of a two-factor sign-in with a code. A right code spends the ticket
 * (the caller starts the session); a wrong one counts against the ticket and the user.
 */
export async function completeSignInWithCode(
  db: Database,
  input: { ticket: string; code: string } & RequestInfo,
): Promise<SecondStepResult> {
  const found = await liveTicket(db, input.ticket);
  if (!found) return { ok: false, reason: "expired" };
  const check = await checkCode(db, { userId: found.userId, code: input.code });
  return finishSecondStep(db, { ...input, ...found }, check);
}

/** Shared by codes and passkeys: spend the ticket on success, count the failure otherwise. */
export async function finishSecondStep(
  db: Database,
  input: { ticket: string; userId: string; method: FirstFactor } & RequestInfo,
  check: CodeCheck | { ok: true; via: "passkey" } | { ok: false; reason: "invalid" },
): Promise<SecondStepResult> {
  const hash = sha256(input.ticket);
  const audit = (ok: boolean, detail: string) =>
    appendAudit(db, {
      event: ok ? "auth.signin" : "auth.signin_failed",
      userId: input.userId,
      outcome: ok ? "allowed" : "denied",
      ...(ok ? { reason: detail } : { error: detail }),
      ip: input.ip,
      userAgent: input.userAgent,
    });
  if (check.ok) {
    if (!(await spendTicket(db, { ticketHash: hash }))) return { ok: false, reason: "expired" };
    await audit(true, `second_factor:${check.via}`);
    return { ok: true, userId: input.userId, via: check.via, method: input.method };
  }
  if (check.reason === "rate_limited") {
    await addTicketFailure(db, { ticketHash: hash, max: TICKET_MAX_FAILURES });
    if (check.firstRefusal) await audit(false, "rate_limited");
    return { ok: false, reason: "rate_limited", retryAfterSeconds: check.retryAfterSeconds };
  }
  const failures = await addTicketFailure(db, { ticketHash: hash, max: TICKET_MAX_FAILURES });
  await audit(false, check.reason === "replayed" ? "replayed_code" : "wrong_second_factor");
  if (failures >= TICKET_MAX_FAILURES) return { ok: false, reason: "expired" };
  return { ok: false, reason: check.reason, attemptsLeft: TICKET_MAX_FAILURES - failures };
}

// ─── Step-up ───────────────────────────────────────────────────────────────

export type StepUpCodeResult = { ok: true } | Exclude<CodeCheck, { ok: true }>;

/** Step-up with a code: right, and the session counts as verified for 10 minutes. */
export async function stepUpWithCode(
  db: Database,
  input: { userId: string; sessionId: string; code: string } & RequestInfo,
): Promise<StepUpCodeResult> {
  const check = await checkCode(db, { userId: input.userId, code: input.code });
  if (check.ok || check.reason !== "rate_limited" || check.firstRefusal)
    await recordStepUp(db, input, check.ok ? null : check.reason, check.ok ? check.via : undefined);
  return check.ok ? { ok: true } : check;
}

/** Marks the session verified (on success) and audits the step-up either way. */
export async function recordStepUp(
  db: Database,
  input: { userId: string; sessionId: string } & RequestInfo,
  failure: string | null,
  via?: string,
): Promise<void> {
  if (failure === null) await markSessionVerified(db, { id: input.sessionId });
  await appendAudit(db, {
    event: failure === null ? "auth.step_up" : "auth.step_up_failed",
    userId: input.userId,
    outcome: failure === null ? "allowed" : "denied",
    error: failure,
    reason: via ?? null,
    ip: input.ip,
    userAgent: input.userAgent,
  });
}

// ─── Passkeys as the second factor ─────────────────────────────────────────

/** Options for the second step with a passkey: only the ticket holder's passkeys, bound to the ticket. */
export async function signInPasskeyOptions(
  db: Queryable,
  ticket: string,
): Promise<PublicKeyCredentialRequestOptionsJSON | undefined> {
  const userId = await ticketUser(db, ticket);
  if (!userId) return undefined;
  return passkeyAuthenticationOptions(db, { purpose: "sign_in", userId, ticketHash: sha256(ticket) });
}

export async function completeSignInWithPasskey(
  db: Database,
  input: { ticket: string; response: unknown } & RequestInfo,
): Promise<SecondStepResult> {
  const found = await liveTicket(db, input.ticket);
  if (!found) return { ok: false, reason: "expired" };
  const limit = await hitUserLimit(db, found.userId);
  if (limit) return finishSecondStep(db, { ...input, ...found }, limit);
  const result = await verifyPasskeyAssertion(db, {
    purpose: "sign_in",
    response: input.response,
    userId: found.userId,
    ticketHash: sha256(input.ticket),
  });
  return finishSecondStep(
    db,
    { ...input, ...found },
    result.ok ? { ok: true, via: "passkey" } : { ok: false, reason: "invalid" },
  );
}

export async function stepUpPasskeyOptions(
  db: Queryable,
  userId: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return passkeyAuthenticationOptions(db, { purpose: "step_up", userId });
}

export async function stepUpWithPasskey(
  db: Database,
  input: { userId: string; sessionId: string; response: unknown } & RequestInfo,
): Promise<StepUpCodeResult> {
  const limit = await hitUserLimit(db, input.userId);
  if (limit) {
    if (limit.firstRefusal) await recordStepUp(db, input, "rate_limited");
    return limit;
  }
  const result = await verifyPasskeyAssertion(db, {
    purpose: "step_up",
    response: input.response,
    userId: input.userId,
  });
  await recordStepUp(db, input, result.ok ? null : "wrong_passkey", result.ok ? "passkey" : undefined);
  return result.ok ? { ok: true } : { ok: false, reason: "invalid" };
}

// ─── Passkey sign-in (no password) ─────────────────────────────────────────

export async function passkeySignInOptions(db: Queryable): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return passkeyAuthenticationOptions(db, { purpose: "passkey_sign_in" });
}

export type PasskeySignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" | "disabled" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * "Sign in with a passkey": the passkey (which checked its owner: PIN or biometrics) is
 * both factors. Counts against the same per-address limit as the password form.
 */
export async function passkeySignIn(
  db: Database,
  input: { response: unknown } & RequestInfo,
): Promise<PasskeySignInResult> {
  const limit = await hitIpLimit(db, "signin", input.ip);
  if (!limit.allowed) return { ok: false, reason: "rate_limited", retryAfterSeconds: limit.retryAfterSeconds };
  const result = await verifyPasskeyAssertion(db, { purpose: "passkey_sign_in", response: input.response });
  const user = result.ok ? await findUserById(db, { id: result.userId }) : undefined;
  const audit = (ok: boolean, userId: string | null, detail: string) =>
    appendAudit(db, {
      event: ok ? "auth.signin" : "auth.signin_failed",
      userId,
      outcome: ok ? "allowed" : "denied",
      ...(ok ? { reason: detail } : { error: detail }),
      ip: input.ip,
      userAgent: input.userAgent,
    });
  if (!user) {
    await audit(false, null, "wrong_passkey");
    return { ok: false, reason: "invalid" };
  }
  if (user.status !== "active") {
    await audit(false, user.id, "account_disabled");
    return { ok: false, reason: "disabled" };
  }
  await audit(true, user.id, "passkey");
  return { ok: true, user };
}
