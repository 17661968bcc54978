// The provider-specific classification rules of docs/scopes-and-providers.md#providers, one object per provider, wired
// into the catalog entries as their `classify` / `needsBody` fields. Rules see the
// normalized path (lib/providers/normalize.ts) and an upper-cased method; they return
// undefined to fall through to the default rule. When a rule cannot tell, it answers with
// the more dangerous scope (danger order: read < write < update < delete).
import { parse, TokenKind, type DocumentNode } from "graphql";
import type { ClassifyInput } from "@/lib/providers/types";
import {
  bodyHasFlag,
  bodyText,
  canonicalToken,
  isFormContentType,
  maxScope,
  normalizePath,
  queryHasFlag,
  stripFormat,
} from "@/lib/providers/normalize";
import type { RequestScope } from "@/lib/scopes";

type RuleInput = ClassifyInput & { normalizedPath: string };
type BodyInput = Omit<ClassifyInput, "body">;
export type ProviderRules = {
  classify?: (input: RuleInput) => RequestScope | undefined;
  needsBody?: (input: BodyInput) => boolean;
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const upper = (method: string) => method.replace(/[a-z]/g, (c) => c.toUpperCase());
const pathOf = (input: BodyInput) => normalizePath(input.path).path;

/** Set, or unreadable (a body we should have seen but cannot parse): both count as set. */
function flagged(input: ClassifyInput, names: readonly string[]): boolean {
  return queryHasFlag(input.query, names) || bodyHasFlag(input.body, input.contentType, names) !== "unset";
}

// ---- Trello ---------------------------------------------------------------------------
// PUT /1/cards/{id} with closed=true archives the card (docs/scopes-and-providers.md#provider-rules). Boards and lists archive
// the same way, and the legacy field routes PUT /1/{cards|boards|lists}/{id}/closed take
// value=true; POST /1/lists/{id}/archiveAllCards archives every card of a list.

const TRELLO_OBJECT = /^\/1\/(cards?|boards?|lists?)\/[^/]+$/;
const TRELLO_CLOSED_FIELD = /^\/1\/(cards?|boards?|lists?)\/[^/]+\/closed(\.json)?$/;
const TRELLO_ARCHIVE_ALL = /^\/1\/lists?\/[^/]+\/archiveallcards(\.json)?$/;

export const trelloRules: ProviderRules = {
  needsBody(input) {
    // the OAuth 1 signature covers form parameters, so every form body is read
    if (isFormContentType(input.contentType)) return true;
    if (upper(input.method) !== "PUT") return false;
    const path = pathOf(input);
    return TRELLO_OBJECT.test(path) || TRELLO_CLOSED_FIELD.test(path);
  },
  classify(input) {
    const path = input.normalizedPath;
    if (input.method === "POST" && TRELLO_ARCHIVE_ALL.test(path)) return "delete";
    if (input.method !== "PUT") return undefined;
    if (TRELLO_OBJECT.test(path) && flagged(input, ["closed"])) return "delete";
    if (TRELLO_CLOSED_FIELD.test(path) && flagged(input, ["value"])) return "delete";
    return undefined;
  },
};

// ---- GitHub ---------------------------------------------------------------------------
// POST /graphql is read only when every operation of every document is a query; a
// mutation, a subscription, a batch containing one, a missing or unparseable document,
// or a body that is not JSON is update.
//
// The body is classified before the database has said whether the token is revoked, so
// what the parser may do per request is bounded: a body, a batch or a token count over
// these caps is update without being read further — the scope GraphQL's writes need, the
// same answer as for a document okoro cannot read, so an update token still gets through
// and nothing narrower does. Refusing would turn away a large query an update token may
// send; classifying costs the same either way: nothing beyond the caps.

const GRAPHQL_PATH = /^\/graphql(\.[a-z0-9]+)?$/;
/** a body (or a document in the query string) larger than this is not parsed */
const GRAPHQL_MAX_BYTES = 64 * 1024;
/** documents in one batch; GitHub itself takes one */
const GRAPHQL_MAX_BATCH = 32;
/** tokens across every document of one request; the parser costs a few µs a token */
export const GRAPHQL_MAX_TOKENS = 10_000;

type TokenBudget = { tokens: number };

/**
 * True when the document parses and holds at least one operation, all of them queries. It
 * spends tokens from `budget` (shared by the request's documents); a document that would
 * overspend it is not read-only.
 */
export function graphqlIsReadOnly(source: unknown, budget: TokenBudget = { tokens: GRAPHQL_MAX_TOKENS }): boolean {
  if (typeof source !== "string" || source.length > GRAPHQL_MAX_BYTES || budget.tokens <= 0) return false;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: budget.tokens });
  } catch {
    return false;
  }
  // what this document spent: its tokens, start and end of file aside
  for (let token = document.loc?.startToken.next; token && token.kind !== TokenKind.EOF; token = token.next)
    budget.tokens--;
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== "OperationDefinition") continue;
    operations++;
    if (definition.operation !== "query") return false;
  }
  return operations > 0;
}

