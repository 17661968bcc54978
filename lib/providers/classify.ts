// Classifies a proxied request into the scope it needs (docs/README.md#vocabulary, docs/scopes-and-providers.md#providers): the provider's own
// rules first (the `classify` field of its catalog entry), then the default method rule.
// Shared code only; what is special about a provider lives in its entry (rules.ts).
import { isFormContentType, maxScope, normalizePath, overrideMethods, bodyText } from "@/lib/providers/normalize";
import type { ClassifyInput, ProviderSpec } from "@/lib/providers/types";
import type { RequestScope } from "@/lib/scopes";

const DEFAULT_RULE: Record<string, RequestScope> = {
  GET: "read",
  HEAD: "read",
  OPTIONS: "read",
  POST: "write",
  PUT: "update",
  PATCH: "update",
  DELETE: "delete",
};

/** ASCII upper-casing only: "poſt".toUpperCase() would be "POST". */
function upperMethod(method: string): string {
  return method.replace(/[a-z]/g, (c) => c.toUpperCase());
}

function isKnownMethod(method: string): boolean {
  return Object.hasOwn(DEFAULT_RULE, method);
}

/** GET/HEAD/OPTIONS read, POST write, PUT/PATCH update, DELETE delete; anything else is refused. */
export function defaultScope(method: string): RequestScope | "method_not_allowed" {
  const upper = upperMethod(method);
  return isKnownMethod(upper) ? DEFAULT_RULE[upper] : "method_not_allowed";
}

/**
 * Method-override parameters (`_method`, `x-http-method-override`…) in the query, and in a
 * form body when it was read. Several frameworks honour them, so the request is also judged
 * as the method they name and the worse answer wins.
 */
function overridesOf(input: Omit<ClassifyInput, "body"> & { body?: Uint8Array }): string[] {
  const methods = overrideMethods(input.query);
  if (input.body && input.body.byteLength > 0 && isFormContentType(input.contentType)) {
    methods.push(...overrideMethods(new URLSearchParams(bodyText(input.body))));
  }
  return methods;
}

function classifyAs(
  provider: ProviderSpec,
  input: ClassifyInput,
  method: string,
  normalizedPath: string,
): RequestScope {
  return provider.classify?.({ ...input, method, normalizedPath }) ?? DEFAULT_RULE[method];
}

/**
 * The scope a request needs, or "method_not_allowed" (TRACE, CONNECT, anything unknown,
 * or an override naming such a method). A path still percent-encoded after the decoding
 * bound is classified `delete`: nothing legitimate nests encodings that deep.
 */
export function classifyRequest(provider: ProviderSpec, input: ClassifyInput): RequestScope | "method_not_allowed" {
  const method = upperMethod(input.method);
  if (!isKnownMethod(method)) return "method_not_allowed";
  const { path, converged } = normalizePath(input.path);
  if (!converged) return "delete";
  let scope = classifyAs(provider, input, method, path);
  for (const override of overridesOf(input)) {
    if (!isKnownMethod(override)) return "method_not_allowed";
    scope = maxScope(scope, classifyAs(provider, input, override, path));
  }
  return scope;
}

/**
 * Whether the proxy must buffer the body before classifying (and, for Trello forms, before
 * signing). The proxy must then pass the body — an empty Uint8Array when there is none;
 * a rule that needed a body and got none classifies as if the worst were in it.
 */
export function needsBody(provider: ProviderSpec, input: Omit<ClassifyInput, "body">): boolean {
  const method = upperMethod(input.method);
  if (!isKnownMethod(method) || !provider.needsBody) return false;
  const methods = [method, ...overrideMethods(input.query).filter(isKnownMethod)];
  return methods.some((m) => provider.needsBody!({ ...input, method: m }));
}

/** Exposed for the proxy's audit and tests: the path exactly as the rules saw it. */
export function classificationPath(rawPath: string): string {
  return normalizePath(rawPath).path;
}
