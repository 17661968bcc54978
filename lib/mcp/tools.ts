// Which MCP tools a caller sees and what each is: the curated tools of lib/providers/tools.ts,
// one generic `<provider>_request` per granted and connected provider, and okoro_explain.
// A tool is listed only when the grant covers its scope; its annotations come from that
// scope. The list depends only on (grants, connected providers), so it is built once per
// such shape and reused.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { Grants } from "@/db/schema";
import { curatedInputSchema, GENERIC_INPUT_SCHEMA } from "@/lib/mcp/tool-request";
import { getProvider, PROVIDER_IDS, type ProviderId } from "@/lib/providers/catalog";
import { CURATED_TOOLS, getCuratedTool, toolPrefix, type CuratedTool } from "@/lib/providers/tools";
import type { ProviderSpec } from "@/lib/providers/types";
import { grantCovers, type Scope } from "@/lib/scopes";

export const EXPLAIN_TOOL = "okoro_explain";

export type ResolvedTool =
  | { kind: "curated"; name: string; provider: ProviderSpec; tool: CuratedTool }
  | { kind: "generic"; name: string; provider: ProviderSpec }
  | { kind: "explain"; name: string };

const GENERIC = new Map(PROVIDER_IDS.map((id) => [`${toolPrefix(id)}_request`, id]));

/** The tool a name stands for, or undefined. */
export function resolveTool(name: string): ResolvedTool | undefined {
  if (name === EXPLAIN_TOOL) return { kind: "explain", name };
  const curated = getCuratedTool(name);
  if (curated) return { kind: "curated", name, provider: getProvider(curated.provider)!, tool: curated };
  const generic = GENERIC.get(name);
  if (generic) return { kind: "generic", name, provider: getProvider(generic)! };
  return undefined;
}

/** The provider a tool name belongs to (to look its connection up with the token), if any. */
export function toolProvider(name: string): string | undefined {
  const tool = resolveTool(name);
  return tool && tool.kind !== "explain" ? tool.provider.id : undefined;
}

/** What needs what beyond the default method rule, as the classifier has it. */
const RULES: Record<ProviderId, string> = {
  trello:
    "PUT /1/cards/{id} (and boards and lists) with closed=true, and POST /1/lists/{id}/archiveAllCards, need delete.",
  github: "POST /graphql needs read when the document has only queries, update when it has a mutation.",
  gmail:
    "POST …/messages/send, …/drafts, …/messages/import, …/messages/insert need write; POST …/modify, …/batchModify, …/untrash need update; POST …/trash, …/batchDelete need delete.",
  "google-drive":
    "POST /drive/v3/files/{id}/copy and /upload/drive/v3/files need write; PATCH with trashed: true needs delete.",
  notion:
    "POST /v1/search, /v1/databases/{id}/query and /v1/data_sources/{id}/query need read; PATCH with archived or in_trash true needs delete.",
  slack:
    "The path is the Web API method (/chat.postMessage): *.list, *.info, *.history, *.replies, search.*, *.get* need read; *.update, *.rename, *.set*, *.edit need update; *.delete, *.remove, *.archive, *.kick need delete; any other needs write.",
  openai:
    "POST /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/completions and /v1/moderations need read (inference changes no data).",
  anthropic: "POST /v1/messages and /v1/messages/count_tokens need read (inference changes no data).",
  stripe:
    "POST /v1/{collection} needs write, POST /v1/{collection}/{id} update, POST …/cancel, …/void and DELETE delete. Bodies are form-encoded (give an object).",
};

const DEFAULT_RULE = "GET needs read, POST write, PUT and PATCH update, DELETE delete.";

function curatedTool(tool: CuratedTool, provider: ProviderSpec): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: `${tool.description} (${tool.method} ${tool.path} on ${provider.name}; needs the ${tool.scope} scope.)`,
    inputSchema: curatedInputSchema(tool) as Tool["inputSchema"],
    annotations: {
      title: tool.title,
      readOnlyHint: tool.scope === "read",
      destructiveHint: tool.scope === "delete",
      openWorldHint: true,
    },
  };
}

function genericTool(provider: ProviderSpec, baseUrl: string, scopes: readonly Scope[]): Tool {
  const title = `Call the ${provider.name} API`;
  return {
    name: `${toolPrefix(provider.id)}_request`,
    title,
    description:
      `Any request to the ${provider.name} API (base URL ${baseUrl}) through okoro, which adds the credential. ` +
      `You hold: ${scopes.join(", ")}. ${DEFAULT_RULE} ${RULES[provider.id as ProviderId] ?? ""} ` +
      "A request beyond your scopes is refused before it leaves okoro.",
    inputSchema: GENERIC_INPUT_SCHEMA as Tool["inputSchema"],
    annotations: {
      title,
      readOnlyHint: scopes.every((s) => s === "read"),
      destructiveHint: scopes.includes("delete") || scopes.includes("all"),
      openWorldHint: true,
    },
  };
}

const EXPLAIN: Tool = {
  name: EXPLAIN_TOOL,
  title: "Explain what a request needs",
  description:
    "Which scope a request would need, whether your grant covers it, whether a person must approve it, the rate limit and quota left, and the audit flags it would carry. Nothing is sent, counted or logged.",
  inputSchema: {
    type: "object",
    properties: {
      provider: { type: "string", enum: [...PROVIDER_IDS], description: "Provider id." },
      method: { type: "string", description: "HTTP method." },
      path: { type: "string", description: "Path under the provider's base URL, starting with /." },
      query: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
      body: { type: ["object", "array", "string"] },
      intent: { type: "string", maxLength: 256, description: "The intent a call would state (for the audit flags)." },
    },
    required: ["provider", "method", "path"],
    additionalProperties: false,
  },
  annotations: {
    title: "Explain what a request needs",
    readOnlyHint: true,
    destructiveHint: false,
    openWorldHint: false,
  },
};

const listCache = new Map<string, Tool[]>();
const LIST_CACHE_MAX = 256;

/**
 * The tools for a grant and the providers connected (active), in catalog order. `baseUrl`
 * gives the provider's base URL as this okoro reaches it.
 */
export function listTools(
  grants: Grants,
  connected: ReadonlySet<string>,
  baseUrl: (spec: ProviderSpec) => string,
): Tool[] {
  const key = JSON.stringify(
    PROVIDER_IDS.map((id) => (connected.has(id) && grants[id] ? [grants[id], baseUrl(getProvider(id)!)] : null)),
  );
  const cached = listCache.get(key);
  if (cached) return cached;
  const tools: Tool[] = [];
  for (const id of PROVIDER_IDS) {
    const scopes = grants[id];
    if (!scopes?.length || !connected.has(id)) continue;
    const spec = getProvider(id)!;
    tools.push(genericTool(spec, baseUrl(spec), scopes));
    for (const tool of CURATED_TOOLS)
      if (tool.provider === id && grantCovers(scopes, tool.scope)) tools.push(curatedTool(tool, spec));
  }
  tools.push(EXPLAIN);
  if (listCache.size >= LIST_CACHE_MAX) listCache.clear();
  listCache.set(key, tools);
  return tools;
}
