// The connect flows end to end against local authorization servers: okoro's start and
// callback functions, the browser's part (following the provider's redirects) done by hand.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getConnection } from "@/db/queries/connections";
import { getConnectionCredential } from "@/lib/connect/connections";
import { createUser } from "@/lib/users";
import { auditEvents, connections, oauthStates, type User } from "@/db/schema";
import { canConnectWithOAuth, connectCallbackUrl, finishOAuth, startOAuth } from "@/lib/connect/flow";
import { connectErrorMessage } from "@/lib/connect/messages";
import { hashStateValue, MAX_PENDING_PER_USER } from "@/lib/connect/states";
import { OkoroError } from "@/lib/errors";
import type { Env } from "@/lib/env";
import type { OAuth1Credential, OAuth2Credential } from "@/lib/providers/types";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, testEnv, TRELLO_CONSUMER } from "@/test/harness";
import { startOAuth1Server, startOAuth2Server, type OAuth1Server, type OAuth2Server } from "@/test/oauth-servers";

const CONNECTIONS = `${OKORO_URL}/dashboard/connections`;
const callback = (provider: string) => `${OKORO_URL}/api/connect/${provider}/callback`;
const app = (provider: string) => ({ clientId: `client-${provider}`, clientSecret: `secret+/=${provider}` });

let github: OAuth2Server;
let slack: OAuth2Server;
let notion: OAuth2Server;
let gmail: OAuth2Server;
let trello: OAuth1Server;
let extraEnv: Record<string, string>;
/** everything the code under test logged */
const logged: string[] = [];

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(
        args
          .map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a)))
          .join(" "),
      );
    });
  }
  github = await startOAuth2Server({
    ...app("github"),
    clientAuth: "body",
    redirectUri: callback("github"),
    requirePkce: true,
    userinfo: { login: "octo-user", name: "Octo User" },
  });
  slack = await startOAuth2Server({
    ...app("slack"),
    clientAuth: "body",
    redirectUri: callback("slack"),
    accessTokenTtl: 0,
    tokenResponseExtra: { ok: true, token_type: "bot", team: { id: "T01", name: "Acme Workspace" } },
  });
  notion = await startOAuth2Server({
    ...app("notion"),
    clientAuth: "basic",
    requestFormat: "json",
    redirectUri: callback("notion"),
    accessTokenTtl: 0,
    tokenResponseExtra: { workspace_name: "Notes HQ", bot_id: "bot-1" },
  });
  gmail = await startOAuth2Server({
    ...app("gmail"),
    clientAuth: "body",
    redirectUri: callback("gmail"),
    requirePkce: true,
    userinfo: { emailAddress: "me@gmail.test" },
  });
  trello = await startOAuth1Server({
    consumerKey: TRELLO_CONSUMER.key,
    consumerSecret: TRELLO_CONSUMER.secret,
    callbackUrl: callback("trello"),
  });

  extraEnv = {
    OKORO_PROVIDER_TRELLO_REQUEST_TOKEN_URL: trello.requestTokenUrl,
    OKORO_PROVIDER_TRELLO_AUTHORIZE_URL: trello.authorizeUrl,
    OKORO_PROVIDER_TRELLO_ACCESS_TOKEN_URL: trello.accessTokenUrl,
    OKORO_PROVIDER_TRELLO_USERINFO_URL: trello.memberUrl,
  };
  for (const [id, server] of Object.entries({ github, slack, notion, gmail })) {
    const ID = id.toUpperCase();
    extraEnv[`OKORO_${ID}_CLIENT_ID`] = app(id).clientId;
    extraEnv[`OKORO_${ID}_CLIENT_SECRET`] = app(id).clientSecret;
    extraEnv[`OKORO_PROVIDER_${ID}_AUTHORIZE_URL`] = server.authorizeUrl;
    extraEnv[`OKORO_PROVIDER_${ID}_TOKEN_URL`] = server.tokenUrl;
    extraEnv[`OKORO_PROVIDER_${ID}_USERINFO_URL`] = server.userinfoUrl;
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([github, slack, notion, gmail, trello].map((s) => s?.close()));
});

