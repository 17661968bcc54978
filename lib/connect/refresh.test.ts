// Transparent refresh through the real proxy: a Gmail connection made with the OAuth flow
// against a local authorization server whose access tokens expire, agents' requests
// through createHarness(...).call, and a local upstream that records which token arrived.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getConnection } from "@/db/queries/connections";
import { getConnectionCredential } from "@/lib/connect/connections";
import { auditEvents } from "@/db/schema";
import { finishOAuth, startOAuth } from "@/lib/connect/flow";
import { createCredentialRefresher, needsRefresh } from "@/lib/connect/refresh";
import { createProxy } from "@/lib/serve/deps";
import type { OAuth2Credential } from "@/lib/providers/types";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL, type Harness } from "@/test/harness";
import { startOAuth2Server, type OAuth2Server } from "@/test/oauth-servers";
import { startUpstream, type Upstream } from "@/test/upstream";

const CLIENT = { clientId: "client-gmail", clientSecret: "secret-gmail" };
const MESSAGES = "gmail/gmail/v1/users/me/messages";

let google: OAuth2Server;
let upstream: Upstream;
let extraEnv: Record<string, string>;

beforeAll(async () => {
  google = await startOAuth2Server({
    ...CLIENT,
    clientAuth: "body",
    redirectUri: `${OKORO_URL}/api/connect/gmail/callback`,
    requirePkce: true,
    userinfo: { emailAddress: "me@gmail.test" },
  });
  upstream = await startUpstream();
  extraEnv = {
    OKORO_GMAIL_CLIENT_ID: CLIENT.clientId,
    OKORO_GMAIL_CLIENT_SECRET: CLIENT.clientSecret,
    OKORO_PROVIDER_GMAIL_AUTHORIZE_URL: google.authorizeUrl,
    OKORO_PROVIDER_GMAIL_TOKEN_URL: google.tokenUrl,
    OKORO_PROVIDER_GMAIL_USERINFO_URL: google.userinfoUrl,
  };
});

afterAll(async () => {
  await google?.close();
  await upstream?.close();
});

describe("needsRefresh", () => {
  const now = 1_800_000_000_000;
  const at = (seconds: number) => Math.floor(now / 1000) + seconds;
  it("refreshes within 60 s of expiry, and only with a refresh token", () => {
    expect(needsRefresh({ access_token: "a", refresh_token: "r", expires_at: at(59) }, now)).toBe(true);
    expect(needsRefresh({ access_token: "a", refresh_token: "r", expires_at: at(-3600) }, now)).toBe(true);
    expect(needsRefresh({ access_token: "a", refresh_token: "r", expires_at: at(61) }, now)).toBe(false);
    expect(needsRefresh({ access_token: "a", expires_at: at(10) }, now)).toBe(false);
    expect(needsRefresh({ access_token: "a", refresh_token: "r" }, now)).toBe(false);
    expect(needsRefresh({ api_key: "k" }, now)).toBe(false);
  });
});

