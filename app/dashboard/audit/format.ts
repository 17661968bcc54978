// How audit fields read on the dashboard: times (UTC, like the rest of the app, so a
// shared link reads the same everywhere and server and browser print the same text),
// durations, byte counts, tones for statuses and outcomes, and which sentence of a
// flag_reason explains which flag. Pure: used by server and client components alike.
import type { BadgeTone } from "@/components/badge";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "14:02:11" (today), "Nov 23 14:02:11" (this year) or "2025-11-23 14:02" (before); UTC.
 * `today` is the server's "YYYY-MM-DD", so server and browser print the same.
 */
export function formatEventTime(iso: string, today: string): string {
  const hms = iso.slice(11, 19);
  if (iso.slice(0, 10) === today) return hms;
  const d = new Date(iso);
  if (iso.slice(0, 4) !== today.slice(0, 4)) return `${iso.slice(0, 10)} ${hms.slice(0, 5)}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hms}`;
}

/** "2026-11-23 14:02:11.532 UTC": everything the row knows. */
export function formatFullTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function statusTone(status: number | null | undefined): string {
  if (!status) return "text-ink-subtle";
  if (status >= 500) return "text-red-700";
  if (status >= 400) return "text-amber-800";
  if (status >= 300) return "text-ink-muted";
  return "text-emerald-700";
}

export const OUTCOME_TONES: Record<string, BadgeTone> = { allowed: "success", denied: "danger", error: "warning" };

export const FLAG_LABELS: Record<string, string> = {
  all_scope: "Scope all",
  intent_mismatch: "Intent mismatch",
  provider_mismatch: "Other provider",
  replay: "Replay",
  credential_reflected: "Credential echoed",
};

/** One word per flag, for dense rows (the tooltip says the rest). */
export const FLAG_SHORT_LABELS: Record<string, string> = {
  all_scope: "all",
  intent_mismatch: "intent",
  provider_mismatch: "provider",
  replay: "replay",
  credential_reflected: "echo",
};

export function flagShortLabel(flag: string): string {
  return FLAG_SHORT_LABELS[flag] ?? flagLabel(flag);
}

export function flagLabel(flag: string): string {
  return FLAG_LABELS[flag] ?? flag.replace(/_/g, " ");
}

/**
 * The explanation of each flag. flag_reason holds one sentence per flag, in the flags'
 * order, joined with "; " (lib/audit/flags.ts); when the split does not line up (an
 * intent quoted in the reason may itself contain "; "), every flag gets the whole line.
 */
export function reasonsPerFlag(flags: readonly string[], flagReason: string | null | undefined): string[] {
  const whole = flagReason?.trim() || "Flagged by okoro's checks.";
  if (flags.length <= 1) return flags.map(() => whole);
  const parts = whole.replace(/\.$/, "").split("; ");
  return parts.length === flags.length ? parts.map((p) => `${p}.`) : flags.map(() => whole);
}

/** What each event means, in a line (the drawer's subtitle, the event filter's hints). */
export const EVENT_DESCRIPTIONS: Record<string, string> = {
  "token.issued": "An agent exchanged its service token for an operation token",
  "token.denied": "An exchange was refused",
  "proxy.request": "A proxied request was let through to the provider",
  "proxy.response": "The provider answered a proxied request",
  "proxy.denied": "A proxied request was refused before reaching the provider",
  token_replayed: "A single-use operation token was presented again",
  "approval.requested": "An agent asked for your approval",
  "approval.approved": "A request for approval was approved",
  "approval.denied": "A request for approval was denied",
  "service_token.created": "A service token was created",
  "service_token.revoked": "A service token was revoked",
  "service_token.leaked": "A service token was reported as leaked and revoked",
  "connection.created": "A provider was connected",
  "connection.deleted": "A provider was disconnected",
  "connection.refreshed": "A provider's access token was refreshed",
  "auth.signin": "Someone signed in to this account",
  "auth.signin_failed": "A sign-in to this account failed",
};

/** The event filter's groups, by the part of the name before the first "." or "_". */
export const EVENT_GROUPS: { label: string; prefix: string }[] = [
  { label: "Proxy", prefix: "proxy" },
  { label: "Exchange", prefix: "token" },
  { label: "Approvals", prefix: "approval" },
  { label: "Service tokens", prefix: "service" },
  { label: "Connections", prefix: "connection" },
  { label: "Sign-in", prefix: "auth" },
];
