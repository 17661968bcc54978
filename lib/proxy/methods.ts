// The HTTP methods okoro routes. Anything else (TRACE, CONNECT, made-up verbs) is refused
// with method_not_allowed before any work: Next.js cannot route them, and no provider
// needs them. scripts/start.mjs spells the same list in plain JavaScript; a test keeps the two equal.
export const ROUTABLE_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
]);
