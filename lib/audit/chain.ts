// The audit log's hash chain (docs/audit.md#audit-log): one chain per user, each row's
//   hash = SHA-256("okoro-audit-v1\0" ‖ prev_hash ‖ canonical JSON of the event)
// where the canonical JSON has the audit field names (docs/audit.md#audit-log), sorted keys, no whitespace and every
// field present (null when empty) — except the fields added after the first release
// (`count`, `tool`, `via`), which appear only when set, so that rows written before them
// keep their hashes. The chain's first row links to GENESIS_HASH.
import { createHash } from "node:crypto";
import type { AuditEvent } from "@/db/schema";

export const GENESIS_HASH = "0".repeat(64);
const DOMAIN = Buffer.from("okoro-audit-v1\0", "utf8");

export const AUDIT_EVENT_NAMES = [
  "token.issued",
  "token.denied",
  "proxy.request",
  "proxy.response",
  "proxy.denied",
  "token_replayed",
  "approval.requested",
  "approval.approved",
  "approval.denied",
  "service_token.created",
  "service_token.revoked",
  "service_token.leaked",
  "connection.created",
  "connection.deleted",
  "connection.refreshed",
  "auth.signin",
  "auth.signin_failed",
  "auth.session_revoked",
  "auth.step_up",
  "auth.step_up_failed",
  "auth.password_changed",
  "auth.reset_requested",
  "auth.reset",
  "auth.email_verified",
  "auth.email_changed",
  "auth.2fa_enrolled",
  "auth.2fa_removed",
  "account.deleted",
  "oauth.authorized",
  "oauth.denied",
  "oauth.refreshed",
] as const;
export type AuditEventName = (typeof AUDIT_EVENT_NAMES)[number];

/** Events no user can be tied to (a garbage token, an unknown e-mail) share this chain. */
export const SYSTEM_CHAIN = "_system";

/** The fields the hash covers, under their docs/audit.md#audit-log names. */
export function canonicalEvent(e: AuditEvent): Record<string, unknown> {
  // keys in sorted order (canonicalEventJson relies on it); the later fields only when set
  const out: Record<string, unknown> = {
    agent: e.agent ?? null,
    at: e.at.toISOString(),
    bytes_in: e.bytesIn ?? null,
    bytes_out: e.bytesOut ?? null,
  };
  if (e.count !== null && e.count !== undefined) out.count = e.count;
  Object.assign(out, {
    duration_ms: e.durationMs ?? null,
    error: e.error ?? null,
    event: e.event,
    flag_reason: e.flagReason ?? null,
    flags: e.flags ?? [],
    id: e.id,
    intent: e.intent ?? null,
    ip: e.ip ?? null,
    jti: e.jti ?? null,
    method: e.method ?? null,
    outcome: e.outcome ?? null,
    path: e.path ?? null,
    provider: e.provider ?? null,
    query: e.query ?? null,
    reason: e.reason ?? null,
    request_id: e.requestId ?? null,
    required_scope: e.requiredScope ?? null,
    scope: e.scope ?? null,
    seq: e.seq,
    service_token_id: e.serviceTokenId ?? null,
    status: e.status ?? null,
  });
  if (e.tool !== null && e.tool !== undefined) out.tool = e.tool;
  out.user_agent = e.userAgent ?? null;
  out.user_id = e.userId ?? null;
  if (e.via !== null && e.via !== undefined) out.via = e.via;
  return out;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

/**
 * canonicalJson(canonicalEvent(e)), computed faster: canonicalEvent lists its keys already
 * sorted and its only non-scalar value is an array of strings, so plain JSON.stringify
 * gives the same text without sorting (chain.test.ts holds the two equal). It runs twice
 * per proxied request.
 */
export function canonicalEventJson(e: AuditEvent): string {
  return JSON.stringify(canonicalEvent(e));
}

export function eventHash(prevHash: string, event: AuditEvent): string {
  return createHash("sha256")
    .update(DOMAIN)
    .update(prevHash, "utf8")
    .update(canonicalEventJson(event), "utf8")
    .digest("hex");
}

export type ChainCheck = {
  chain: string;
  ok: boolean;
  /** last seq that verified (0 when none) */
  verifiedThrough: number;
  /** first seq that does not verify */
  firstBadSeq?: number;
  problem?: string;
};

/**
 * Incremental verifier: feed rows in seq order, page by page, then call result().
 * Stops judging at the first bad row (everything after it is unverifiable).
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private bad?: { seq: number; problem: string };

  constructor(readonly chain: string) {}

  get broken(): boolean {
    return this.bad !== undefined;
  }

  push(row: AuditEvent): void {
    if (this.bad) return;
    if (row.seq !== this.expectedSeq) {
      this.bad = {
        seq: this.expectedSeq,
        problem: row.seq > this.expectedSeq ? `seq ${this.expectedSeq} is missing` : `seq ${row.seq} is out of order`,
      };
      return;
    }
    if (row.prevHash !== this.prevHash) {
      this.bad = { seq: row.seq, problem: `seq ${row.seq} does not link to the row before it` };
      return;
    }
    if (eventHash(row.prevHash, row) !== row.hash) {
      this.bad = { seq: row.seq, problem: `seq ${row.seq} was altered (its hash does not match its content)` };
      return;
    }
    this.prevHash = row.hash;
    this.expectedSeq++;
  }

  /** `head` is the chain head's recorded seq: rows cut off the end show up here. */
  result(head?: { seq: number; hash: string }): ChainCheck {
    const verifiedThrough = this.bad ? this.bad.seq - 1 : this.expectedSeq - 1;
    if (this.bad)
      return { chain: this.chain, ok: false, verifiedThrough, firstBadSeq: this.bad.seq, problem: this.bad.problem };
    if (head && (head.seq !== verifiedThrough || (head.seq > 0 && head.hash !== this.prevHash))) {
      return {
        chain: this.chain,
        ok: false,
        verifiedThrough,
        firstBadSeq: verifiedThrough + 1,
        problem: `the chain head records seq ${head.seq}, but the log ends at seq ${verifiedThrough}`,
      };
    }
    return { chain: this.chain, ok: true, verifiedThrough };
  }
}

/**
 * The canonical JSON of an event split around the values the database fills in
 * (db/functions/okoro_pipe.sql): `c1 + seq + c2`, or with `userPending`
 * `c1 + seq + c2 + JSON(user_id) + c3`, c3 being what follows the user (`}`, or
 * `,"via":…}` when set). Quotes inside values are escaped by JSON, so the markers
 * cannot occur in a value.
 */
export function canonicalPieces(
  event: Omit<AuditEvent, "seq" | "prevHash" | "hash">,
  options: { userPending?: boolean } = {},
): { c1: string; c2: string; c3?: string } {
  const pending = options.userPending ? { ...event, userId: null } : event;
  const text = canonicalEventJson({ ...pending, seq: 0, prevHash: "", hash: "" } as AuditEvent);
  const seqMarker = '"seq":0,';
  const at = text.indexOf(seqMarker);
  const c1 = text.slice(0, at + seqMarker.length - 2);
  const c2 = text.slice(at + seqMarker.length - 1);
  if (!options.userPending) return { c1, c2 };
  const userMarker = '"user_id":null';
  const user = c2.lastIndexOf(userMarker);
  return { c1, c2: c2.slice(0, user + userMarker.length - 4), c3: c2.slice(user + userMarker.length) };
}
