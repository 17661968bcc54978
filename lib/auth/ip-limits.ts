// Per-IP limits on the account forms (docs/limits.md#limits): they slow password guessing and mass
// sign-ups without locking anyone's account (an attacker cannot lock out a victim by
// e-mail, only themselves by address).
import "server-only";
import type { Queryable } from "@/db/client";
import { hitWindow, type WindowResult } from "@/db/queries/limits";
import { getEnv } from "@/lib/env";
import { addressBucket } from "@/lib/http/address-bucket";

export const IP_LIMITS = {
  signin: { limit: 20, window: { kind: "seconds", seconds: 10 * 60 } },
  // the limit is OKORO_SIGNUPS_PER_HOUR (default 10): a workshop behind one NAT needs more
  signup: { limit: 10, window: { kind: "seconds", seconds: 60 * 60 } },
} as const;

function limitFor(kind: IpLimitKind): number {
  // OKORO_SIGNINS_PER_10_MIN (default 20): an office behind one address, or a browser test suite
  return kind === "signup" ? getEnv().signupsPerHour : getEnv().signinsPer10Minutes;
}

export type IpLimitKind = keyof typeof IP_LIMITS;

export type IpLimitResult = WindowResult & {
  /** the first refusal of a window: worth one audit event, later ones are noise */
  firstRefusal: boolean;
  retryAfterSeconds: number;
};

/**
 * Counts one attempt for `ip` (an IPv6 address by its /64). An unknown address (no usable header) shares one bucket:
 * that can only make limits stricter, never let anyone past them.
 */
export async function hitIpLimit(db: Queryable, kind: IpLimitKind, ip: string | null): Promise<IpLimitResult> {
  const { window } = IP_LIMITS[kind];
  const limit = limitFor(kind);
  const result = await hitWindow(db, `ip:${kind}:${addressBucket(ip)}`, limit, window);
  return {
    ...result,
    firstRefusal: result.count === limit + 1,
    retryAfterSeconds: Math.max(1, Math.ceil((result.resetAt.getTime() - Date.now()) / 1000)),
  };
}

export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}
