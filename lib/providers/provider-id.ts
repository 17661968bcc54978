// The shape of a catalog provider id, checked first wherever an agent names a provider (the
// exchange's body, the proxy's /p/{provider}/ segment): nothing else — a lookup, a cache,
// a database parameter, an error message — ever sees provider text an agent made up beyond
// it. Pure, with no imports, so the proxy core can use it without the catalog's config.

export const PROVIDER_ID_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

export function isProviderIdShaped(id: string): boolean {
  return PROVIDER_ID_PATTERN.test(id);
}
