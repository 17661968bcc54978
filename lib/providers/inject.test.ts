import { afterEach, describe, expect, it } from "vitest";
import { setEnvForTesting } from "@/lib/env";
import { applyProviderOverrides, getProvider } from "@/lib/providers/catalog";
import {
  applyDefaultHeaders,
  credentialHeaderNames,
  defaultHeaders,
  formBodyParams,
  oauthConsumer,
  upstreamAuth,
  upstreamAuthHeaders,
} from "@/lib/providers/inject";
import { oauth1Sign } from "@/lib/providers/oauth1";
import { testEnv } from "@/lib/providers/test-env";
import type { Credential } from "@/lib/providers/types";

afterEach(() => setEnvForTesting(undefined));

const p = (id: string) => getProvider(id)!;

describe("bearer and header credentials", () => {
  it.each([
    ["github", { access_token: "gho_abc" }, "Bearer gho_abc"],
    ["gmail", { access_token: "ya29.x", refresh_token: "r", expires_at: 1 }, "Bearer ya29.x"],
    ["slack", { access_token: "xoxb-1" }, "Bearer xoxb-1"],
    ["notion", { access_token: "ntn_1" }, "Bearer ntn_1"],
    ["openai", { api_key: "sk-1" }, "Bearer sk-1"],
    ["stripe", { api_key: "rk_live_1" }, "Bearer rk_live_1"],
  ])("%s → Authorization: %s", (id, credential, expected) => {
    const provider = p(id);
    expect(
      upstreamAuthHeaders(provider, credential as Credential, { method: "GET", url: `${provider.baseUrl}/x` }),
    ).toEqual({ authorization: expected });
  });

  it("Anthropic gets x-api-key and no Authorization", () => {
    expect(
      upstreamAuthHeaders(
        p("anthropic"),
        { api_key: "sk-ant-1" },
        { method: "POST", url: "https://api.anthropic.com/v1/messages" },
      ),
    ).toEqual({
      "x-api-key": "sk-ant-1",
    });
    expect(credentialHeaderNames(p("anthropic"))).toEqual(["x-api-key", "authorization"]);
    expect(credentialHeaderNames(p("github"))).toEqual(["authorization"]);
  });

  it("says which values are secret: the token or key, never a default header", () => {
    expect(
      upstreamAuth(p("github"), { access_token: "gho_abc" }, { method: "GET", url: "https://api.github.com/x" })
        .secrets,
    ).toEqual(["gho_abc"]);
    expect(
      upstreamAuth(p("anthropic"), { api_key: "sk-ant-1" }, { method: "GET", url: "https://api.anthropic.com/x" })
        .secrets,
    ).toEqual(["sk-ant-1"]);
    expect(
      upstreamAuth(p("openai"), { api_key: "sk-1" }, { method: "GET", url: "https://api.openai.com/x" }).secrets,
    ).toEqual(["sk-1"]);
  });

  it("never sends a credential off the provider's origin", () => {
    for (const url of [
      "https://evil.example/x",
      "https://api.github.com.evil.example/",
      "http://api.github.com/x",
      "https://api.github.com:8443/x",
    ]) {
      expect(() => upstreamAuthHeaders(p("github"), { access_token: "t" }, { method: "GET", url })).toThrow(/refusing/);
    }
    // an overridden base URL moves the origin with it
    const local = applyProviderOverrides(p("github"), {
      production: false,
      providerOverride: (_, n) => (n === "BASE_URL" ? "http://127.0.0.1:4010/gh" : undefined),
    });
    expect(
      upstreamAuthHeaders(
        local,
        { access_token: "t" },
        { method: "GET", url: new URL("http://127.0.0.1:4010/gh/user") },
      ),
    ).toEqual({ authorization: "Bearer t" });
    expect(() =>
      upstreamAuthHeaders(p("github"), { access_token: "t" }, { method: "GET", url: "http://127.0.0.1:4010/gh/user" }),
    ).toThrow();
  });

  it("refuses credentials that do not fit or could split a header", () => {
    const req = { method: "GET", url: "https://api.github.com/user" };
    expect(() => upstreamAuthHeaders(p("github"), {} as Credential, req)).toThrow();
    expect(() => upstreamAuthHeaders(p("github"), { access_token: "a\r\nx: y" }, req)).toThrow();
    expect(() => upstreamAuthHeaders(p("github"), { access_token: "" }, req)).toThrow();
    expect(() =>
      upstreamAuthHeaders(
        p("anthropic"),
        { token: "t", token_secret: "s" },
        { method: "GET", url: "https://api.anthropic.com/" },
      ),
    ).toThrow();
  });
});

