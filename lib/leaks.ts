// Leak reports (SPEC §3.3): anyone who finds a service token in a log, a repository or a
// paste can report it; a valid one is revoked at once. The answer never says whether the
// token was valid, so the endpoint cannot be used to test tokens.
import "server-only";
import type { Database } from "@/db/client";
import { hitWindow } from "@/db/queries/limits";
import { findServiceTokenByPlaintext, revokeServiceToken, tokenState } from "@/db/queries/service-tokens";
import { OkoroError } from "@/lib/errors";
import { isWellFormedServiceToken } from "@/lib/tokens/service-token";

export const LEAK_REPORTS_PER_IP = 20;
export const LEAK_ACCEPTED = { status: "accepted", message: "Thank you. If this is a live okoro service token, it has been revoked." } as const;

export async function reportLeak(options: { db: Database; token: unknown; ip: string | null; userAgent: string | null }): Promise<void> {
  const { db, ip } = options;
  if (ip) {
    const hit = await hitWindow(db, `ip:leaks:${ip}`, LEAK_REPORTS_PER_IP, { kind: "seconds", seconds: 600 });
    if (!hit.allowed) {
      const retry = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
      throw new OkoroError("rate_limited", `Too many reports from this address. Retry in ${retry} s.`, { headers: { "Retry-After": String(retry) } });
    }
  }
  if (!isWellFormedServiceToken(options.token)) return;
  const found = await findServiceTokenByPlaintext(db, options.token);
  if (!found || tokenState(found.token) !== "active") return;
  await revokeServiceToken(db, { id: found.token.id, reason: "leaked", ip, userAgent: options.userAgent });
}
