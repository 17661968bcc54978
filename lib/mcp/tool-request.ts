// From a tool call's arguments to the HTTP request the proxy runs: argument checks against
// the tool's declared inputs (a refusal names the field), then path, query and body built
// the one generic way for every curated tool, plus the generic `<provider>_request` shape.
// Pure functions: no database, no network; tools.test.ts runs every curated tool through here.
import { OkoroError } from "@/lib/errors";
import type { CuratedTool, ToolParam } from "@/lib/providers/tools";

export const PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** What the proxy is asked to do, relative to the provider's base URL. */
export type BuiltRequest = {
  method: string;
  /** starts with "/", percent-encoded */
  path: string;
  /** "" or "?…" */
  search: string;
  contentType?: string;
  body?: Uint8Array;
};

type JsonSchema = Record<string, unknown>;

const INTENT_PARAM: JsonSchema = {
  type: "string",
  maxLength: 256,
  description: "Why you make this call, in a few words. Recorded in the audit log; a person reads it.",
};

function paramSchema(param: ToolParam): JsonSchema {
  const schema: JsonSchema = { type: param.type, description: param.description };
  if (param.enum) schema.enum = param.enum;
  if (param.type === "array") schema.items = { type: param.items ?? "string" };
  return schema;
}

/** The JSON Schema of a curated tool's input: its parameters plus an optional intent. */
export function curatedInputSchema(tool: CuratedTool): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, param] of Object.entries(tool.params)) {
    properties[name] = paramSchema(param);
    if (param.required) required.push(name);
  }
  properties.intent = { ...INTENT_PARAM, description: `${INTENT_PARAM.description} Default: "${tool.title}".` };
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

export const GENERIC_INPUT_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    method: { type: "string", enum: PROXY_METHODS, description: "HTTP method." },
    path: {
      type: "string",
      description: "Path under the provider's base URL, starting with /, without the query string.",
    },
    query: {
      type: "object",
      additionalProperties: { type: ["string", "number", "boolean"] },
      description: "Query parameters.",
    },
    body: {
      type: ["object", "array", "string"],
      description: "Request body: JSON (form-encoded for Stripe), or a string sent as is.",
    },
    intent: INTENT_PARAM,
  },
  required: ["method", "path", "intent"],
  additionalProperties: false,
};

const invalid = (field: string, message: string) => new OkoroError("invalid_request", `${field}: ${message}`);

function typeOk(param: Pick<ToolParam, "type" | "items">, value: unknown): boolean {
  switch (param.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return (
        Array.isArray(value) &&
        value.every((item) =>
          param.items === "object"
            ? typeof item === "object" && item !== null && !Array.isArray(item)
            : typeof item === "string",
        )
      );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The call's intent: the agent's, sanitized later by the exchange, or the tool's title. */
export function intentOf(args: Record<string, unknown>, fallback: string): string {
  if (args.intent === undefined) return fallback;
  if (typeof args.intent !== "string") throw invalid("intent", "must be a string");
  return args.intent;
}

/** Checks a curated tool's arguments; throws invalid_request naming the first bad field. */
export function checkCuratedArgs(tool: CuratedTool, args: Record<string, unknown>): void {
  for (const name of Object.keys(args)) {
    if (name !== "intent" && !Object.hasOwn(tool.params, name))
      throw invalid(name, `${tool.name} takes no such argument`);
  }
  for (const [name, param] of Object.entries(tool.params)) {
    const value = args[name];
    if (value === undefined || value === null) {
      if (param.required) throw invalid(name, "is required");
      continue;
    }
    if (!typeOk(param, value))
      throw invalid(
        name,
        `must be ${param.type === "array" ? `an array of ${param.items ?? "string"}s` : `a${param.type === "integer" || param.type === "object" ? "n" : ""} ${param.type}`}`,
      );
    if (param.enum && !param.enum.includes(value as string))
      throw invalid(name, `must be one of ${param.enum.join(", ")}`);
    if (param.in === "path" && String(value) === "") throw invalid(name, "must not be empty");
  }
  intentOf(args, tool.title);
}

const encoder = new TextEncoder();

/** Stripe-style form fields: nested objects as `a[b]`, arrays as `a[0]`. */
function formPairs(prefix: string, value: unknown, out: [string, string][]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) value.forEach((item, i) => formPairs(`${prefix}[${i}]`, item, out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) formPairs(`${prefix}[${k}]`, v, out);
  else out.push([prefix, String(value)]);
}

function formBody(fields: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(fields)) formPairs(name, value, pairs);
  return new URLSearchParams(pairs).toString();
}

function queryValue(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(",") : String(value);
}

/** A header value for an RFC 2822 message: no line breaks, so no header can be smuggled in. */
function headerValue(field: string, value: unknown): string {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw invalid(field, "must be one line");
  return text;
}

/** A plain-text e-mail as Gmail's `raw`: base64url of an RFC 2822 message. */
function gmailRaw(args: Record<string, unknown>): string {
  const lines = [`To: ${headerValue("to", args.to)}`];
  if (args.cc) lines.push(`Cc: ${headerValue("cc", args.cc)}`);
  if (args.bcc) lines.push(`Bcc: ${headerValue("bcc", args.bcc)}`);
  lines.push(
    `Subject: =?UTF-8?B?${Buffer.from(headerValue("subject", args.subject)).toString("base64")}?=`,
    "MIME-Version: 1.0",
    'Content-Type: text/plain; charset="UTF-8"',
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from(String(args.body)).toString("base64"),
  );
  return Buffer.from(lines.join("\r\n")).toString("base64url");
}

function jsonBody(value: unknown): Pick<BuiltRequest, "body" | "contentType"> {
  return { body: encoder.encode(JSON.stringify(value)), contentType: "application/json" };
}

/** The request a curated tool makes for checked arguments. */
export function buildCuratedRequest(tool: CuratedTool, args: Record<string, unknown>): BuiltRequest {
  const path = tool.path.replace(/\{([a-z_]+)\}/gi, (_, name: string) => encodeURIComponent(String(args[name])));
  const query = new URLSearchParams();
  const fields: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(tool.params)) {
    const value = args[name];
    if (value === undefined || value === null || param.in === "path") continue;
    if (param.in === "query") query.append(param.wire ?? name, queryValue(value));
    else fields[param.wire ?? name] = value;
  }
  for (const [name, value] of Object.entries(tool.fixed?.query ?? {})) query.set(name, value);
  Object.assign(fields, tool.fixed?.body);
  const search = query.size > 0 ? `?${query}` : "";
  if (tool.shape === "gmail_raw") return { method: tool.method, path, search, ...jsonBody({ raw: gmailRaw(args) }) };
  if (tool.shape === "gmail_draft")
    return { method: tool.method, path, search, ...jsonBody({ message: { raw: gmailRaw(args) } }) };
  if (Object.keys(fields).length === 0) return { method: tool.method, path, search };
  if (tool.encoding === "form")
    return {
      method: tool.method,
      path,
      search,
      body: encoder.encode(formBody(fields)),
      contentType: "application/x-www-form-urlencoded",
    };
  return { method: tool.method, path, search, ...jsonBody(fields) };
}

