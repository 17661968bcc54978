// The provider catalog of docs/scopes-and-providers.md#providers as typed data: what each upstream is, how okoro
// authenticates to it, how a person connects it, what a connection stores, and its
// classification rules (rules.ts). resolvedProvider() applies the operator's
// OKORO_PROVIDER_<ID>_* overrides, read lazily from getEnv() so tests can swap them.
import { ConfigError, getEnv, type Env, type ProviderOverride } from "@/lib/env";
import {
  apiKeyCredentialSchema,
  oauth2CredentialSchema,
  pastedTokenCredentialSchema,
  trelloCredentialSchema,
} from "@/lib/providers/credentials";
import {
  anthropicRules,
  githubRules,
  gmailRules,
  googleDriveRules,
  notionRules,
  openaiRules,
  slackRules,
  stripeRules,
  trelloRules,
} from "@/lib/providers/rules";
import type { OAuth2Connect, PasteConnect, ProviderSpec } from "@/lib/providers/types";

export const PROVIDER_IDS = [
  "trello",
  "github",
  "gmail",
  "google-drive",
  "notion",
  "slack",
  "openai",
  "anthropic",
  "stripe",
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

// Gmail and Drive share Google's endpoints and may share one OAuth client, so the
// authorize request must never merge grants (no include_granted_scopes): each connection
// holds only its own product's scopes. Offline access + consent yields a refresh token
// on every connect, also when the person connected before.
const GOOGLE_OAUTH = {
  authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  pkce: true,
  clientAuth: "body",
  authorizeParams: { access_type: "offline", prompt: "consent" },
} as const satisfies Omit<OAuth2Connect, "scopes">;

const apiKeyPaste = (label: string, placeholder: string, help: string): PasteConnect => ({
  label,
  fields: [{ name: "api_key", label, secret: true, placeholder }],
  help,
});

const PROVIDERS: ProviderSpec[] = [
  {
    id: "trello",
    name: "Trello",
    description: "Boards, lists and cards.",
    baseUrl: "https://api.trello.com",
    auth: { kind: "oauth1" },
    connect: {
      oauth1: {
        requestTokenUrl: "https://trello.com/1/OAuthGetRequestToken",
        authorizeUrl: "https://trello.com/1/OAuthAuthorizeToken",
        accessTokenUrl: "https://trello.com/1/OAuthGetAccessToken",
        authorizeParams: { name: "okoro", scope: "read,write", expiration: "never" },
        userinfoUrl: "https://api.trello.com/1/members/me",
      },
      paste: {
        label: "Trello token",
        fields: [
          {
            name: "api_key",
            label: "API key the token was issued to",
            secret: false,
            placeholder: "32 hex characters",
            optional: true,
          },
          { name: "token", label: "Token", secret: true, placeholder: "ATTA…" },
          { name: "token_secret", label: "Token secret", secret: true, optional: true },
        ],
        help: "Paste a token and its secret from an OAuth 1 flow, or a token from trello.com/1/authorize together with the Power-Up API key it was issued to.",
      },
    },
    credential: trelloCredentialSchema,
    credentialExample: '{"token":"…","token_secret":"…"}',
    ...trelloRules,
  },
  {
    id: "github",
    name: "GitHub",
    description: "Repositories, issues, pull requests and the GraphQL API.",
    baseUrl: "https://api.github.com",
    auth: { kind: "bearer" },
    // GitHub refuses API requests without a User-Agent
    defaultHeaders: { "User-Agent": "okoro" },
    connect: {
      oauth2: {
        authorizeUrl: "https://github.com/login/oauth/authorize",
        tokenUrl: "https://github.com/login/oauth/access_token",
        scopes: ["repo", "read:org", "read:user", "user:email", "gist"],
        pkce: true,
        clientAuth: "body",
        userinfoUrl: "https://api.github.com/user",
        tokenHeaders: { Accept: "application/json" },
      },
      paste: {
        label: "Fine-grained personal access token",
        fields: [
          {
            name: "access_token",
            label: "Fine-grained personal access token",
            secret: true,
            placeholder: "github_pat_…",
          },
        ],
        help: "Create one at github.com/settings/personal-access-tokens with access to the repositories the agent may use.",
      },
    },
    credential: pastedTokenCredentialSchema,
    credentialExample: '{"access_token":"github_pat_…"}',
    ...githubRules,
  },
  {
    id: "gmail",
    name: "Gmail",
    description: "Read, label, draft and send email.",
    baseUrl: "https://gmail.googleapis.com",
    auth: { kind: "bearer" },
    connect: {
      // gmail.modify: read, compose, send, label and trash; permanent deletion (mail.google.com) is not asked for
      oauth2: {
        ...GOOGLE_OAUTH,
        scopes: ["https://www.googleapis.com/auth/gmail.modify"],
        userinfoUrl: "https://gmail.googleapis.com/gmail/v1/users/me/profile",
      },
    },
    credential: oauth2CredentialSchema,
    credentialExample: '{"access_token":"ya29.…","refresh_token":"1//…","expires_at":1767225600}',
    ...gmailRules,
  },
  {
    id: "google-drive",
    name: "Google Drive",
    description: "Files and folders in Drive.",
    baseUrl: "https://www.googleapis.com",
    auth: { kind: "bearer" },
    connect: {
      oauth2: {
        ...GOOGLE_OAUTH,
        scopes: ["https://www.googleapis.com/auth/drive"],
        userinfoUrl: "https://www.googleapis.com/drive/v3/about?fields=user",
      },
    },
    credential: oauth2CredentialSchema,
    credentialExample: '{"access_token":"ya29.…","refresh_token":"1//…","expires_at":1767225600}',
    ...googleDriveRules,
  },
  {
    id: "notion",
    name: "Notion",
    description: "Pages, databases and blocks shared with the integration.",
    baseUrl: "https://api.notion.com",
    auth: { kind: "bearer" },
    defaultHeaders: { "Notion-Version": "2022-06-28" },
    connect: {
      // Notion has no OAuth scopes: the person picks the pages to share while authorizing
      oauth2: {
        authorizeUrl: "https://api.notion.com/v1/oauth/authorize",
        tokenUrl: "https://api.notion.com/v1/oauth/token",
        scopes: [],
        pkce: false,
        clientAuth: "basic",
        authorizeParams: { owner: "user" },
        tokenRequestFormat: "json",
        userinfoUrl: "https://api.notion.com/v1/users/me",
      },
      paste: {
        label: "Internal integration secret",
        fields: [{ name: "access_token", label: "Internal integration secret", secret: true, placeholder: "ntn_…" }],
        help: "Create an internal integration at notion.so/profile/integrations and share the pages it may use with it.",
      },
    },
    credential: pastedTokenCredentialSchema,
    credentialExample: '{"access_token":"ntn_…"}',
    ...notionRules,
  },
  {
    id: "slack",
    name: "Slack",
    description: "Channels, messages and reactions, as the okoro bot.",
    baseUrl: "https://slack.com/api",
    auth: { kind: "bearer" },
    connect: {
      // bot scopes of the v2 flow (comma-separated); the bot token is the one stored
      oauth2: {
        authorizeUrl: "https://slack.com/oauth/v2/authorize",
        tokenUrl: "https://slack.com/api/oauth.v2.access",
        scopes: [
          "channels:read",
          "channels:history",
          "groups:read",
          "groups:history",
          "im:read",
          "im:history",
          "mpim:read",
          "chat:write",
          "reactions:read",
          "reactions:write",
          "users:read",
          "files:read",
        ],
        scopeSeparator: ",",
        pkce: false,
        clientAuth: "body",
        userinfoUrl: "https://slack.com/api/auth.test",
      },
      paste: {
        label: "Bot token",
        fields: [{ name: "access_token", label: "Bot User OAuth Token", secret: true, placeholder: "xoxb-…" }],
        help: "From your Slack app's OAuth & Permissions page, after installing it to the workspace.",
      },
    },
    credential: pastedTokenCredentialSchema,
    credentialExample: '{"access_token":"xoxb-…"}',
    ...slackRules,
  },
  {
    id: "openai",
    name: "OpenAI",
    description: "Models, embeddings, files and assistants.",
    baseUrl: "https://api.openai.com",
    auth: { kind: "bearer" },
    connect: { paste: apiKeyPaste("API key", "sk-…", "Create a project key at platform.openai.com/api-keys.") },
    credential: apiKeyCredentialSchema,
    credentialExample: '{"api_key":"sk-…"}',
    ...openaiRules,
  },
  {
    id: "anthropic",
    name: "Anthropic",
    description: "Claude models through the Messages API.",
    baseUrl: "https://api.anthropic.com",
    auth: { kind: "header", header: "x-api-key" },
    defaultHeaders: { "anthropic-version": "2023-06-01" },
    connect: { paste: apiKeyPaste("API key", "sk-ant-…", "Create a key at console.anthropic.com/settings/keys.") },
    credential: apiKeyCredentialSchema,
    credentialExample: '{"api_key":"sk-ant-…"}',
    ...anthropicRules,
  },
  {
    id: "stripe",
    name: "Stripe",
    description: "Customers, payments, subscriptions and invoices.",
    baseUrl: "https://api.stripe.com",
    auth: { kind: "bearer" },
    connect: {
      paste: apiKeyPaste(
        "Secret or restricted key",
        "rk_live_… or sk_live_…",
        "A restricted key (dashboard.stripe.com/apikeys) limited to what agents need is safer than the secret key.",
      ),
    },
    credential: apiKeyCredentialSchema,
    credentialExample: '{"api_key":"rk_live_…"}',
    ...stripeRules,
  },
];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// A Map, not an object literal: ids like "__proto__" or "constructor" must be unknown.
const BY_ID = new Map<string, ProviderSpec>(
  PROVIDERS.map((spec) => {
    const { credential, ...data } = spec;
    // the zod schema is left alone (zod caches on it); everything else is immutable
    deepFreeze(data);
    return [spec.id, Object.freeze({ ...data, credential })];
  }),
);

export function isProviderId(id: string): id is ProviderId {
  return BY_ID.has(id);
}

/** The catalog entry as written (no operator overrides); undefined for unknown ids. */
export function getProvider(id: string): ProviderSpec | undefined {
  return BY_ID.get(id);
}

export function listProviders(): ProviderSpec[] {
  return PROVIDER_IDS.map((id) => BY_ID.get(id)!);
}

// ---- operator overrides (docs/scopes-and-providers.md#providers) -----------------------------------------------------

type OverrideEnv = Pick<Env, "production" | "providerOverride">;

function overrideName(id: string, name: ProviderOverride): string {
  return `OKORO_PROVIDER_${id.toUpperCase().replace(/-/g, "_")}_${name}`;
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.endsWith(".localhost")
  );
}

