// The five scopes of docs/README.md#vocabulary and what they mean to a person reading the dashboard.

export const SCOPES = ["read", "write", "update", "delete", "all"] as const;
export type Scope = (typeof SCOPES)[number];
/** What a request can be classified as (`all` is only ever a token's scope). */
export type RequestScope = Exclude<Scope, "all">;

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: "Read, list, search and fetch",
  write: "Create new records",
  update: "Modify existing records",
  delete: "Remove, trash or archive records",
  all: "Anything — every use is flagged, tokens live 60 s at most and need a reason",
};

export function isScope(value: unknown): value is Scope {
  return typeof value === "string" && (SCOPES as readonly string[]).includes(value);
}

/** An operation token allows exactly its own scope; `all` allows every class. */
export function scopeAllows(tokenScope: Scope, required: RequestScope): boolean {
  return tokenScope === "all" || tokenScope === required;
}

/** A grant of `all` covers every scope. */
export function grantCovers(granted: readonly Scope[] | undefined, requested: Scope): boolean {
  if (!granted) return false;
  return granted.includes("all") || granted.includes(requested);
}
