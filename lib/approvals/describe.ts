// How an approval reads to a person (docs/dashboard.md#dashboard): "research-agent wants to delete on Trello:
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

// C0 and C1 controls (tabs and newlines too: everything here is one line), bidi embeddings,
// overrides and isolates, and the invisible marks that steer bidi or hide text. What stays
// is what a person can see.
const UNREADABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/g;

/**
 * Text an agent wrote (its name, intent, reason) as a person may read it where they decide:
 * an override character could make "delete all repositories" read as something harmless,
 * so control and bidi characters go and each run of them becomes one space. Rows stored
 * before okoro cleaned what it stores are cleaned here too. Lone surrogates become U+FFFD.
 */
export function readableAgentText(text: string): string {
  return text.toWellFormed().replace(UNREADABLE, " ").replace(/ {2,}/g, " ").trim();
}

/** An approval with the agent's words made readable (readableAgentText). */
export function readableApproval<T extends { agent: string; intent: string; reason: string | null }>(a: T): T {
  return {
    ...a,
    agent: readableAgentText(a.agent),
    intent: readableAgentText(a.intent),
    reason: a.reason === null ? null : readableAgentText(a.reason),
  };
}

/**
 * A held request in one line for a list ("DELETE /repos/o/r/git/refs/heads/x"): the path is
 * the agent's text, so it is made readable and cut; the request's own page shows it whole.
 */
export function heldRequestLine(a: { heldMethod: string | null; heldPath: string | null }, max = 160): string | null {
  if (!a.heldMethod || a.heldPath === null) return null;
  const path = readableAgentText(a.heldPath);
  return `${a.heldMethod} ${path.length > max ? `${path.slice(0, max - 1)}…` : path}`;
}

export type SentenceParts = { agent: string; action: string; provider: string; intent: string };

export function sentenceParts(a: { agent: string; provider: string; scope: string; intent: string }): SentenceParts {
  return {
    agent: readableAgentText(a.agent),
    action: scopeAction(a.scope),
    provider: providerName(a.provider),
    intent: readableAgentText(a.intent),
  };
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