/** The generic tool's request: method, path, query and body as the agent gave them. */
export function buildGenericRequest(provider: string, args: Record<string, unknown>): BuiltRequest {
  for (const name of Object.keys(args)) {
    if (!["method", "path", "query", "body", "intent", "reason"].includes(name))
      throw invalid(name, "no such argument (method, path, query, body, intent)");
  }
  const method = typeof args.method === "string" ? args.method.toUpperCase() : undefined;
  if (!method || !(PROXY_METHODS as readonly string[]).includes(method))
    throw invalid("method", `must be one of ${PROXY_METHODS.join(", ")}`);
  if (typeof args.path !== "string" || !args.path.startsWith("/"))
    throw invalid("path", "must be a string starting with /");
  if (/[?#]/.test(args.path)) throw invalid("path", "must not carry a query string or fragment: use query");
  if (typeof args.intent !== "string" || args.intent.trim() === "")
    throw invalid("intent", "is required: say why you make this call");
  const query = new URLSearchParams();
  if (args.query !== undefined && args.query !== null) {
    if (!isObject(args.query)) throw invalid("query", "must be an object of names to values");
    for (const [name, value] of Object.entries(args.query)) {
      if (!["string", "number", "boolean"].includes(typeof value))
        throw invalid(`query.${name}`, "must be a string, number or boolean");
      query.append(name, String(value));
    }
  }
  const search = query.size > 0 ? `?${query}` : "";
  // the path goes as given (percent-encoding included); only spaces and the like are escaped
  const path = encodeURI(args.path).replace(/%25([0-9a-f]{2})/gi, "%$1");
  const body = args.body;
  if (body === undefined || body === null) return { method, path, search };
  if (method === "GET" || method === "DELETE") throw invalid("body", `a ${method} request takes no body`);
  return { method, path, search, ...encodeGenericBody(provider, body) };
}

/**
 * A body as the generic tool and /api/explain take it: a string as it is (form-encoded for
 * Stripe, plain text elsewhere), an object as a form for Stripe, anything else as JSON.
 */
export function encodeGenericBody(provider: string, body: unknown): Pick<BuiltRequest, "body" | "contentType"> {
  if (typeof body === "string")
    return {
      body: encoder.encode(body),
      contentType: provider === "stripe" ? "application/x-www-form-urlencoded" : "text/plain; charset=utf-8",
    };
  if (provider === "stripe" && isObject(body))
    return { body: encoder.encode(formBody(body)), contentType: "application/x-www-form-urlencoded" };
  return jsonBody(body);
}
