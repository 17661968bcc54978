// The connect routes as the browser meets them: who may start, where each answer
// redirects, and that the callback ends on okoro's own connections page. The session is
// stubbed (next-auth needs a request scope); the database and the flow are real.
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { GET as callbackRoute } from "@/app/api/connect/[provider]/callback/route";
import { GET as startRoute } from "@/app/api/connect/[provider]/route";
import type { User } from "@/db/schema";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL } from "@/test/harness";
import { startOAuth2Server, type OAuth2Server } from "@/test/oauth-servers";

const session = vi.hoisted(() => ({ user: null as User | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));
vi.mock("@/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: async () => session.db }));

let github: OAuth2Server;

beforeAll(async () => {
  github = await startOAuth2Server({ clientId: "cid", clientSecret: "csecret", clientAuth: "body", redirectUri: `${OKORO_URL}/api/connect/github/callback`, requirePkce: true });
});
afterAll(async () => {
  await github?.close();
});

const params = (provider: string) => ({ params: Promise.resolve({ provider }) });
const start = (provider: string) => startRoute(new Request(`${OKORO_URL}/api/connect/${provider}`), params(provider));
const callback = (provider: string, query: URLSearchParams | string) => callbackRoute(new Request(`${OKORO_URL}/api/connect/${provider}/callback?${query}`), params(provider));

describeDatabases("connect routes", (getDb) => {
  let user: User;
  beforeAll(async () => {
    const h = await createHarness(getDb().db, "http://127.0.0.1:9", {
      OKORO_GITHUB_CLIENT_ID: "cid",
      OKORO_GITHUB_CLIENT_SECRET: "csecret",
      OKORO_PROVIDER_GITHUB_AUTHORIZE_URL: github.authorizeUrl,
      OKORO_PROVIDER_GITHUB_TOKEN_URL: github.tokenUrl,
      OKORO_PROVIDER_GITHUB_USERINFO_URL: github.userinfoUrl,
    });
    user = h.user;
    session.db = getDb().db;
  });
  beforeEach(() => {
    session.user = user;
  });

  it("an unknown provider is 404", async () => {
    session.user = null;
    const res = await start("nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "unknown_provider" });
    expect((await callback("constructor", "code=x")).status).toBe(404);
  });

  it("signed out: start sends to sign-in and back; the callback sends to sign-in without the code", async () => {
    session.user = null;
    const res = await start("github");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${OKORO_URL}/sign-in?next=%2Fapi%2Fconnect%2Fgithub`);
    const back = await callback("github", "code=secret-code&state=s");
    expect(back.headers.get("location")).toBe(`${OKORO_URL}/sign-in?next=%2Fdashboard%2Fconnections`);
  });

  it("signed in: to the provider and back to the connections page, uncached", async () => {
    const res = await start("github");
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${github.authorizeUrl}?`)).toBe(true);
    const consent = await fetch(location, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    const done = await callback("github", back.searchParams);
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`${OKORO_URL}/dashboard/connections?connected=github`);
  });

  it("a callback with an error lands on the connections page with a code, never elsewhere", async () => {
    const res = await callback("github", new URLSearchParams({ error: "access_denied", state: "x", redirect_uri: "https://evil.example/" }));
    expect(res.headers.get("location")).toBe(`${OKORO_URL}/dashboard/connections?error=cancelled&provider=github`);
    const odd = await callback("github", new URLSearchParams({ error: "<script>\nalert(1)", next: "//evil.example" }));
    expect(odd.headers.get("location")).toBe(`${OKORO_URL}/dashboard/connections?error=provider_refused&provider=github`);
  });
});
