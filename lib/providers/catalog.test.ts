import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, setEnvForTesting } from "@/lib/env";
import {
  applyProviderOverrides,
  getProvider,
  isProviderId,
  listProviders,
  listResolvedProviders,
  PROVIDER_IDS,
  resolvedProvider,
} from "@/lib/providers/catalog";
import { PROVIDER_ID_PATTERN } from "@/lib/providers/provider-id";
import { testEnv } from "@/lib/providers/test-env";
import type { ProviderSpec } from "@/lib/providers/types";

afterEach(() => setEnvForTesting(undefined));

/** "…" placeholders in the documented examples stand for real, ASCII values. */
const fill = (example: string) => JSON.parse(example.replace(/…/g, "x1Y2z3"));

const JUNK: unknown[] = [
  null,
  undefined,
  "sk-abc",
  42,
  [],
  ["sk-abc"],
  {},
  { api_key: "" },
  { api_key: "   " },
  { api_key: "sk abc" },
  { api_key: "sk-abc\r\nX-Injected: 1" },
  { api_key: "sk-é" },
  { api_key: 12345 },
  { api_key: "x".repeat(9000) },
  { apikey: "sk-abc" },
  { access_token: "" },
  { access_token: "tok", expires_at: 1767225600000 },
  { access_token: "tok", expires_at: "1767225600" },
  { access_token: "tok", expires_at: -1 },
  { access_token: "tok", refresh_token: "" },
  { token: "", token_secret: "s" },
  { token_secret: "s" },
];

describe("the catalog", () => {
  it("holds exactly the nine providers of docs/scopes-and-providers.md#providers, in order", () => {
    expect([...PROVIDER_IDS]).toEqual([
      "trello",
      "github",
      "gmail",
      "google-drive",
      "notion",
      "slack",
      "openai",
      "anthropic",
      "stripe",
    ]);
    expect(listProviders().map((p) => p.id)).toEqual([...PROVIDER_IDS]);
  });

  it.each([
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "prototype",
    "GitHub",
    "GITHUB",
    " github",
    "github ",
    "",
    "google_drive",
    "google-drive/",
  ])("unknown id %j → undefined", (id) => {
    expect(getProvider(id)).toBeUndefined();
    expect(isProviderId(id)).toBe(false);
  });

  it("entries are immutable", () => {
    const github = getProvider("github")!;
    expect(() => {
      (github as { baseUrl: string }).baseUrl = "https://evil.example";
    }).toThrow();
    expect(() => {
      github.connect.oauth2!.scopes.push("admin:org");
    }).toThrow();
    expect(() => {
      (getProvider("notion")!.defaultHeaders as Record<string, string>)["Notion-Version"] = "x";
    }).toThrow();
    expect(getProvider("github")!.baseUrl).toBe("https://api.github.com");
  });
});

