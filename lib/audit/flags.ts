// The audit flags of docs/audit.md#audit-log: deterministic, explainable hints for the person reading the
// log — `all_scope`, `intent_mismatch`, `provider_mismatch`, `replay`, and on a response
// `credential_reflected` — each with one line of explanation in `flag_reason`. Pure; runs
// on the proxy's hot path, so the word tables are built once and an intent is scanned once.
//
// Intents are never used to authorize (docs/README.md#vocabulary); these flags only point a human at events
// worth a look, so they prefer staying quiet to guessing: no known verb, no flag.
import { auditText } from "@/lib/audit/redact";
import type { RequestScope, Scope } from "@/lib/scopes";

export type Flag = "all_scope" | "intent_mismatch" | "provider_mismatch" | "replay" | "credential_reflected";

export type FlagInput = {
  /** the operation token's scope (requested scope for exchange events) */
  scope?: Scope | null;
  /** what the proxied request was classified as, when there is a request */
  requiredScope?: RequestScope | null;
  intent?: string | null;
  /** the token's provider */
  provider?: string | null;
  /** the audit event name, e.g. `token.issued`, `proxy.request` */
  event: string;
  /** a single-use token used again */
  replay?: boolean;
};

export type FlagResult = { flags: Flag[]; flagReason: string | null };

/** docs/audit.md#audit-log, exactly. */
export const INTENT_VERBS: Readonly<Record<RequestScope, readonly string[]>> = {
  read: [
    "read",
    "check",
    "list",
    "get",
    "fetch",
    "search",
    "find",
    "look",
    "view",
    "show",
    "summarize",
    "review",
    "count",
    "monitor",
    "inspect",
  ],
  write: ["create", "add", "post", "send", "write", "upload", "draft", "comment", "reply", "invite"],
  update: ["update", "edit", "move", "rename", "modify", "change", "label", "mark", "assign"],
  delete: ["delete", "remove", "trash", "archive", "purge", "destroy", "clear"],
};

// Forms the regular rules below do not produce.
const IRREGULAR_FORMS: Readonly<Record<string, readonly string[]>> = {
  get: ["got", "gotten", "getting"],
  find: ["found"],
  send: ["sent"],
  write: ["wrote", "written"],
  show: ["shown"],
  label: ["labelled", "labelling"],
  summarize: ["summarise", "summarises", "summarised", "summarising"],
};

/** base, third person, past and -ing: check/checks/checked/checking, create/created/creating, reply/replies/replied. */
export function verbForms(verb: string): string[] {
  const forms = new Set([verb]);
  const consonantY = /[^aeiou]y$/.test(verb);
  if (/(?:s|x|z|ch|sh)$/.test(verb)) forms.add(`${verb}es`);
  else if (consonantY) forms.add(`${verb.slice(0, -1)}ies`);
  else forms.add(`${verb}s`);
  if (verb.endsWith("e")) {
    forms.add(`${verb}d`);
    forms.add(`${verb.slice(0, -1)}ing`);
  } else if (consonantY) {
    forms.add(`${verb.slice(0, -1)}ied`);
    forms.add(`${verb}ing`);
  } else {
    forms.add(`${verb}ed`);
    forms.add(`${verb}ing`);
  }
  for (const f of IRREGULAR_FORMS[verb] ?? []) forms.add(f);
  return [...forms];
}

const VERB_CLASS = new Map<string, RequestScope>();
for (const [cls, verbs] of Object.entries(INTENT_VERBS) as [RequestScope, readonly string[]][]) {
  for (const verb of verbs) for (const form of verbForms(verb)) VERB_CLASS.set(form, cls);
}

/**
 * How much an action does to the user's data. An intent implies a *narrower* action than a
 * scope when every verb class it uses ranks below that scope: "check" (read) with a delete
 * token is flagged, "archive" (delete) with an update token is not — Gmail archives by
 * modifying labels, and a token narrower than the intent is no risk.
 */
const RANK: Readonly<Record<RequestScope, number>> = { read: 0, write: 1, update: 2, delete: 3 };
const CLASS_ORDER: readonly RequestScope[] = ["read", "write", "update", "delete"];
const DOES: Readonly<Record<RequestScope, string>> = {
  read: "reads",
  write: "writes",
  update: "updates",
  delete: "deletes",
};