/** The browser's part: open the provider's authorization URL and come back with the callback's query. */
async function authorizeAt(location: string, provider: string): Promise<URLSearchParams> {
  const res = await fetch(location, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(callback(provider));
  return back.searchParams;
}

describe("connect messages", () => {
  it("turns codes into sentences and refuses to echo unknown text", () => {
    expect(connectErrorMessage("cancelled", "GitHub")).toBe("You cancelled connecting GitHub.");
    expect(connectErrorMessage("Call +1 555 0100 to restore your account", "GitHub")).toBe(
      connectErrorMessage("failed", "GitHub"),
    );
  });
});

describeDatabases("connect flows", (getDb) => {
  let env: Env;
  let userA: User;
  let userB: User;

  beforeAll(async () => {
    const h = await createHarness(getDb().db, "http://127.0.0.1:9", extraEnv);
    env = h.env;
    userA = h.user;
    userB = await createUser(getDb().db, { email: `b-${Math.random().toString(36).slice(2)}@example.com` });
  });

  beforeEach(async () => {
    for (const s of [github, slack, notion, gmail]) s.settings.consent = "approve";
    trello.settings.consent = "approve";
    await getDb().db.delete(connections);
  });

  const start = (provider: string, user = userA) => startOAuth({ db: getDb().db, env, userId: user.id, provider });
  const finish = (provider: string, query: URLSearchParams, user = userA) =>
    finishOAuth({ db: getDb().db, env, userId: user.id, provider, query });
  const connect = async (provider: string, user = userA) =>
    finish(provider, await authorizeAt(await start(provider, user), provider), user);
  const errorUrl = (error: string, provider: string) => `${CONNECTIONS}?error=${error}&provider=${provider}`;

  it("GitHub: state and PKCE at start, code exchanged, credential stored encrypted with account name and audit", async () => {
    const db = getDb().db;
    const location = await start("github");
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(github.authorizeUrl);
    const q = url.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("client-github");
    expect(q.get("redirect_uri")).toBe(callback("github"));
    expect(q.get("redirect_uri")).toBe(connectCallbackUrl(env, "github"));
    expect(q.get("scope")).toBe("repo read:org read:user user:email gist");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const state = q.get("state")!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // only the state's hash is stored, bound to user and provider, with a sealed verifier, 10 minutes
    const [row] = await db
      .select()
      .from(oauthStates)
      .where(eq(oauthStates.stateHash, hashStateValue(state)));
    expect(row).toMatchObject({ userId: userA.id, provider: "github" });
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row.secret).toMatchObject({ v: 1 });
    const ttl = row.expiresAt.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);

    const back = await authorizeAt(location, "github");
    expect(back.get("state")).toBe(state);
    expect(await finish("github", back)).toBe(`${CONNECTIONS}?connected=github`);

    const connection = await getConnection({ db, userId: userA.id, provider: "github" });
    expect(connection).toMatchObject({
      method: "oauth2",
      status: "active",
      accountName: "octo-user",
      grantedScopes: "repo read:org read:user user:email gist",
    });
    const credential = (await getConnectionCredential({
      db,
      userId: userA.id,
      provider: "github",
      masterKeys: env.masterKeys,
    })) as OAuth2Credential;
    expect(github.isValidAccessToken(credential.access_token)).toBe(true);
    expect(github.isValidRefreshToken(credential.refresh_token!)).toBe(true);
    expect(credential.expires_at).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(connection!.accessExpiresAt!.getTime()).toBe(credential.expires_at! * 1000);
    const [raw] = await db
      .select({ credential: connections.credential })
      .from(connections)
      .where(eq(connections.id, connection!.id));
    expect(JSON.stringify(raw.credential)).not.toContain(credential.access_token);
    expect(JSON.stringify(raw.credential)).not.toContain(credential.refresh_token);

    const events = await db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.userId, userA.id),
          eq(auditEvents.event, "connection.created"),
          eq(auditEvents.provider, "github"),
        ),
      );
    expect(events.length).toBeGreaterThanOrEqual(1);
    // the state is gone
    expect(
      await db
        .select()
        .from(oauthStates)
        .where(eq(oauthStates.stateHash, hashStateValue(state))),
    ).toHaveLength(0);
  });

  it("Slack: no PKCE, comma-separated bot scopes, the team's name from the token response", async () => {
    const location = await start("slack");
    const q = new URL(location).searchParams;
    expect(q.has("code_challenge")).toBe(false);
    expect(q.get("scope")).toContain("channels:read,channels:history");
    expect(await finish("slack", await authorizeAt(location, "slack"))).toBe(`${CONNECTIONS}?connected=slack`);
    const connection = await getConnection({ db: getDb().db, userId: userA.id, provider: "slack" });
    expect(connection).toMatchObject({ method: "oauth2", accountName: "Acme Workspace", accessExpiresAt: null });
    expect(connection!.grantedScopes).toContain("channels:read,channels:history");
    const credential = (await getConnectionCredential({
      db: getDb().db,
      userId: userA.id,
      provider: "slack",
      masterKeys: env.masterKeys,
    })) as OAuth2Credential;
    expect(credential.token_type).toBe("bot");
    expect(slack.isValidAccessToken(credential.access_token)).toBe(true);
  });

  it("Notion: basic client authentication, a JSON token request, the workspace name", async () => {
    const location = await start("notion");
    expect(new URL(location).searchParams.get("owner")).toBe("user");
    expect(new URL(location).searchParams.has("scope")).toBe(false);
    expect(await connect("notion")).toBe(`${CONNECTIONS}?connected=notion`);
    expect(notion.stats.rejected).toEqual([]);
    const connection = await getConnection({ db: getDb().db, userId: userA.id, provider: "notion" });
    expect(connection).toMatchObject({ method: "oauth2", accountName: "Notes HQ", grantedScopes: null });
  });

  it("Gmail: offline access with consent, the address from the userinfo URL", async () => {
    const q = new URL(await start("gmail")).searchParams;
    expect(q.get("access_type")).toBe("offline");
    expect(q.get("prompt")).toBe("consent");
    expect(q.has("include_granted_scopes")).toBe(false);
    expect(await connect("gmail")).toBe(`${CONNECTIONS}?connected=gmail`);
    const connection = await getConnection({ db: getDb().db, userId: userA.id, provider: "gmail" });
    expect(connection).toMatchObject({
      accountName: "me@gmail.test",
      grantedScopes: "https://www.googleapis.com/auth/gmail.modify",
    });
  });

  it("cancelled consent: back to the connections page saying so, state consumed, nothing exchanged", async () => {
    github.settings.consent = "deny";
    const exchanges = github.stats.codeExchanges;
    const location = await start("github");
    const back = await authorizeAt(location, "github");
    expect(back.get("error")).toBe("access_denied");
    expect(await finish("github", back)).toBe(errorUrl("cancelled", "github"));
    expect(github.stats.codeExchanges).toBe(exchanges);
    expect(await getConnection({ db: getDb().db, userId: userA.id, provider: "github" })).toBeNull();
    const state = new URL(location).searchParams.get("state")!;
    expect(
      await getDb()
        .db.select()
        .from(oauthStates)
        .where(eq(oauthStates.stateHash, hashStateValue(state))),
    ).toHaveLength(0);
  });

  it("a replayed callback is refused: the state works once", async () => {
    const back = await authorizeAt(await start("github"), "github");
    expect(await finish("github", back)).toBe(`${CONNECTIONS}?connected=github`);
    const exchanges = github.stats.codeExchanges;
    expect(await finish("github", back)).toBe(errorUrl("invalid_state", "github"));
    expect(github.stats.codeExchanges).toBe(exchanges);
  });

  it("another user cannot finish a flow someone else started (and does not spoil it)", async () => {
    const exchanges = github.stats.codeExchanges;
    const back = await authorizeAt(await start("github", userA), "github");
    expect(await finish("github", back, userB)).toBe(errorUrl("invalid_state", "github"));
    expect(github.stats.codeExchanges).toBe(exchanges);
    expect(await getConnection({ db: getDb().db, userId: userB.id, provider: "github" })).toBeNull();
    // the owner can still finish
    expect(await finish("github", back, userA)).toBe(`${CONNECTIONS}?connected=github`);
  });

  it("a state is bound to its provider", async () => {
    const back = await authorizeAt(await start("github"), "github");
    expect(await finish("gmail", back)).toBe(errorUrl("invalid_state", "gmail"));
  });

  it("a missing or made-up state is refused before anything is exchanged", async () => {
    const exchanges = github.stats.codeExchanges;
    expect(await finish("github", new URLSearchParams({ code: "code_x" }))).toBe(errorUrl("invalid_state", "github"));
    expect(await finish("github", new URLSearchParams({ code: "code_x", state: "A".repeat(43) }))).toBe(
      errorUrl("invalid_state", "github"),
    );
    expect(github.stats.codeExchanges).toBe(exchanges);
  });

  it("an expired state is refused", async () => {
    const location = await start("github");
    const back = await authorizeAt(location, "github");
    const state = new URL(location).searchParams.get("state")!;
    await getDb()
      .db.update(oauthStates)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(oauthStates.stateHash, hashStateValue(state)));
    const exchanges = github.stats.codeExchanges;
    expect(await finish("github", back)).toBe(errorUrl("expired_state", "github"));
    expect(github.stats.codeExchanges).toBe(exchanges);
  });

  it("a wrong PKCE verifier is refused by the provider and reported kindly", async () => {
    // a code issued for the first flow's challenge, brought back with the second flow's state
    const first = await authorizeAt(await start("github"), "github");
    const second = new URLSearchParams(await authorizeAt(await start("github"), "github"));
    second.set("code", first.get("code")!);
    const rejected = github.stats.rejected.length;
    expect(await finish("github", second)).toBe(errorUrl("provider_refused", "github"));
    expect(github.stats.rejected.slice(rejected)).toEqual(["code_verifier does not match"]);
    expect(await getConnection({ db: getDb().db, userId: userA.id, provider: "github" })).toBeNull();
    expect(connectErrorMessage("provider_refused", "GitHub")).toMatch(/^GitHub refused to complete the connection/);
  });

  it("an absent PKCE verifier is refused by the provider", async () => {
    // Slack's entry asks for no PKCE; a challenge slipped into the authorization request
    // makes the server expect a verifier okoro does not have
    const url = new URL(await start("slack"));
    url.searchParams.set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    url.searchParams.set("code_challenge_method", "S256");
    const rejected = slack.stats.rejected.length;
    expect(await finish("slack", await authorizeAt(url.toString(), "slack"))).toBe(
      errorUrl("provider_refused", "slack"),
    );
    expect(slack.stats.rejected.slice(rejected)).toEqual(["code_verifier missing"]);
  });

  it("an unreachable token endpoint is reported as such", async () => {
    const down = testEnv("http://127.0.0.1:9", {
      ...extraEnv,
      OKORO_PROVIDER_GITHUB_TOKEN_URL: "http://127.0.0.1:9/token",
    });
    const back = await authorizeAt(
      await startOAuth({ db: getDb().db, env: down, userId: userA.id, provider: "github" }),
      "github",
    );
    expect(await finishOAuth({ db: getDb().db, env: down, userId: userA.id, provider: "github", query: back })).toBe(
      errorUrl("provider_unreachable", "github"),
    );
  });

  it("wrong app secrets are caught by the servers' client authentication and signature checks", async () => {
    const wrong = testEnv("http://127.0.0.1:9", {
      ...extraEnv,
      OKORO_GITHUB_CLIENT_SECRET: "not-the-secret",
      OKORO_TRELLO_SECRET: "not-the-secret",
    });
    const back = await authorizeAt(
      await startOAuth({ db: getDb().db, env: wrong, userId: userA.id, provider: "github" }),
      "github",
    );
    const githubRejected = github.stats.rejected.length;
    expect(await finishOAuth({ db: getDb().db, env: wrong, userId: userA.id, provider: "github", query: back })).toBe(
      errorUrl("provider_refused", "github"),
    );
    expect(github.stats.rejected.slice(githubRejected)).toEqual(["bad client credentials"]);
    const trelloRejected = trello.stats.rejected.length;
    expect(await startOAuth({ db: getDb().db, env: wrong, userId: userA.id, provider: "trello" })).toBe(
      errorUrl("provider_refused", "trello"),
    );
    expect(trello.stats.rejected.slice(trelloRejected)).toEqual(["request token: bad signature"]);
  });

  it("providers without an app, paste-only providers and unknown ids", async () => {
    const bare = testEnv("http://127.0.0.1:9");
    expect(await startOAuth({ db: getDb().db, env: bare, userId: userA.id, provider: "github" })).toBe(
      errorUrl("not_configured", "github"),
    );
    expect(canConnectWithOAuth("github", bare)).toBe(false);
    expect(canConnectWithOAuth("github", env)).toBe(true);
    expect(canConnectWithOAuth("trello", env)).toBe(true);
    expect(canConnectWithOAuth("openai", env)).toBe(false);
    expect(await start("openai")).toBe(errorUrl("not_oauth", "openai"));
    await expect(start("__proto__")).rejects.toMatchObject({ code: "unknown_provider", status: 404 });
    await expect(start("nope")).rejects.toBeInstanceOf(OkoroError);
  });

  it("Trello: OAuth 1.0a three-legged, every step's signature verified", async () => {
    const db = getDb().db;
    const before = { ...trello.stats };
    const location = await start("trello");
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(trello.authorizeUrl);
    expect(url.searchParams.get("name")).toBe("okoro");
    expect(url.searchParams.get("scope")).toBe("read,write");
    expect(url.searchParams.get("expiration")).toBe("never");
    const requestToken = url.searchParams.get("oauth_token")!;
    // keyed by the request token's hash, bound to the user, its secret sealed
    const [row] = await db
      .select()
      .from(oauthStates)
      .where(eq(oauthStates.stateHash, hashStateValue(requestToken)));
    expect(row).toMatchObject({ userId: userA.id, provider: "trello" });
    expect(row.secret).toMatchObject({ v: 1 });

    const back = await authorizeAt(location, "trello");
    expect(back.get("oauth_verifier")).toBeTruthy();
    expect(await finish("trello", back)).toBe(`${CONNECTIONS}?connected=trello`);

    expect(trello.stats.rejected).toEqual(before.rejected);
    // request token, access token, members/me
    expect(trello.stats.verifiedSignatures - before.verifiedSignatures).toBe(3);
    const connection = await getConnection({ db, userId: userA.id, provider: "trello" });
    expect(connection).toMatchObject({ method: "oauth1", status: "active", accountName: "trello-user" });
    const credential = (await getConnectionCredential({
      db,
      userId: userA.id,
      provider: "trello",
      masterKeys: env.masterKeys,
    })) as OAuth1Credential;
    expect(credential.token).toMatch(/^ac_/);
    expect(credential.token_secret).toBe(trello.accessTokenSecret(credential.token));
  });

  it("Trello: refused consent, and another user's callback", async () => {
    trello.settings.consent = "deny";
    expect(await connect("trello")).toBe(errorUrl("cancelled", "trello"));
    trello.settings.consent = "approve";
    const calls = trello.stats.accessTokenCalls;
    const back = await authorizeAt(await start("trello", userA), "trello");
    expect(await finish("trello", back, userB)).toBe(errorUrl("invalid_state", "trello"));
    expect(trello.stats.accessTokenCalls).toBe(calls);
    expect(await finish("trello", back, userA)).toBe(`${CONNECTIONS}?connected=trello`);
    expect(await finish("trello", back, userA)).toBe(errorUrl("invalid_state", "trello"));
  });

  it("one user keeps at most a few pending flows; expired ones are swept", async () => {
    const db = getDb().db;
    await db
      .update(oauthStates)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(oauthStates.userId, userB.id));
    for (let i = 0; i < MAX_PENDING_PER_USER + 3; i++) await start("github", userB);
    expect(await db.select().from(oauthStates).where(eq(oauthStates.userId, userB.id))).toHaveLength(
      MAX_PENDING_PER_USER,
    );
    const expired = await db.select().from(oauthStates).where(sql`${oauthStates.expiresAt} < now()`);
    expect(expired).toHaveLength(0);
  });

  it("nothing secret was logged: no state, code, verifier, token or client secret", () => {
    expect(logged.length).toBeGreaterThan(0);
    const text = logged.join("\n");
    // the local servers' formats: code_…, at_…, rt_…, rq_…, rqs_…, ac_…, acs_…, v_… (24 base64url characters)
    expect(text).not.toMatch(/\b(code|at|rt|rq|rqs|ac|acs|v)_[A-Za-z0-9_-]{24}/);
    // states and PKCE verifiers: 43 base64url characters
    expect(text).not.toMatch(/[A-Za-z0-9_-]{43}/);
    for (const id of ["github", "slack", "notion", "gmail"]) expect(text).not.toContain(app(id).clientSecret);
    expect(text).not.toContain(TRELLO_CONSUMER.secret);
  });
});
