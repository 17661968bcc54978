// The OAuth 2 protocol pieces on their own: authorization URL, client authentication and
// the token responses of real providers, quirks included, against a local server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  basicClientAuth,
  credentialFromTokenResponse,
  type OAuth2Error,
  oauth2AuthorizeUrl,
  pkceChallenge,
  pkcePair,
  tokenRequest,
} from "@/lib/connect/oauth2";
import { ProviderUnreachable } from "@/lib/connect/provider-http";
import type { OAuth2Connect } from "@/lib/providers/types";
import { startUpstream, type Upstream } from "@/test/upstream";

const APP = { clientId: "client id", clientSecret: "s3cr+t/=&:" };

describe("PKCE and the authorization URL", () => {
  it("S256 of the RFC 7636 appendix B example", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(pkceChallenge(verifier));
  });

  it("an entry's extra parameters cannot replace the protocol's", () => {
    const connect: OAuth2Connect = {
      authorizeUrl: "https://idp.example/authorize?tenant=1",
      tokenUrl: "https://idp.example/token",
      scopes: ["a", "b"],
      pkce: true,
      clientAuth: "body",
      authorizeParams: {
        prompt: "consent",
        redirect_uri: "https://evil.example/",
        state: "fixed",
        response_type: "token",
      },
    };
    const url = new URL(
      oauth2AuthorizeUrl(connect, {
        clientId: "c",
        redirectUri: "https://okoro.example/api/connect/x/callback",
        state: "s",
        codeChallenge: "ch",
      }),
    );
    expect(url.origin + url.pathname).toBe("https://idp.example/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "1",
      prompt: "consent",
      redirect_uri: "https://okoro.example/api/connect/x/callback",
      state: "s",
      response_type: "code",
      client_id: "c",
      scope: "a b",
      code_challenge: "ch",
      code_challenge_method: "S256",
    });
  });

  it("basic client authentication form-encodes both halves (RFC 6749 §2.3.1)", () => {
    const decoded = Buffer.from(basicClientAuth(APP).slice("Basic ".length), "base64").toString();
    expect(decoded).toBe("client+id:s3cr%2Bt%2F%3D%26%3A");
  });
});

describe("credentialFromTokenResponse", () => {
  const now = 1_800_000_000_000;
  it("computes expires_at, also from a string expires_in", () => {
    expect(
      credentialFromTokenResponse({ access_token: "a", expires_in: "3599", token_type: "Bearer" }, { now }),
    ).toEqual({
      access_token: "a",
      expires_at: 1_800_003_599,
      token_type: "Bearer",
    });
  });
  it("keeps the refresh token and scope a refresh response leaves out, never an old expiry", () => {
    const previous = { access_token: "old", refresh_token: "r1", scope: "x y", expires_at: 1 };
    expect(credentialFromTokenResponse({ access_token: "new" }, { now, previous })).toEqual({
      access_token: "new",
      refresh_token: "r1",
      scope: "x y",
    });
    expect(
      credentialFromTokenResponse({ access_token: "new", refresh_token: "r2", scope: "x" }, { now, previous }),
    ).toMatchObject({ refresh_token: "r2", scope: "x" });
  });
});

describe("tokenRequest", () => {
  let server: Upstream;
  beforeAll(async () => {
    server = await startUpstream();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  const connect = (over: Partial<OAuth2Connect> = {}): OAuth2Connect => ({
    authorizeUrl: `${server.url}/authorize`,
    tokenUrl: `${server.url}/token`,
    scopes: [],
    pkce: false,
    clientAuth: "body",
    ...over,
  });
  const answer = (
    status: number,
    body: string,
    contentType = "application/json",
    headers: Record<string, string> = {},
  ) =>
    server.respond((_req, res) => {
      res.writeHead(status, { "content-type": contentType, ...headers });
      res.end(body);
    });
  const request = (over: Partial<OAuth2Connect> = {}, timeoutMs = 5000) =>
    tokenRequest(connect(over), APP, { grant_type: "authorization_code", code: "c1" }, { timeoutMs });
  const failure = async (promise: Promise<unknown>) => {
    const e = await promise.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(Error);
    return e as OAuth2Error;
  };

  it("form body with client credentials (body auth); the answer's fields come back", async () => {
    answer(200, JSON.stringify({ access_token: "at", token_type: "bearer" }));
    expect(await request()).toMatchObject({ access_token: "at" });
    const sent = server.received[0];
    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(sent.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(sent.body.toString()))).toEqual({
      grant_type: "authorization_code",
      code: "c1",
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
    });
  });

  it("JSON body with basic auth (Notion), plus the entry's token headers", async () => {
    answer(200, JSON.stringify({ access_token: "at", workspace_name: "W" }));
    await request({
      clientAuth: "basic",
      tokenRequestFormat: "json",
      tokenHeaders: { "Notion-Version": "2022-06-28" },
    });
    const sent = server.received[0];
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers.authorization).toBe(basicClientAuth(APP));
    expect(sent.headers["notion-version"]).toBe("2022-06-28");
    expect(JSON.parse(sent.body.toString())).toEqual({ grant_type: "authorization_code", code: "c1" });
  });

  it("a form-encoded answer (GitHub without Accept: application/json)", async () => {
    answer(200, "access_token=gho_x&scope=repo%2Cgist&token_type=bearer", "application/x-www-form-urlencoded");
    expect(await request()).toMatchObject({ access_token: "gho_x", scope: "repo,gist" });
  });

  it("refusals: 400 invalid_grant, GitHub's 200 + error, Slack's 200 + ok:false", async () => {
    answer(400, JSON.stringify({ error: "invalid_grant", error_description: "Bad\ncode" }));
    expect(await failure(request())).toMatchObject({
      kind: "refused",
      code: "invalid_grant",
      description: "Bad code",
      status: 400,
    });
    answer(
      200,
      JSON.stringify({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." }),
    );
    expect(await failure(request())).toMatchObject({ kind: "refused", code: "bad_verification_code" });
    answer(200, JSON.stringify({ ok: false, error: "invalid_code" }));
    expect(await failure(request())).toMatchObject({ kind: "refused", code: "invalid_code" });
  });

  it("outages and nonsense are not refusals", async () => {
    answer(503, "<html>down</html>", "text/html");
    expect(await failure(request())).toMatchObject({ kind: "unavailable", status: 503 });
    answer(429, JSON.stringify({ error: "slow_down" }));
    expect(await failure(request())).toMatchObject({ kind: "unavailable" });
    answer(200, JSON.stringify({ token_type: "bearer" }));
    expect(await failure(request())).toMatchObject({ kind: "invalid_response" });
    answer(200, "<html>login</html>", "text/html");
    expect(await failure(request())).toMatchObject({ kind: "invalid_response" });
  });

  it("does not follow a redirect (which would resend the client secret elsewhere)", async () => {
    answer(307, "", "text/plain", { location: `${server.url}/elsewhere` });
    expect(await failure(request())).toMatchObject({ kind: "invalid_response", status: 307 });
    expect(server.received.map((r) => r.url)).toEqual(["/token"]);
  });

  it("unreachable and slow providers", async () => {
    expect(await failure(request({ tokenUrl: "http://127.0.0.1:9/token" }))).toBeInstanceOf(ProviderUnreachable);
    server.respond(() => new Promise(() => {}));
    const e = (await failure(request({}, 200))) as unknown as ProviderUnreachable;
    expect(e).toBeInstanceOf(ProviderUnreachable);
    expect(e.timeout).toBe(true);
  });
});