/**
 * A validated override URL. https always; http only for loopback hosts (tests point
 * providers at local servers) or outside production — a credential must never cross a
 * network in clear text in production. No userinfo, no fragment; a base URL takes no
 * query and loses its trailing slash.
 */
function overrideUrl(env: OverrideEnv, id: string, name: ProviderOverride): string | undefined {
  const value = env.providerOverride(id, name);
  if (value === undefined) return undefined;
  const variable = overrideName(id, name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError([`${variable} must be an absolute URL`]);
  }
  const problems: string[] = [];
  if (url.protocol !== "https:" && !(url.protocol === "http:" && (isLoopback(url.hostname) || !env.production))) {
    problems.push(`${variable} must be an https:// URL (http:// only for localhost)`);
  }
  if (url.username || url.password) problems.push(`${variable} must not carry a user name or password`);
  if (url.hash) problems.push(`${variable} must not have a #fragment`);
  if (name === "BASE_URL" && url.search) problems.push(`${variable} must not have a query string`);
  if (problems.length > 0) throw new ConfigError(problems);
  return name === "BASE_URL" ? `${url.origin}${url.pathname.replace(/\/+$/, "")}` : url.toString();
}

/** The entry with every OKORO_PROVIDER_<ID>_* override of `env` applied. Throws ConfigError on a bad override. */
export function applyProviderOverrides(spec: ProviderSpec, env: OverrideEnv): ProviderSpec {
  const url = (name: ProviderOverride) => overrideUrl(env, spec.id, name);
  const { oauth2, oauth1, paste } = spec.connect;
  const connect: ProviderSpec["connect"] = {};
  if (oauth2) {
    const userinfoUrl = url("USERINFO_URL") ?? oauth2.userinfoUrl;
    connect.oauth2 = {
      ...oauth2,
      authorizeUrl: url("AUTHORIZE_URL") ?? oauth2.authorizeUrl,
      tokenUrl: url("TOKEN_URL") ?? oauth2.tokenUrl,
      ...(userinfoUrl !== undefined && { userinfoUrl }),
    };
  }
  if (oauth1) {
    const userinfoUrl = url("USERINFO_URL") ?? oauth1.userinfoUrl;
    connect.oauth1 = {
      ...oauth1,
      requestTokenUrl: url("REQUEST_TOKEN_URL") ?? oauth1.requestTokenUrl,
      authorizeUrl: url("AUTHORIZE_URL") ?? oauth1.authorizeUrl,
      accessTokenUrl: url("ACCESS_TOKEN_URL") ?? oauth1.accessTokenUrl,
      ...(userinfoUrl !== undefined && { userinfoUrl }),
    };
  }
  if (paste) connect.paste = paste;
  const resolved: ProviderSpec = { ...spec, baseUrl: url("BASE_URL") ?? spec.baseUrl, connect: deepFreeze(connect) };
  return Object.freeze(resolved);
}

// One resolution per (configuration, provider): setEnvForTesting swaps the Env object,
// which starts a fresh cache.
const resolvedCache = new WeakMap<Env, Map<string, ProviderSpec>>();

/** The entry as the proxy and the connect flow must use it: overrides from getEnv() applied. */
export function resolvedProvider(id: string): ProviderSpec | undefined {
  const spec = BY_ID.get(id);
  if (!spec) return undefined;
  const env = getEnv();
  let byId = resolvedCache.get(env);
  if (!byId) {
    byId = new Map();
    resolvedCache.set(env, byId);
  }
  let resolved = byId.get(id);
  if (!resolved) {
    resolved = applyProviderOverrides(spec, env);
    byId.set(id, resolved);
  }
  return resolved;
}

export function listResolvedProviders(): ProviderSpec[] {
  return PROVIDER_IDS.map((id) => resolvedProvider(id)!);
}