describe("Trello (OAuth 1)", () => {
  const consumer = { key: "okoro-key", secret: "okoro-secret" };
  const url = "https://api.trello.com/1/cards/abc?fields=name";

  /** Recomputes the signature from the header's own nonce and timestamp. */
  function recompute(header: string, bodyParams: [string, string][] | undefined, tokenSecret: string, method = "PUT") {
    const params = new Map([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2])]));
    return {
      params,
      expected: oauth1Sign({
        method,
        url,
        consumerKey: consumer.key,
        consumerSecret: consumer.secret,
        token: params.get("oauth_token"),
        tokenSecret,
        nonce: params.get("oauth_nonce"),
        timestamp: params.get("oauth_timestamp"),
        bodyParams,
      }).signature,
    };
  }

  it("signs with the configured consumer and the connection's token secret, form body included", () => {
    const body = new TextEncoder().encode("closed=false&name=a+b");
    const headers = upstreamAuthHeaders(
      p("trello"),
      { token: "tok", token_secret: "toksecret" },
      {
        method: "PUT",
        url: new URL(url),
        contentType: "application/x-www-form-urlencoded; charset=utf-8",
        body,
        consumer,
      },
    );
    const { params, expected } = recompute(
      headers.authorization,
      [
        ["closed", "false"],
        ["name", "a b"],
      ],
      "toksecret",
    );
    expect(params.get("oauth_consumer_key")).toBe("okoro-key");
    expect(params.get("oauth_token")).toBe("tok");
    expect(params.get("oauth_signature")).toBe(expected);
    // the body is covered: signing without it gives another signature
    expect(recompute(headers.authorization, undefined, "toksecret").expected).not.toBe(expected);
  });

  it("does not sign JSON bodies, and takes explicit bodyParams", () => {
    const json = upstreamAuthHeaders(
      p("trello"),
      { token: "tok", token_secret: "ts" },
      {
        method: "PUT",
        url,
        contentType: "application/json",
        body: new TextEncoder().encode('{"closed":false}'),
        consumer,
      },
    );
    expect(recompute(json.authorization, undefined, "ts").params.get("oauth_signature")).toBe(
      recompute(json.authorization, undefined, "ts").expected,
    );
    const explicit = upstreamAuthHeaders(
      p("trello"),
      { token: "tok", token_secret: "ts" },
      { method: "PUT", url, bodyParams: [["a", "1"]], consumer },
    );
    const r = recompute(explicit.authorization, [["a", "1"]], "ts");
    expect(r.params.get("oauth_signature")).toBe(r.expected);
  });

  it("refuses to sign a form body it was not given", () => {
    expect(() =>
      upstreamAuthHeaders(
        p("trello"),
        { token: "tok", token_secret: "ts" },
        { method: "POST", url, contentType: "application/x-www-form-urlencoded", consumer },
      ),
    ).toThrow(/form body/);
  });

  it("a pasted key + token uses Trello's unsigned key-and-token form", () => {
    const credential = { token: "ATTA/tok", token_secret: "", api_key: "theirkey" };
    expect(upstreamAuthHeaders(p("trello"), credential, { method: "GET", url })).toEqual({
      authorization: 'OAuth oauth_consumer_key="theirkey", oauth_token="ATTA%2Ftok"',
    });
    // okoro's own consumer cannot sign for someone else's key
    expect(
      upstreamAuthHeaders(p("trello"), { ...credential, token_secret: "s" }, { method: "GET", url, consumer }),
    ).toEqual({
      authorization: 'OAuth oauth_consumer_key="theirkey", oauth_token="ATTA%2Ftok"',
    });
  });

  it("a pasted token issued to okoro's own key, with its secret, is signed", () => {
    const headers = upstreamAuthHeaders(
      p("trello"),
      { token: "tok", token_secret: "ts", api_key: "okoro-key" },
      { method: "GET", url, consumer },
    );
    const r = recompute(headers.authorization, undefined, "ts", "GET");
    expect(r.params.get("oauth_signature")).toBe(r.expected);
  });

  it("names the token and the signature as secret, not the consumer key, nonce or timestamp", () => {
    const signed = upstreamAuth(p("trello"), { token: "tok", token_secret: "ts" }, { method: "GET", url, consumer });
    const params = recompute(signed.headers.authorization, undefined, "ts", "GET").params;
    expect(signed.secrets).toEqual(["tok", params.get("oauth_signature")]);
    const pasted = upstreamAuth(
      p("trello"),
      { token: "ATTA/tok", token_secret: "", api_key: "theirkey" },
      { method: "GET", url },
    );
    expect(pasted.secrets).toEqual(["ATTA/tok"]);
  });

  it("without a consumer or a pasted api_key there is nothing to authenticate with", () => {
    expect(() =>
      upstreamAuthHeaders(p("trello"), { token: "tok", token_secret: "ts" }, { method: "GET", url }),
    ).toThrow(/OKORO_TRELLO_KEY/);
    expect(() => upstreamAuthHeaders(p("trello"), { access_token: "x" }, { method: "GET", url, consumer })).toThrow(
      /token/,
    );
  });

  it("oauthConsumer reads OKORO_TRELLO_KEY / _SECRET from the configuration", () => {
    setEnvForTesting(testEnv());
    expect(oauthConsumer("trello")).toBeUndefined();
    setEnvForTesting(testEnv({ OKORO_TRELLO_KEY: "k", OKORO_TRELLO_SECRET: "s" }));
    expect(oauthConsumer("trello")).toEqual({ key: "k", secret: "s" });
  });

  it("formBodyParams", () => {
    expect(formBodyParams("application/json", new Uint8Array())).toBeUndefined();
    expect(formBodyParams("application/x-www-form-urlencoded", new TextEncoder().encode("a=1&a=2&b=%20"))).toEqual([
      ["a", "1"],
      ["a", "2"],
      ["b", " "],
    ]);
  });
});

describe("default headers", () => {
  it("lower-cased copies", () => {
    expect(defaultHeaders(p("notion"))).toEqual({ "notion-version": "2022-06-28" });
    expect(defaultHeaders(p("anthropic"))).toEqual({ "anthropic-version": "2023-06-01" });
    expect(defaultHeaders(p("openai"))).toEqual({});
  });

  it("are added only when the agent did not send them", () => {
    const h = new Headers({ "content-type": "application/json" });
    applyDefaultHeaders(p("notion"), h);
    expect(h.get("notion-version")).toBe("2022-06-28");
    const pinned = new Headers({ "Notion-Version": "2025-09-03" });
    applyDefaultHeaders(p("notion"), pinned);
    expect(pinned.get("notion-version")).toBe("2025-09-03");
    const record: Record<string, string> = { "Anthropic-Version": "2024-01-01" };
    applyDefaultHeaders(p("anthropic"), record);
    expect(record).toEqual({ "Anthropic-Version": "2024-01-01" });
    const empty: Record<string, string> = {};
    applyDefaultHeaders(p("anthropic"), empty);
    expect(empty).toEqual({ "anthropic-version": "2023-06-01" });
  });
});
