// The shape of a catalog entry (docs/scopes-and-providers.md#providers). Providers are data: adding one is adding an
// entry in catalog.ts and its tests, never an if/else in the proxy.
import type { z } from "zod";
import type { RequestScope } from "@/lib/scopes";

/** How okoro authenticates to the provider on the agent's behalf. */
export type UpstreamAuth =
  /** RFC 5849 HMAC-SHA1 signature in the Authorization header (Trello) */
  | { kind: "oauth1" }
  /** Authorization: Bearer <access_token | api_key | token> */
  | { kind: "bearer" }
  /** the key in a header of its own, e.g. x-api-key (Anthropic) */
  | { kind: "header"; header: string };

/** The credential a connection holds, as stored (encrypted) and as pasted into `okoro connection set`. */
export type ApiKeyCredential = { api_key: string };
/**
 * Trello. `token_secret` is "" for a token pasted from Trello's /1/authorize page (those
 * have none); `api_key` names the Power-Up key such a pasted token was issued to.
 */
export type OAuth1Credential = { token: string; token_secret: string; api_key?: string };
export type OAuth2Credential = {
  access_token: string;
  refresh_token?: string;
  expires_at?: number;
  token_type?: string;
  scope?: string;
};
export type Credential = ApiKeyCredential | OAuth1Credential | OAuth2Credential;

/**
 * What goes upstream to authenticate one request: the headers, and the values in them that
 * are secret (tokens, keys, a signature) so the proxy can keep any echo of them from the
 * agent. Version headers and OAuth 1 nonces, timestamps and consumer keys are not secret.
 */
export type InjectedCredential = { headers: Record<string, string>; secrets: string[] };

export type OAuth2Connect = {
  authorizeUrl: string;
  tokenUrl: string;
  /** scopes requested from the provider (space-joined unless scopeSeparator says otherwise) */
  scopes: string[];
  scopeSeparator?: string;
  pkce: boolean;
  /** extra authorize parameters, e.g. access_type=offline */
  authorizeParams?: Record<string, string>;
  /** how the client authenticates at the token endpoint */
  clientAuth: "basic" | "body";
  /** where the account's display name comes from, if the provider tells it */
  userinfoUrl?: string;
  /** extra headers for the token request (GitHub answers form-encoded without Accept: application/json) */
  tokenHeaders?: Record<string, string>;
  /** how the token request body is encoded; default "form" (Notion documents JSON) */
  tokenRequestFormat?: "form" | "json";
};

export type OAuth1Connect = {
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  /** extra authorize parameters, e.g. Trello's name/scope/expiration */
  authorizeParams?: Record<string, string>;
  /** where the account's display name comes from (signed like any API call) */
  userinfoUrl?: string;
};

/** `name` is the credential key the value is stored under; a blank optional field is left out. */
export type PasteField = { name: string; label: string; secret: boolean; placeholder?: string; optional?: boolean };

export type PasteConnect = {
  /** what the person pastes, e.g. "API key", "Fine-grained personal access token" */
  label: string;
  fields: PasteField[];
  help?: string;
};

/** The request as the classifier sees it; `path` is relative to the provider's base URL. */
export type ClassifyInput = {
  method: string;
  /** the raw path after /p/{provider}, starting with "/", still percent-encoded */
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  /** present only when needsBody() said the rule must see it */
  body?: Uint8Array;
};

export type ProviderSpec = {
  id: string;
  name: string;
  /** one line for the connections page */
  description: string;
  /** fixed upstream base URL; may carry a base path (Slack: https://slack.com/api) */
  baseUrl: string;
  auth: UpstreamAuth;
  /** headers added when the agent did not send them (Notion-Version, anthropic-version) */
  defaultHeaders?: Record<string, string>;
  connect: { oauth2?: OAuth2Connect; oauth1?: OAuth1Connect; paste?: PasteConnect };
  /** validates what a connection stores for this provider */
  credential: z.ZodType<Credential>;
  /** the documented credential JSON, for `okoro connection set` help and errors */
  credentialExample?: string;
  /** whether classifying this request needs its body buffered (GraphQL, archive flags, Trello forms) */
  needsBody?: (input: Omit<ClassifyInput, "body">) => boolean;
  /**
   * Provider-specific classification, tried before the default rule. Returns undefined to
   * fall through to the default (GET/HEAD/OPTIONS read, POST write, PUT/PATCH update,
   * DELETE delete).
   */
  classify?: (input: ClassifyInput & { normalizedPath: string }) => RequestScope | undefined;
};