/** Catalog providers as people name them; multi-word names are matched as whole-word phrases. */
const PROVIDER_NAMES: readonly { id: string; display: string; names: readonly string[] }[] = [
  { id: "trello", display: "Trello", names: ["trello"] },
  { id: "github", display: "GitHub", names: ["github"] },
  { id: "gmail", display: "Gmail", names: ["gmail"] },
  { id: "google-drive", display: "Google Drive", names: ["google drive", "drive", "gdrive"] },
  { id: "notion", display: "Notion", names: ["notion"] },
  { id: "slack", display: "Slack", names: ["slack"] },
  { id: "openai", display: "OpenAI", names: ["openai", "open ai", "chatgpt", "chat gpt"] },
  { id: "anthropic", display: "Anthropic", names: ["anthropic", "claude"] },
  { id: "stripe", display: "Stripe", names: ["stripe"] },
];
const PROVIDER_PHRASES = PROVIDER_NAMES.flatMap((p) => p.names.map((n) => ({ id: p.id, words: n.split(" ") })));
const DISPLAY = new Map(PROVIDER_NAMES.map((p) => [p.id, p.display]));

// An e-mail address names a mailbox, not a provider: bob@gmail.com in a Slack intent is no mismatch.
const EMAIL = /[^\s@]+@[^\s@]+/g;
const WORD = /[\p{L}\p{N}]+/gu;

function words(intent: string): string[] {
  return intent.replace(EMAIL, " ").toLowerCase().match(WORD) ?? [];
}

/** The verb classes an intent uses, in rank order. */
export function intentVerbClasses(intent: string): RequestScope[] {
  const found = new Set<RequestScope>();
  for (const w of words(intent)) {
    const cls = VERB_CLASS.get(w);
    if (cls) found.add(cls);
  }
  return CLASS_ORDER.filter((c) => found.has(c));
}

/** Catalog provider ids an intent names, in catalog order. */
export function providersNamed(intent: string): string[] {
  const ws = words(intent);
  const found = new Set<string>();
  for (let i = 0; i < ws.length; i++) {
    for (const { id, words: phrase } of PROVIDER_PHRASES) {
      if (phrase.every((p, j) => ws[i + j] === p)) found.add(id);
    }
  }
  return PROVIDER_NAMES.map((p) => p.id).filter((id) => found.has(id));
}

function listJoin(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function allScopeReason(event: string): string {
  if (event === "token.issued") return "A token with scope all was issued";
  if (event.startsWith("token.") || event.startsWith("approval.")) return "A token with scope all was requested";
  return "A token with scope all was used";
}

/**
 * Flags for one audit event and the line that explains them (sentences joined with "; "),
 * e.g. `Intent "check todo items" reads, but the token allows delete.`
 */
export function flagsFor(input: FlagInput): FlagResult {
  const flags: Flag[] = [];
  const reasons: string[] = [];
  const intent = input.intent ?? "";

  // every issuance and use of an `all` token, and every request for one
  if (input.scope === "all") {
    flags.push("all_scope");
    reasons.push(allScopeReason(input.event));
  }

  const classes = intent ? intentVerbClasses(intent) : [];
  if (classes.length > 0) {
    const widest = Math.max(...classes.map((c) => RANK[c]));
    const clauses: string[] = [];
    // `all` is already flagged as such; what matters then is what the request did
    if (input.scope && input.scope !== "all" && RANK[input.scope] > widest)
      clauses.push(`the token allows ${input.scope}`);
    if (input.requiredScope && RANK[input.requiredScope] > widest)
      clauses.push(`the request ${DOES[input.requiredScope]}`);
    if (clauses.length > 0) {
      flags.push("intent_mismatch");
      reasons.push(
        `Intent "${auditText(intent, 80)}" ${listJoin(classes.map((c) => DOES[c]))}, but ${clauses.join(" and ")}`,
      );
    }
  }

  if (intent && input.provider) {
    const others = providersNamed(intent).filter((id) => id !== input.provider);
    if (others.length > 0) {
      flags.push("provider_mismatch");
      const own = DISPLAY.get(input.provider) ?? input.provider;
      reasons.push(`Intent names ${listJoin(others.map((id) => DISPLAY.get(id) ?? id))}, but the token is for ${own}`);
    }
  }

  if (input.replay || input.event === "token_replayed") {
    flags.push("replay");
    reasons.push("A single-use token was used again");
  }

  return { flags, flagReason: reasons.length > 0 ? `${reasons.join("; ")}.` : null };
}

/**
 * The provider's answer carried the credential okoro injected (an echo endpoint, an error
 * quoting the Authorization header). okoro redacted it, but the endpoint is worth a look:
 * whoever reads its answers could read the credential.
 */
export const CREDENTIAL_REFLECTED_REASON =
  "The provider's answer echoed the credential okoro injected, and okoro redacted it before it reached the agent";

/** A response event's flags with `credential_reflected` added (its sentence last, like its flag). */
export function withReflectedCredential(result: FlagResult): FlagResult {
  if (result.flags.includes("credential_reflected")) return result;
  const reasons = result.flagReason ? `${result.flagReason.replace(/\.$/, "")}; ` : "";
  return { flags: [...result.flags, "credential_reflected"], flagReason: `${reasons}${CREDENTIAL_REFLECTED_REASON}.` };
}
