// The MCP clients okoro's OAuth server knows: those that registered dynamically (RFC 7591,
// stored, rate limited per address) and those whose client_id is an https URL to their
// Client ID Metadata Document, fetched under the same rules as anything okoro fetches on
// someone else's say-so (public addresses only, pinned, small, quick) and kept briefly in
// a bounded cache.
import "server-only";
import { z } from "zod";
import { hitWindow } from "@/db/queries/limits";
import { findOAuthClient, insertOAuthClient } from "@/db/queries/oauth";
import { stripControlCharacters } from "@/lib/audit/redact";
import { OkoroError } from "@/lib/errors";
import { addressBucket } from "@/lib/http/address-bucket";
import { fetchPublicText, PublicFetchError } from "@/lib/http/public-fetch";
import { randomBase62 } from "@/lib/ids";
import { refuse, type OAuthContext } from "@/lib/oauth/context";
import { redirectUriProblem } from "@/lib/oauth/redirect-uri";

export type OAuthClientInfo = {
  clientId: string;
  name: string;
  redirectUris: string[];
  kind: "registered" | "metadata_document";
};

/** registrations per address per hour */
export const REGISTRATIONS_PER_HOUR = 20;
export const METADATA_MAX_BYTES = 16 * 1024;
export const METADATA_TIMEOUT_MS = 3000;
const METADATA_CACHE_MS = 5 * 60_000;
const METADATA_CACHE_ENTRIES = 200;
const MAX_REDIRECT_URIS = 10;
const NAME_MAX = 100;

const registration = z.object({
  redirect_uris: z.array(z.unknown()).min(1).max(MAX_REDIRECT_URIS),
  client_name: z.string().max(1000).optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
});

/** A client's name as okoro shows and stores it: plain text, one line, bounded. */
export function displayName(name: unknown, fallback: string): string {
  const clean = typeof name === "string" ? stripControlCharacters(name).trim().slice(0, NAME_MAX) : "";
  return clean || fallback;
}

/** Checks what any client says about itself; returns the problem as an RFC 7591 error. */
async function checkMetadata(ctx: OAuthContext, meta: z.infer<typeof registration>, cause: string): Promise<string[]> {
  for (const uri of meta.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) {
      await refuse(ctx, "invalid_redirect_uri", `redirect_uris: ${problem}.`, {
        cause: `${cause}: redirect URI ${problem}`,
      });
    }
  }
  if (meta.token_endpoint_auth_method !== undefined && meta.token_endpoint_auth_method !== "none") {
    await refuse(
      ctx,
      "invalid_client_metadata",
      'token_endpoint_auth_method must be "none": okoro\'s MCP clients are public clients using PKCE.',
      { cause: `${cause}: auth method` },
    );
  }
  if (meta.grant_types?.some((g) => g !== "authorization_code" && g !== "refresh_token")) {
    await refuse(ctx, "invalid_client_metadata", "grant_types may only be authorization_code and refresh_token.", {
      cause: `${cause}: grant types`,
    });
  }
  if (meta.response_types?.some((r) => r !== "code")) {
    await refuse(ctx, "invalid_client_metadata", 'response_types may only be "code".', {
      cause: `${cause}: response types`,
    });
  }
  return meta.redirect_uris as string[];
}