describeDatabases("OAuth 2 refresh through the proxy", (getDb) => {
  let h: Harness;
  let svc: string;

  beforeAll(async () => {
    h = await createHarness(getDb().db, upstream.url, extraEnv, {
      resolveCredential: (deps) => createCredentialRefresher(deps),
    });
    svc = (await h.createToken({ grants: { gmail: ["read"] } })).token;
  });

  beforeEach(() => {
    upstream.reset();
    Object.assign(google.settings, {
      consent: "approve",
      accessTokenTtl: 3600,
      failRefresh: false,
      refreshOutage: false,
      rotateRefreshTokens: false,
      refreshDelayMs: 0,
    });
  });

  /** Connects Gmail through the real flow; the provider's first access token lives `ttl` seconds. */
  async function connectGmail(ttl: number): Promise<OAuth2Credential> {
    google.settings.accessTokenTtl = ttl;
    const db = getDb().db;
    const start = await startOAuth({ db, env: h.env, userId: h.user.id, provider: "gmail" });
    const res = await fetch(start, { redirect: "manual" });
    const query = new URL(res.headers.get("location")!).searchParams;
    expect(await finishOAuth({ db, env: h.env, userId: h.user.id, provider: "gmail", query })).toBe(
      `${OKORO_URL}/dashboard/connections?connected=gmail`,
    );
    google.settings.accessTokenTtl = 3600;
    return (await getConnectionCredential({
      db,
      userId: h.user.id,
      provider: "gmail",
      masterKeys: h.env.masterKeys,
    })) as OAuth2Credential;
  }

  const storedCredential = async () =>
    (await getConnectionCredential({
      db: getDb().db,
      userId: h.user.id,
      provider: "gmail",
      masterKeys: h.env.masterKeys,
    })) as OAuth2Credential;
  const readToken = () => h.operationToken(svc, { provider: "gmail", scope: "read", intent: "list the inbox" });
  const auditOf = (event: "connection.refreshed" | "proxy.denied") =>
    getDb()
      .db.select()
      .from(auditEvents)
      .where(and(eq(auditEvents.userId, h.user.id), eq(auditEvents.event, event), eq(auditEvents.provider, "gmail")));

  it("uses a token with time left as it is, without calling the provider", async () => {
    const credential = await connectGmail(3600);
    const refreshes = google.stats.refreshCalls;
    const res = await h.call(await readToken(), "GET", MESSAGES);
    expect(res.status).toBe(200);
    expect(upstream.received[0].headers.authorization).toBe(`Bearer ${credential.access_token}`);
    expect(google.stats.refreshCalls).toBe(refreshes);
  });

  it("20 concurrent requests on an expiring token: exactly one refresh, all 20 go out with the new token", async () => {
    const old = await connectGmail(30);
    expect(needsRefresh(old)).toBe(true);
    const refreshes = google.stats.refreshCalls;
    const refreshedBefore = (await auditOf("connection.refreshed")).length;
    google.settings.refreshDelayMs = 200;
    const token = await readToken();

    const responses = await Promise.all(Array.from({ length: 20 }, () => h.call(token, "GET", MESSAGES)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(google.stats.refreshCalls - refreshes).toBe(1);

    const fresh = await storedCredential();
    expect(fresh.access_token).not.toBe(old.access_token);
    expect(google.isValidAccessToken(fresh.access_token)).toBe(true);
    // the provider sent no new refresh token: the old one is kept
    expect(fresh.refresh_token).toBe(old.refresh_token);
    expect(fresh.expires_at).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(upstream.received).toHaveLength(20);
    expect(new Set(upstream.received.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${fresh.access_token}`]),
    );

    const connection = await getConnection({ db: getDb().db, userId: h.user.id, provider: "gmail" });
    expect(connection!.refreshedAt).not.toBeNull();
    expect(connection!.accessExpiresAt!.getTime()).toBe(fresh.expires_at! * 1000);
    const refreshed = await auditOf("connection.refreshed");
    expect(refreshed.length - refreshedBefore).toBe(1);
    expect(refreshed.at(-1)).toMatchObject({ outcome: "allowed" });
  });

  it("20 app instances (each its own refresher and database connection) still refresh once", async () => {
    await connectGmail(30);
    const refreshes = google.stats.refreshCalls;
    google.settings.refreshDelayMs = 200;
    const token = await readToken();
    const instances = Array.from({ length: 20 }, () =>
      createProxy({
        db: getDb().db,
        env: h.env,
        resolveCredential: createCredentialRefresher({ db: getDb().db, env: h.env }),
      }),
    );
    const responses = await Promise.all(
      instances.map((proxy) =>
        proxy(new Request(`${OKORO_URL}/p/${MESSAGES}`, { headers: { authorization: `Bearer ${token}` } }), {
          ip: "127.0.0.1",
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(google.stats.refreshCalls - refreshes).toBe(1);
    const fresh = await storedCredential();
    expect(new Set(upstream.received.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${fresh.access_token}`]),
    );
  });

  it("stores a rotated refresh token", async () => {
    const old = await connectGmail(30);
    google.settings.rotateRefreshTokens = true;
    expect((await h.call(await readToken(), "GET", MESSAGES)).status).toBe(200);
    const fresh = await storedCredential();
    expect(fresh.refresh_token).not.toBe(old.refresh_token);
    expect(google.isValidRefreshToken(fresh.refresh_token!)).toBe(true);
    expect(google.isValidRefreshToken(old.refresh_token!)).toBe(false);
  });

  it("a refused refresh marks the connection expired: 409 not_connected, nothing forwarded, audited", async () => {
    await connectGmail(30);
    google.settings.failRefresh = true;
    const refreshes = google.stats.refreshCalls;
    const token = await readToken();

    const res = await h.call(token, "GET", MESSAGES);
    expect(res.status).toBe(409);
    expect(res.headers.get("okoro-error")).toBe("not_connected");
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe("not_connected");
    expect(body.error_description).toMatch(/reconnect it in the dashboard/);
    expect(upstream.received).toHaveLength(0);
    expect(google.stats.refreshCalls - refreshes).toBe(1);

    const connection = await getConnection({ db: getDb().db, userId: h.user.id, provider: "gmail" });
    expect(connection!.status).toBe("expired");
    expect(connection!.statusDetail).toMatch(
      /^Gmail refused to renew okoro's access \(invalid_grant: Token has been expired or revoked\.\) on .+ UTC\. Reconnect Gmail to continue\.$/,
    );
    const refreshed = await auditOf("connection.refreshed");
    expect(refreshed.at(-1)).toMatchObject({ outcome: "error", error: "invalid_grant" });
    const denied = await auditOf("proxy.denied");
    expect(denied.at(-1)).toMatchObject({ error: "not_connected", status: 409 });

    // later requests are refused without asking the provider again
    const again = await h.call(token, "GET", MESSAGES);
    expect(again.status).toBe(409);
    expect(google.stats.refreshCalls - refreshes).toBe(1);
    expect(upstream.received).toHaveLength(0);

    // reconnecting makes it active again
    await connectGmail(3600);
    expect((await h.call(await readToken(), "GET", MESSAGES)).status).toBe(200);
  });

  it("a provider outage (503) leaves the connection as it is: 502 upstream_unreachable", async () => {
    const old = await connectGmail(30);
    google.settings.refreshOutage = true;
    const res = await h.call(await readToken(), "GET", MESSAGES);
    expect(res.status).toBe(502);
    expect(res.headers.get("okoro-error")).toBe("upstream_unreachable");
    expect(upstream.received).toHaveLength(0);
    const connection = await getConnection({ db: getDb().db, userId: h.user.id, provider: "gmail" });
    expect(connection).toMatchObject({ status: "active", statusDetail: null });
    expect((await storedCredential()).access_token).toBe(old.access_token);
  });

  it("an unreachable token endpoint: 502 upstream_unreachable, connection untouched", async () => {
    const other = await createHarness(
      getDb().db,
      upstream.url,
      { ...extraEnv, OKORO_PROVIDER_GMAIL_TOKEN_URL: "http://127.0.0.1:9/token" },
      { resolveCredential: (deps) => createCredentialRefresher(deps) },
    );
    await other.connect("gmail", {
      access_token: "stale-access-token-0001",
      refresh_token: "some-refresh-token-0001",
      expires_at: Math.floor(Date.now() / 1000) + 10,
    });
    const otherSvc = (await other.createToken({ grants: { gmail: ["read"] } })).token;
    const res = await other.call(
      await other.operationToken(otherSvc, { provider: "gmail", scope: "read", intent: "list the inbox" }),
      "GET",
      MESSAGES,
    );
    expect(res.status).toBe(502);
    expect(res.headers.get("okoro-error")).toBe("upstream_unreachable");
    expect(upstream.received).toHaveLength(0);
    expect(await getConnection({ db: getDb().db, userId: other.user.id, provider: "gmail" })).toMatchObject({
      status: "active",
    });
  });

  it("an expiring token without a refresh token is passed on for the provider to judge", async () => {
    await h.connect("gmail", { access_token: "no-refresh-access-0001", expires_at: Math.floor(Date.now() / 1000) + 5 });
    const refreshes = google.stats.refreshCalls;
    expect((await h.call(await readToken(), "GET", MESSAGES)).status).toBe(200);
    expect(upstream.received[0].headers.authorization).toBe("Bearer no-refresh-access-0001");
    expect(google.stats.refreshCalls).toBe(refreshes);
  });
});
