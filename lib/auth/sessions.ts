// Dashboard sessions as rows (docs/dashboard.md#sessions): each sign-in starts one, the
// session cookie names it, and every dashboard request reads it. That is what makes
// "sign out everywhere", a password change and a reset take effect at once, and what
// records when the person last proved it is them (step-up, lib/auth/step-up.ts).
import "server-only";
import type { Database } from "@/db/client";
import type { User, UserSession } from "@/db/schema";

export type { UserSession };
import {
  findLiveSession,
  insertSession,
  listLiveSessions,
  markSessionVerified,
  revokeSessions,
  touchSession,
} from "@/db/queries/sessions";
import { findUserById } from "@/db/queries/users";
import { hitIpLimit } from "@/lib/auth/ip-limits";
import { burnVerification, verifyPassword } from "@/lib/auth/password";
import { hasSecondFactor } from "@/lib/auth/two-factor";
import { appendAudit } from "@/lib/audit/append";
import { newId } from "@/lib/ids";

/** A session unused this long is over (the cookie lasts as long). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
/** Sensitive actions need a verification (sign-in, password, second factor) this recent. */
export const STEP_UP_WINDOW_MS = 10 * 60 * 1000;
/** last_seen_at moves at most this often: a write per page view would be waste. */
const TOUCH_EVERY_MS = 60 * 1000;

export type SignInMethod = "password" | "github" | "google" | "passkey";

export type RequestInfo = { ip: string | null; userAgent: string | null };

function idleSince(now = Date.now()): Date {
  return new Date(now - SESSION_MAX_AGE_SECONDS * 1000);
}

export async function startSession(
  db: Database,
  input: { userId: string; method: SignInMethod } & RequestInfo,
): Promise<string> {
  const row = await insertSession(db, {
    id: newId("ses"),
    userId: input.userId,
    method: input.method,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
  });
  return row.id;
}

/**
 * The session `sid` of `userId` and its user, if the session is live and the user
 * active; otherwise undefined. Notes the visit (at most once a minute).
 */
export async function liveSession(
  db: Database,
  input: { sid: string; userId: string; ip: string | null },
): Promise<{ session: UserSession; user: User } | undefined> {
  const now = Date.now();
  const found = await findLiveSession(db, { id: input.sid, userId: input.userId, idleSince: idleSince(now) });
  if (!found || found.user.status !== "active") return undefined;
  if (now - found.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await touchSession(db, { id: input.sid, ip: input.ip, staleBefore: new Date(now - TOUCH_EVERY_MS) });
  }
  return found;
}

export function isRecentlyVerified(session: Pick<UserSession, "verifiedAt">, now = Date.now()): boolean {
  return now - session.verifiedAt.getTime() < STEP_UP_WINDOW_MS;
}

export async function markVerified(db: Database, sessionId: string): Promise<void> {
  await markSessionVerified(db, { id: sessionId });
}

export type StepUpResult =
  | { ok: true }
  | { ok: false; reason: "invalid" | "no_password" | "second_factor_required" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Step-up with the password: right, and the session counts as verified for the next 10
 * minutes. Wrong answers count against the same per-address limit as sign-in, so the
 * form is no side door for guessing. Audited either way (auth.step_up, auth.step_up_failed).
 */
export async function stepUpWithPassword(
  db: Database,
  input: { userId: string; sessionId: string; password: string } & RequestInfo,
): Promise<StepUpResult> {
  const audit = (ok: boolean, error?: string) =>
    appendAudit(db, {
      event: ok ? "auth.step_up" : "auth.step_up_failed",
      userId: input.userId,
      outcome: ok ? "allowed" : "denied",
      error: error ?? null,
      ip: input.ip,
      userAgent: input.userAgent,
    });
  const limit = await hitIpLimit(db, "signin", input.ip);
  if (!limit.allowed) {
    if (limit.firstRefusal) await audit(false, "rate_limited");
    return { ok: false, reason: "rate_limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const user = await findUserById(db, { id: input.userId });
  if (!user?.passwordHash) {
    await burnVerification(input.password);
    return { ok: false, reason: "no_password" };
  }
  // with two-factor on, step-up takes the second factor, not the password
  // (docs/dashboard.md#two-factor-authentication)
  if (await hasSecondFactor(db, input.userId)) {
    await burnVerification(input.password);
    return { ok: false, reason: "second_factor_required" };
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await audit(false, "wrong_password");
    return { ok: false, reason: "invalid" };
  }
  await markSessionVerified(db, { id: input.sessionId });
  await audit(true);
  return { ok: true };
}

export async function listSessions(db: Database, userId: string): Promise<UserSession[]> {
  return listLiveSessions(db, { userId, idleSince: idleSince() });
}

type RevokeReason =
  | "signed_out"
  | "revoked"
  | "signed_out_everywhere"
  | "password_changed"
  | "password_reset"
  | "email_changed";

async function revoke(
  db: Database,
  userId: string,
  which: { only?: string; except?: string | null },
  reason: RevokeReason,
  request: RequestInfo | null,
): Promise<number> {
  const ids = await revokeSessions(db, { userId, ...which });
  // signing out of the session in hand is routine (auth.signin has its pair); ending
  // sessions from elsewhere is what an account owner audits
  if (ids.length > 0 && reason !== "signed_out") {
    await appendAudit(db, {
      event: "auth.session_revoked",
      userId,
      outcome: "allowed",
      error: reason,
      count: ids.length,
      ip: request?.ip ?? null,
      userAgent: request?.userAgent ?? null,
    });
  }
  return ids.length;
}

/** Signing out: the session in hand ends. */
export function endSession(db: Database, userId: string, sessionId: string): Promise<number> {
  return revoke(db, userId, { only: sessionId }, "signed_out", null);
}

/** One of the user's sessions, from the sessions list. */
export function revokeSession(db: Database, userId: string, sessionId: string, request: RequestInfo): Promise<number> {
  return revoke(db, userId, { only: sessionId }, "revoked", request);
}

/**
 * Every session but `exceptSessionId` (null: every one). "Sign out everywhere" keeps the
 * caller's; a password change keeps the caller's; a reset keeps none; an e-mail change
 * keeps the caller's when its link is used in a session of the same account.
 */
export function revokeOtherSessions(
  db: Database,
  userId: string,
  exceptSessionId: string | null,
  reason: Exclude<RevokeReason, "signed_out" | "revoked"> = "signed_out_everywhere",
  request: RequestInfo | null = null,
): Promise<number> {
  return revoke(db, userId, { except: exceptSessionId }, reason, request);
}

export function revokeAllSessions(
  db: Database,
  userId: string,
  reason: Exclude<RevokeReason, "signed_out" | "revoked"> = "password_reset",
  request: RequestInfo | null = null,
): Promise<number> {
  return revoke(db, userId, {}, reason, request);
}

/** "Chrome on macOS" from a User-Agent string; enough to recognise one's own devices. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : /curl\//.test(ua)
              ? "curl"
              : null;
  const os = /Windows/.test(ua)
    ? "Windows"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Android/.test(ua)
        ? "Android"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /CrOS/.test(ua)
            ? "ChromeOS"
            : /Linux/.test(ua)
              ? "Linux"
              : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? "Unknown device";
}