/** POST /api/oauth/register: stores a public client and answers RFC 7591's response. */
export async function registerClient(ctx: OAuthContext, body: unknown): Promise<Record<string, unknown>> {
  const hit = await hitWindow(ctx.db, `ip:oauth-register:${addressBucket(ctx.ip)}`, REGISTRATIONS_PER_HOUR, {
    kind: "seconds",
    seconds: 3600,
  });
  if (!hit.allowed) {
    const retry = Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000));
    throw new OkoroError("rate_limited", `Too many client registrations from this address; retry after ${retry} s.`, {
      headers: { "Retry-After": String(retry) },
    });
  }
  const parsed = registration.safeParse(body);
  if (!parsed.success)
    return refuse(
      ctx,
      "invalid_client_metadata",
      "The registration needs redirect_uris (1 to 10 URLs) and may name the client.",
      { cause: "registration: malformed" },
    );
  const redirectUris = await checkMetadata(ctx, parsed.data, "registration");
  const row = await insertOAuthClient(ctx.db, {
    id: `mcp_${randomBase62(24)}`,
    name: displayName(parsed.data.client_name, "MCP client"),
    redirectUris,
  });
  return {
    client_id: row.id,
    client_id_issued_at: Math.floor(row.createdAt.getTime() / 1000),
    client_name: row.name,
    redirect_uris: row.redirectUris,
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}

type Cached = { info: OAuthClientInfo; until: number };
const KEY = Symbol.for("okoro.oauth.metadata-documents");
function cache(): Map<string, Cached> {
  const g = globalThis as typeof globalThis & { [KEY]?: Map<string, Cached> };
  g[KEY] ??= new Map();
  return g[KEY];
}

export function isMetadataDocumentClientId(clientId: string): boolean {
  return clientId.startsWith("https://") || clientId.startsWith("http://");
}

/**
 * The client behind a client_id, or a refusal (`invalid_client`, audited) when there is
 * none okoro can trust.
 */
export async function resolveClient(
  ctx: OAuthContext,
  clientId: string,
  options: { userId?: string | null } = {},
): Promise<OAuthClientInfo> {
  if (clientId.length === 0 || clientId.length > 2000)
    return refuse(ctx, "invalid_client", "Unknown client_id.", {
      cause: "client_id: malformed",
      userId: options.userId,
    });
  if (!isMetadataDocumentClientId(clientId)) {
    const row = await findOAuthClient(ctx.db, clientId);
    if (!row)
      return refuse(ctx, "invalid_client", "Unknown client_id.", {
        cause: "client_id: not registered",
        userId: options.userId,
      });
    return { clientId: row.id, name: row.name, redirectUris: row.redirectUris, kind: "registered" };
  }
  const hit = cache().get(clientId);
  if (hit && hit.until > Date.now()) return hit.info;

  let text: string;
  try {
    text = await fetchPublicText(clientId, {
      maxBytes: METADATA_MAX_BYTES,
      timeoutMs: METADATA_TIMEOUT_MS,
      allowPrivateAddresses: !ctx.env.production,
      resolve: ctx.resolveHost,
    });
  } catch (e) {
    const why = e instanceof PublicFetchError ? `${e.reason}: ${e.message}` : "fetch failed";
    return refuse(ctx, "invalid_client", "okoro could not use this client's metadata document.", {
      cause: `client metadata document ${why}`,
      userId: options.userId,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return refuse(ctx, "invalid_client", "The client's metadata document is not JSON.", {
      cause: "client metadata document: not JSON",
      userId: options.userId,
    });
  }
  const parsed = registration.extend({ client_id: z.string() }).safeParse(document);
  if (!parsed.success || parsed.data.client_id !== clientId) {
    return refuse(
      ctx,
      "invalid_client",
      "The client's metadata document must name its own URL as client_id and list redirect_uris.",
      { cause: "client metadata document: invalid", userId: options.userId },
    );
  }
  const redirectUris = await checkMetadata(ctx, parsed.data, "client metadata document").catch((e: OkoroError) => {
    // at authorization time a bad document means the client is not valid, whatever the field
    throw new OkoroError("invalid_client", e.message);
  });
  const info: OAuthClientInfo = {
    clientId,
    name: displayName(parsed.data.client_name, new URL(clientId).host),
    redirectUris,
    kind: "metadata_document",
  };
  const entries = cache();
  if (entries.size >= METADATA_CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(clientId, { info, until: Date.now() + METADATA_CACHE_MS });
  return info;
}

export function clearMetadataCacheForTesting(): void {
  cache().clear();
}