/** Every `query` member (any spelling a lenient server might accept) must be read-only. */
function graphqlPayloadIsReadOnly(payload: unknown, budget: TokenBudget): boolean {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return false;
  let seen = 0;
  for (const [key, value] of Object.entries(payload)) {
    if (canonicalToken(key) !== "query") continue;
    seen++;
    if (!graphqlIsReadOnly(value, budget)) return false;
  }
  return seen > 0;
}

function graphqlBodyScope(body: Uint8Array | undefined, budget: TokenBudget): RequestScope {
  if (body === undefined || body.byteLength === 0 || body.byteLength > GRAPHQL_MAX_BYTES) return "update";
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText(body));
  } catch {
    return "update";
  }
  const batch = Array.isArray(payload) ? payload : [payload];
  if (batch.length === 0 || batch.length > GRAPHQL_MAX_BATCH) return "update";
  return batch.every((member) => graphqlPayloadIsReadOnly(member, budget)) ? "read" : "update";
}

export const githubRules: ProviderRules = {
  needsBody: (input) => upper(input.method) === "POST" && GRAPHQL_PATH.test(pathOf(input)),
  classify(input) {
    if (!GRAPHQL_PATH.test(input.normalizedPath)) return undefined;
    const budget: TokenBudget = { tokens: GRAPHQL_MAX_TOKENS };
    // GraphQL over GET is not GitHub's, but a document in the query string is judged all the same
    const documents = [...input.query].filter(([key]) => canonicalToken(key) === "query");
    const fromQuery: RequestScope | undefined =
      documents.length === 0
        ? undefined
        : documents.length <= GRAPHQL_MAX_BATCH &&
            documents.every(([, document]) => graphqlIsReadOnly(document, budget))
          ? "read"
          : "update";
    if (input.method === "POST")
      return fromQuery
        ? maxScope(graphqlBodyScope(input.body, budget), fromQuery)
        : graphqlBodyScope(input.body, budget);
    return SAFE_METHODS.has(input.method) ? fromQuery : undefined;
  },
};

// ---- Google (Gmail and Drive) ---------------------------------------------------------

/** The last path segment, also split on ":" (Google's custom-method syntax, `messages:batchDelete`). */
function googleAction(path: string): string {
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last.slice(last.lastIndexOf(":") + 1);
}

/**
 * Google's batch endpoint (/batch/…) carries any number of embedded requests in a
 * multipart/mixed body we do not parse, so a batch is as dangerous as its worst possible part.
 */
const GOOGLE_BATCH = /^\/batch(\/|$)/;

const GMAIL_USER_PATH = /^\/(upload\/)?gmail\/v1\/users\/[^/]+\/(.+)$/;
const GMAIL_WRITE = /^(messages\/send|drafts|drafts\/send|messages\/import|messages\/insert)$/;
const GMAIL_UPDATE_ACTIONS = new Set(["modify", "batchmodify", "untrash"]);
const GMAIL_DELETE_ACTIONS = new Set(["trash", "batchdelete"]);

export const gmailRules: ProviderRules = {
  classify(input) {
    const path = input.normalizedPath;
    if (GOOGLE_BATCH.test(path)) return SAFE_METHODS.has(input.method) ? undefined : "delete";
    if (input.method !== "POST") return undefined;
    const match = GMAIL_USER_PATH.exec(path);
    if (!match) return undefined;
    const action = googleAction(path);
    if (GMAIL_DELETE_ACTIONS.has(action)) return "delete";
    if (GMAIL_UPDATE_ACTIONS.has(action)) return "update";
    if (GMAIL_WRITE.test(match[2].replace(/:/g, "/"))) return "write";
    return undefined;
  },
};

// Drive v3 trashes with PATCH {trashed: true}; v2 with POST …/trash or PUT/PATCH carrying
// labels.trashed — v2 still answers, so it is covered as well.
const DRIVE_PATH = /^\/(upload\/)?drive\/v[23]\//;
const DRIVE_V2_FILE = /^\/(upload\/)?drive\/v2\/files\/[^/]+$/;
const DRIVE_COPY = /^\/drive\/v[23]\/files\/[^/]+\/copy$/;
const DRIVE_UPLOAD_CREATE = /^\/upload\/drive\/v[23]\/files$/;
const DRIVE_V2_TRASH = /^\/drive\/v2\/files\/[^/]+\/trash$/;
const DRIVE_V2_UNTRASH = /^\/drive\/v2\/files\/[^/]+\/untrash$/;