describe.each(listProviders().map((p) => [p.id, p] as const))("%s is well-formed", (_, spec: ProviderSpec) => {
  it("has an id, a name and a one-line description", () => {
    expect(spec.id).toMatch(PROVIDER_ID_PATTERN);
    expect(spec.name.trim()).not.toBe("");
    expect(spec.description.trim()).not.toBe("");
    expect(spec.description).not.toMatch(/\n/);
    expect(spec.description.length).toBeLessThanOrEqual(100);
  });

  it("has a valid https base URL without trailing slash, query or fragment", () => {
    const url = new URL(spec.baseUrl);
    expect(url.protocol).toBe("https:");
    expect(spec.baseUrl.endsWith("/")).toBe(false);
    expect(url.search).toBe("");
    expect(url.hash).toBe("");
    expect(url.username + url.password).toBe("");
    expect(`${url.origin}${url.pathname === "/" ? "" : url.pathname}`).toBe(spec.baseUrl);
  });

  it("has a sensible upstream auth and default headers", () => {
    expect(["bearer", "header", "oauth1"]).toContain(spec.auth.kind);
    if (spec.auth.kind === "header") expect(spec.auth.header).toMatch(/^[a-z0-9-]+$/i);
    for (const [name, value] of Object.entries(spec.defaultHeaders ?? {})) {
      expect(name).toMatch(/^[A-Za-z0-9-]+$/);
      expect(name.toLowerCase()).not.toBe("authorization");
      expect(value).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("can be connected somehow, with consistent OAuth and paste configs", () => {
    const { oauth2, oauth1, paste } = spec.connect;
    expect(oauth2 || oauth1 || paste).toBeTruthy();
    expect(oauth2 && oauth1).toBeFalsy();
    // OAuth 1 is for the OAuth 1 upstream auth only, and the other way round
    expect(Boolean(oauth1)).toBe(spec.auth.kind === "oauth1");
    for (const url of [
      oauth2?.authorizeUrl,
      oauth2?.tokenUrl,
      oauth2?.userinfoUrl,
      oauth1?.requestTokenUrl,
      oauth1?.authorizeUrl,
      oauth1?.accessTokenUrl,
      oauth1?.userinfoUrl,
    ]) {
      if (url !== undefined) expect(new URL(url).protocol).toBe("https:");
    }
    if (oauth2) {
      expect(Array.isArray(oauth2.scopes)).toBe(true);
      expect(new Set(oauth2.scopes).size).toBe(oauth2.scopes.length);
      expect(["basic", "body"]).toContain(oauth2.clientAuth);
      expect(oauth2.authorizeParams?.include_granted_scopes).toBeUndefined();
      if (oauth2.scopeSeparator !== undefined) expect(oauth2.scopeSeparator).not.toBe("");
    }
    if (paste) {
      expect(paste.label.trim()).not.toBe("");
      const names = paste.fields.map((f) => f.name);
      expect(new Set(names).size).toBe(names.length);
      expect(paste.fields.some((f) => f.secret && !f.optional)).toBe(true);
    }
  });

  it("its paste form produces a credential its schema accepts", () => {
    const paste = spec.connect.paste;
    if (!paste) return;
    const required = Object.fromEntries(
      paste.fields.filter((f) => !f.optional).map((f) => [f.name, "pasted-Value_123"]),
    );
    const blanks = Object.fromEntries(paste.fields.filter((f) => f.optional).map((f) => [f.name, ""]));
    const full = Object.fromEntries(paste.fields.map((f) => [f.name, "pasted-Value_123"]));
    expect(spec.credential.safeParse(full).success).toBe(true);
    // a form with its optional fields left blank is still valid unless the provider needs one of them
    const withBlanks = spec.credential.safeParse({ ...required, ...blanks });
    if (spec.id !== "trello") expect(withBlanks.success).toBe(true);
    // and nothing else is needed: no field of the stored shape is missing from the form
    for (const field of paste.fields) expect(typeof field.label).toBe("string");
  });

  it("accepts its documented credential shape and rejects junk", () => {
    expect(spec.credentialExample).toBeDefined();
    const parsed = spec.credential.safeParse(fill(spec.credentialExample!));
    expect(parsed.success).toBe(true);
    for (const junk of JUNK) expect(spec.credential.safeParse(junk).success, JSON.stringify(junk)).toBe(false);
  });

  it("wires its rules as data", () => {
    if (spec.classify) expect(typeof spec.classify).toBe("function");
    if (spec.needsBody) expect(typeof spec.needsBody).toBe("function");
  });
});

describe("credential shapes (docs/cli.md#command-line)", () => {
  const ok = (id: string, value: unknown) => {
    const result = getProvider(id)!.credential.safeParse(value);
    expect(result.success, JSON.stringify(value)).toBe(true);
    return result.data;
  };
  const bad = (id: string, value: unknown) =>
    expect(getProvider(id)!.credential.safeParse(value).success, JSON.stringify(value)).toBe(false);

  it("API-key providers store {api_key}", () => {
    for (const id of ["openai", "anthropic", "stripe"]) {
      expect(ok(id, { api_key: "  sk-abc_123  " })).toEqual({ api_key: "sk-abc_123" });
      bad(id, { access_token: "sk-abc" });
      bad(id, { api_key: "sk-abc", extra: "x" });
      bad(id, { token: "t", token_secret: "s" });
    }
  });

  it("OAuth 2 providers store {access_token, refresh_token?, expires_at? (seconds)}", () => {
    for (const id of ["github", "gmail", "google-drive", "notion", "slack"]) {
      expect(ok(id, { access_token: "ya29.a0", refresh_token: "1//0g", expires_at: 1767225600 })).toEqual({
        access_token: "ya29.a0",
        refresh_token: "1//0g",
        expires_at: 1767225600,
      });
      expect(ok(id, { access_token: "t", token_type: "bearer", scope: "repo read:org" })).toMatchObject({
        access_token: "t",
      });
      bad(id, { access_token: "t", expires_at: 1.5 });
      bad(id, { access_token: "t", id_token: "x" });
    }
  });

  it("pasted GitHub / Slack / Notion tokens are stored as {access_token}; {api_key} is accepted as an alias", () => {
    for (const id of ["github", "slack", "notion"]) {
      expect(ok(id, { access_token: "xoxb-1" })).toEqual({ access_token: "xoxb-1" });
      expect(ok(id, { api_key: "github_pat_1" })).toEqual({ access_token: "github_pat_1" });
      bad(id, { api_key: "a", access_token: "b" });
    }
    // Google has no pasted form: an API key cannot act for a user
    bad("gmail", { api_key: "AIza" });
    bad("google-drive", { api_key: "AIza" });
  });

  it("Trello stores {token, token_secret} (+ api_key for a pasted key/token pair)", () => {
    expect(ok("trello", { token: "t", token_secret: "s" })).toEqual({ token: "t", token_secret: "s" });
    expect(ok("trello", { token: "t", api_key: "k" })).toEqual({ token: "t", token_secret: "", api_key: "k" });
    expect(ok("trello", { token: "t", token_secret: "", api_key: "k" })).toEqual({
      token: "t",
      token_secret: "",
      api_key: "k",
    });
    expect(ok("trello", { token: "t", token_secret: "s", api_key: "" })).toEqual({ token: "t", token_secret: "s" });
    bad("trello", { token: "t" });
    bad("trello", { token: "t", token_secret: "" });
    bad("trello", { api_key: "k" });
    bad("trello", { token: "t", token_secret: "s", extra: 1 });
  });
});

describe("docs/scopes-and-providers.md#providers specifics", () => {
  it("default headers", () => {
    expect(getProvider("notion")!.defaultHeaders).toEqual({ "Notion-Version": "2022-06-28" });
    expect(getProvider("anthropic")!.defaultHeaders).toEqual({ "anthropic-version": "2023-06-01" });
    expect(getProvider("anthropic")!.auth).toEqual({ kind: "header", header: "x-api-key" });
    expect(getProvider("trello")!.auth).toEqual({ kind: "oauth1" });
  });

  it("base URLs", () => {
    expect(Object.fromEntries(listProviders().map((p) => [p.id, p.baseUrl]))).toEqual({
      trello: "https://api.trello.com",
      github: "https://api.github.com",
      gmail: "https://gmail.googleapis.com",
      "google-drive": "https://www.googleapis.com",
      notion: "https://api.notion.com",
      slack: "https://slack.com/api",
      openai: "https://api.openai.com",
      anthropic: "https://api.anthropic.com",
      stripe: "https://api.stripe.com",
    });
  });

  it("Gmail and Drive share Google's endpoints but each asks only its own scopes, offline, with consent", () => {
    const gmail = getProvider("gmail")!.connect.oauth2!;
    const drive = getProvider("google-drive")!.connect.oauth2!;
    for (const g of [gmail, drive]) {
      expect(g.authorizeUrl).toBe("https://accounts.google.com/o/oauth2/v2/auth");
      expect(g.tokenUrl).toBe("https://oauth2.googleapis.com/token");
      expect(g.authorizeParams).toMatchObject({ access_type: "offline", prompt: "consent" });
      expect(g.pkce).toBe(true);
    }
    expect(gmail.scopes.length).toBeGreaterThan(0);
    expect(drive.scopes.length).toBeGreaterThan(0);
    expect(gmail.scopes.every((s) => s.startsWith("https://www.googleapis.com/auth/gmail."))).toBe(true);
    expect(drive.scopes.every((s) => s.startsWith("https://www.googleapis.com/auth/drive"))).toBe(true);
    expect(getProvider("gmail")!.connect.paste).toBeUndefined();
    expect(getProvider("google-drive")!.connect.paste).toBeUndefined();
  });

  it("Slack v2, Notion with basic auth, GitHub web flow, Trello OAuth 1.0a", () => {
    const slack = getProvider("slack")!.connect.oauth2!;
    expect([slack.authorizeUrl, slack.tokenUrl, slack.scopeSeparator]).toEqual([
      "https://slack.com/oauth/v2/authorize",
      "https://slack.com/api/oauth.v2.access",
      ",",
    ]);
    const notion = getProvider("notion")!.connect.oauth2!;
    expect([notion.authorizeUrl, notion.tokenUrl, notion.clientAuth]).toEqual([
      "https://api.notion.com/v1/oauth/authorize",
      "https://api.notion.com/v1/oauth/token",
      "basic",
    ]);
    expect(notion.authorizeParams).toEqual({ owner: "user" });
    const github = getProvider("github")!.connect.oauth2!;
    expect([github.authorizeUrl, github.tokenUrl]).toEqual([
      "https://github.com/login/oauth/authorize",
      "https://github.com/login/oauth/access_token",
    ]);
    expect(github.tokenHeaders).toEqual({ Accept: "application/json" });
    const trello = getProvider("trello")!.connect.oauth1!;
    expect([trello.requestTokenUrl, trello.authorizeUrl, trello.accessTokenUrl]).toEqual([
      "https://trello.com/1/OAuthGetRequestToken",
      "https://trello.com/1/OAuthAuthorizeToken",
      "https://trello.com/1/OAuthGetAccessToken",
    ]);
  });

  it("paste forms exactly where docs/scopes-and-providers.md#providers allows them", () => {
    const pasteable = listProviders()
      .filter((p) => p.connect.paste)
      .map((p) => p.id);
    expect(pasteable).toEqual(["trello", "github", "notion", "slack", "openai", "anthropic", "stripe"]);
    const oauth = listProviders()
      .filter((p) => p.connect.oauth2 || p.connect.oauth1)
      .map((p) => p.id);
    expect(oauth).toEqual(["trello", "github", "gmail", "google-drive", "notion", "slack"]);
  });
});

describe("operator overrides (OKORO_PROVIDER_<ID>_*)", () => {
  it("resolvedProvider applies every override, lazily from getEnv()", () => {
    setEnvForTesting(testEnv());
    expect(resolvedProvider("github")!.baseUrl).toBe("https://api.github.com");
    setEnvForTesting(
      testEnv({
        OKORO_PROVIDER_GITHUB_BASE_URL: "http://127.0.0.1:4010/gh/",
        OKORO_PROVIDER_GITHUB_AUTHORIZE_URL: "http://127.0.0.1:4010/login/oauth/authorize",
        OKORO_PROVIDER_GITHUB_TOKEN_URL: "http://127.0.0.1:4010/login/oauth/access_token",
        OKORO_PROVIDER_GITHUB_USERINFO_URL: "http://127.0.0.1:4010/user",
        OKORO_PROVIDER_GOOGLE_DRIVE_BASE_URL: "http://localhost:4011",
        OKORO_PROVIDER_TRELLO_BASE_URL: "http://[::1]:4012",
        OKORO_PROVIDER_TRELLO_REQUEST_TOKEN_URL: "http://127.0.0.1:4012/1/OAuthGetRequestToken",
        OKORO_PROVIDER_TRELLO_AUTHORIZE_URL: "http://127.0.0.1:4012/1/OAuthAuthorizeToken",
        OKORO_PROVIDER_TRELLO_ACCESS_TOKEN_URL: "http://127.0.0.1:4012/1/OAuthGetAccessToken",
        OKORO_PROVIDER_TRELLO_USERINFO_URL: "http://127.0.0.1:4012/1/members/me",
      }),
    );
    const github = resolvedProvider("github")!;
    expect(github.baseUrl).toBe("http://127.0.0.1:4010/gh");
    expect(github.connect.oauth2).toMatchObject({
      authorizeUrl: "http://127.0.0.1:4010/login/oauth/authorize",
      tokenUrl: "http://127.0.0.1:4010/login/oauth/access_token",
      userinfoUrl: "http://127.0.0.1:4010/user",
      scopes: getProvider("github")!.connect.oauth2!.scopes,
    });
    expect(github.connect.paste).toBe(getProvider("github")!.connect.paste);
    expect(github.classify).toBe(getProvider("github")!.classify);
    expect(resolvedProvider("google-drive")!.baseUrl).toBe("http://localhost:4011");
    const trello = resolvedProvider("trello")!;
    expect(trello.baseUrl).toBe("http://[::1]:4012");
    expect(trello.connect.oauth1).toMatchObject({
      requestTokenUrl: "http://127.0.0.1:4012/1/OAuthGetRequestToken",
      authorizeUrl: "http://127.0.0.1:4012/1/OAuthAuthorizeToken",
      accessTokenUrl: "http://127.0.0.1:4012/1/OAuthGetAccessToken",
      userinfoUrl: "http://127.0.0.1:4012/1/members/me",
      authorizeParams: getProvider("trello")!.connect.oauth1!.authorizeParams,
    });
    // untouched providers and the static catalog stay as written
    expect(resolvedProvider("slack")!.baseUrl).toBe("https://slack.com/api");
    expect(getProvider("github")!.baseUrl).toBe("https://api.github.com");
    expect(listResolvedProviders().map((p) => p.id)).toEqual([...PROVIDER_IDS]);
    expect(resolvedProvider("__proto__")).toBeUndefined();

    // swapping the configuration is seen at once
    setEnvForTesting(testEnv({ OKORO_PROVIDER_GITHUB_BASE_URL: "https://ghe.example.com/api/v3" }));
    expect(resolvedProvider("github")!.baseUrl).toBe("https://ghe.example.com/api/v3");
    expect(resolvedProvider("github")!.connect.oauth2!.authorizeUrl).toBe("https://github.com/login/oauth/authorize");
  });

  const fakeEnv = (production: boolean, values: Record<string, string>) => ({
    production,
    providerOverride: (id: string, name: string) => values[`${id}:${name}`],
  });

  it.each([
    ["not a url", false],
    ["/relative", false],
    ["ftp://127.0.0.1/x", false],
    ["http://api.example.com", true],
    ["https://user:pass@api.example.com", false],
    ["https://api.example.com/#x", false],
    ["https://api.example.com/?x=1", false],
  ])("refuses the base URL override %j (production: %s)", (value, production) => {
    expect(() =>
      applyProviderOverrides(getProvider("openai")!, fakeEnv(production, { "openai:BASE_URL": value })),
    ).toThrow(ConfigError);
    try {
      applyProviderOverrides(getProvider("openai")!, fakeEnv(production, { "openai:BASE_URL": value }));
    } catch (e) {
      expect((e as Error).message).toContain("OKORO_PROVIDER_OPENAI_BASE_URL");
    }
  });

  it("allows http for loopback hosts even in production, and anywhere in development", () => {
    expect(
      applyProviderOverrides(getProvider("openai")!, fakeEnv(true, { "openai:BASE_URL": "http://127.0.0.1:9/v" }))
        .baseUrl,
    ).toBe("http://127.0.0.1:9/v");
    expect(
      applyProviderOverrides(getProvider("openai")!, fakeEnv(false, { "openai:BASE_URL": "http://upstream:8080//" }))
        .baseUrl,
    ).toBe("http://upstream:8080");
    expect(
      applyProviderOverrides(
        getProvider("google-drive")!,
        fakeEnv(true, { "google-drive:USERINFO_URL": "https://x.example/about?fields=user" }),
      ).connect.oauth2!.userinfoUrl,
    ).toBe("https://x.example/about?fields=user");
  });
});
