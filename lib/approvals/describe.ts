// How an approval reads to a person (SPEC §9): "research-agent wants to delete on Trello:
// 'clean up archived cards'". Pure, so the dashboard, the CLI and the webhook all say
// the same thing.
import type { Approval } from "@/db/schema";
import { getProvider } from "@/lib/providers/catalog";
import { isScope, type Scope } from "@/lib/scopes";

/** The words after "wants to": the scope as an action a person recognises. */
const ACTION: Record<Scope, string> = {
  read: "read",
  write: "write",
  update: "update",
  delete: "delete",
  all: "do anything",
};

/** A longer explanation of what the operation token will allow. */
const CONSEQUENCE: Record<Scope, string> = {
  read: "read, list and search your data",
  write: "create new records",
  update: "change existing records",
  delete: "remove, trash or archive records",
  all: "read, create, change and delete anything, for at most 60 seconds",
};

export function scopeAction(scope: string): string {
  return isScope(scope) ? ACTION[scope] : scope;
}

export function scopeConsequence(scope: string): string {
  return isScope(scope) ? CONSEQUENCE[scope] : `use scope ${scope}`;
}

export function providerName(provider: string): string {
  return getProvider(provider)?.name ?? provider;
}

export type SentenceParts = { agent: string; action: string; provider: string; intent: string };

export function sentenceParts(a: { agent: string; provider: string; scope: string; intent: string }): SentenceParts {
  return { agent: a.agent, action: scopeAction(a.scope), provider: providerName(a.provider), intent: a.intent };
}

/** One line of plain text, e.g. for the CLI and webhooks. */
export function approvalSentence(a: { agent: string; provider: string; scope: string; intent: string }): string {
  const p = sentenceParts(a);
  return `${p.agent} wants to ${p.action} on ${p.provider}: “${p.intent}”`;
}

/** "5 min", "60 s", "1 h 30 min": a duration in the largest sensible units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The status a reader should see: a lapsed pending/approved request is expired. */
export function effectiveStatus(a: { status: Approval["status"]; lapsed: boolean }): Approval["status"] {
  return a.lapsed ? "expired" : a.status;
}