/** A media upload or a resumable-session chunk: the body is file content, never metadata. */
function isDriveContentOnly(path: string, query: URLSearchParams): boolean {
  if (!path.startsWith("/upload/")) return false;
  const params = [...query].map(([k, v]) => [canonicalToken(k), canonicalToken(v)] as const);
  const uploadTypes = params.filter(([k]) => k === "uploadtype").map(([, v]) => v);
  const isMedia = uploadTypes.length > 0 && uploadTypes.every((v) => v === "media");
  const isChunk = uploadTypes.every((v) => v === "resumable") && params.some(([k]) => k === "upload_id");
  return isMedia || isChunk;
}

function driveBodyMayTrash(input: BodyInput): boolean {
  const method = upper(input.method);
  const path = pathOf(input);
  if (isDriveContentOnly(path, input.query)) return false;
  if (method === "PATCH") return true;
  return method === "PUT" && DRIVE_V2_FILE.test(path);
}

export const googleDriveRules: ProviderRules = {
  needsBody: driveBodyMayTrash,
  classify(input) {
    const path = input.normalizedPath;
    if (GOOGLE_BATCH.test(path)) return SAFE_METHODS.has(input.method) ? undefined : "delete";
    if (!DRIVE_PATH.test(path)) return undefined;
    if (input.method === "POST") {
      const action = googleAction(path);
      if (DRIVE_V2_TRASH.test(path) || action === "trash") return "delete";
      if (DRIVE_V2_UNTRASH.test(path)) return "update";
      if (DRIVE_COPY.test(path) || DRIVE_UPLOAD_CREATE.test(path)) return "write";
      return undefined;
    }
    if (input.method === "PATCH" || input.method === "PUT") {
      if (queryHasFlag(input.query, ["trashed"])) return "delete";
      if (driveBodyMayTrash(input) && bodyHasFlag(input.body, input.contentType, ["trashed"]) !== "unset")
        return "delete";
    }
    return undefined;
  },
};

// ---- Notion ---------------------------------------------------------------------------

const NOTION_READ_POSTS = [/^\/v1\/search$/, /^\/v1\/(databases|data_sources)\/[^/]+\/query$/];

export const notionRules: ProviderRules = {
  needsBody: (input) => upper(input.method) === "PATCH",
  classify(input) {
    if (input.method === "POST" && NOTION_READ_POSTS.some((re) => re.test(input.normalizedPath))) return "read";
    if (input.method === "PATCH" && flagged(input, ["archived", "in_trash"])) return "delete";
    return undefined;
  },
};

// ---- Slack ----------------------------------------------------------------------------
// Slack's Web API is RPC: the method name decides, whatever the HTTP method. Verbs are
// matched on the name's last dot-separated part, as a prefix (`deleteScheduledMessage` is
// a delete), most dangerous first. Beyond the documented lists (docs/scopes-and-providers.md#provider-rules): revoke/uninstall/leave/disable/
// invalidate/reset/clear/disconnect delete; unarchive/mark/close/convert/assign/complete/
// restore/move/enable update; listX/lookupX and a few named readers read.

const SLACK_DELETE_VERBS = [
  "delete",
  "remove",
  "archive",
  "kick",
  "bulkdelete",
  "bulkarchive",
  "bulkremove",
  "revoke",
  "uninstall",
  "leave",
  "disable",
  "invalidate",
  "reset",
  "clear",
  "disconnect",
  "purge",
  "destroy",
  "wipe",
];
const SLACK_UPDATE_VERBS = [
  "update",
  "rename",
  "set",
  "edit",
  "unarchive",
  "mark",
  "close",
  "convert",
  "assign",
  "complete",
  "restore",
  "move",
  "enable",
];
const SLACK_READ_EXACT = new Set(["list", "info", "history", "replies", "search"]);
const SLACK_READ_PREFIXES = ["get", "list", "lookup"];
const SLACK_READ_METHODS = new Set([
  "auth.test",
  "api.test",
  "conversations.members",
  "users.conversations",
  "users.identity",
  "team.accesslogs",
  "team.billableinfo",
  "team.integrationlogs",
  "dnd.teaminfo",
]);
/**
 * The two halves of a file upload are one write: getUploadURLExternal reserves a slot whose
 * URL then takes bytes without a token (a write despite get*), completeUploadExternal shares it.
 */
const SLACK_WRITE_METHODS = new Set(["files.getuploadurlexternal", "files.completeuploadexternal"]);

export function slackMethodScope(name: string): RequestScope {
  const parts = name.split(".");
  const last = parts[parts.length - 1];
  if (SLACK_WRITE_METHODS.has(name)) return "write";
  if (SLACK_DELETE_VERBS.some((verb) => last.startsWith(verb))) return "delete";
  // "unarchive" must win over "archive"-like reads, so updates are checked before reads
  if (SLACK_UPDATE_VERBS.some((verb) => last.startsWith(verb))) return "update";
  if (SLACK_READ_METHODS.has(name) || SLACK_READ_EXACT.has(last) || parts[0] === "search") return "read";
  if (parts.length > 1 && SLACK_READ_PREFIXES.some((prefix) => last.startsWith(prefix))) return "read";
  return "write";
}

export const slackRules: ProviderRules = {
  classify(input) {
    const segments = input.normalizedPath.split("/").filter(Boolean);
    if (segments.length === 0) return "write";
    // more than one segment is not a Slack method; judge every segment and keep the worst
    const scope = segments.map(slackMethodScope).reduce(maxScope);
    return segments.length > 1 ? maxScope(scope, "write") : scope;
  },
};

// ---- OpenAI and Anthropic -------------------------------------------------------------
// Inference reads: it changes no user data (spend is governed by limits).

function readPosts(paths: string[]): ProviderRules {
  const set = new Set(paths);
  return { classify: (input) => (input.method === "POST" && set.has(input.normalizedPath) ? "read" : undefined) };
}

export const openaiRules = readPosts([
  "/v1/chat/completions",
  "/v1/responses",
  "/v1/embeddings",
  "/v1/completions",
  "/v1/moderations",
]);
export const anthropicRules = readPosts(["/v1/messages", "/v1/messages/count_tokens"]);

// ---- Stripe ---------------------------------------------------------------------------
// Form-encoded POSTs on /v1 (and the JSON /v2 API, same shapes). After /v1 and any
// namespace (checkout, issuing, test_helpers/issuing…), segments alternate
// collection / id / sub-collection-or-action / id…:
//   /customers                         → write   (create)
//   /customers/{id}                    → update
//   /customers/{id}/sources            → write   (create in a sub-collection: plural noun)
//   /customers/{id}/sources/{sid}      → update
//   /payment_intents/{id}/confirm      → update  (an action on an existing object)
//   …/cancel, …/void, …/expire …       → delete  (STRIPE_DELETE_ACTIONS, at any depth)
//   …/create_preview, create_*         → write
// An unknown action is update, not write: only plural nouns (and `people`) create.

const STRIPE_V1_NAMESPACES = new Set([
  "apps",
  "billing",
  "billing_portal",
  "checkout",
  "climate",
  "entitlements",
  "financial_connections",
  "forwarding",
  "identity",
  "issuing",
  "radar",
  "reporting",
  "sigma",
  "tax",
  "terminal",
  "test_helpers",
  "treasury",
]);
const STRIPE_V2_NAMESPACES = new Set([
  "core",
  "billing",
  "money_management",
  "payments",
  "vault",
  "test_helpers",
  "reporting",
  "tax",
]);
const STRIPE_DELETE_ACTIONS = new Set([
  "cancel",
  "void",
  "expire",
  "detach",
  "reject",
  "close",
  "mark_uncollectible",
  "delete",
  "disconnect",
  "deactivate",
  "archive",
  "decline",
  "remove_lines",
  "invalidate",
  "revoke",
  "redact",
  "disable",
  "destroy",
  "purge",
  "remove",
]);
/** actions that end in "s" and so would pass for sub-collections */
const STRIPE_UPDATE_ACTIONS = new Set(["verify_microdeposits", "add_lines", "update_lines", "process"]);
const STRIPE_IRREGULAR_COLLECTIONS = new Set(["people"]);

export function stripePostScope(normalizedPath: string): RequestScope | undefined {
  const segments = normalizedPath.split("/").filter(Boolean);
  const version = segments.shift();
  const namespaces = version === "v1" ? STRIPE_V1_NAMESPACES : version === "v2" ? STRIPE_V2_NAMESPACES : undefined;
  if (!namespaces) return undefined;
  while (segments.length > 1 && namespaces.has(segments[0])) segments.shift();
  if (segments.length === 0) return "write";
  const last = stripFormat(segments[segments.length - 1]);
  if (segments.length >= 2 && STRIPE_DELETE_ACTIONS.has(last)) return "delete";
  if (segments.length === 1) return "write";
  if (last.startsWith("create")) return "write";
  if (segments.length % 2 === 0) return "update";
  if (STRIPE_UPDATE_ACTIONS.has(last)) return "update";
  if (last.endsWith("s") || STRIPE_IRREGULAR_COLLECTIONS.has(last)) return "write";
  return "update";
}

export const stripeRules: ProviderRules = {
  classify: (input) => (input.method === "POST" ? stripePostScope(input.normalizedPath) : undefined),
};
