// The connect routes as the browser meets them: who may start, where each answer
// redirects, and that the callback ends on okoro's own connections page. The session is
// stubbed (next-auth needs a request scope); the database and the flow are real.
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { GET as callbackRoute } from "@/app/api/connect/[provider]/callback/route";
import { GET as startGetRoute, POST as startRoute } from "@/app/api/connect/[provider]/route";
import { oauthStates, type User } from "@/db/schema";
import { describeDatabases } from "@/test/databases";
import { createHarness, OKORO_URL } from "@/test/harness";
import { startOAuth2Server, type OAuth2Server } from "@/test/oauth-servers";

const session = vi.hoisted(() => ({ user: null as User | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));
vi.mock("@/lib/serve/database", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getDb: async () => session.db,
}));

let github: OAuth2Server;

beforeAll(async () => {
  github = await startOAuth2Server({
    clientId: "cid",
    clientSecret: "csecret",
    clientAuth: "body",
    redirectUri: `${OKORO_URL}/api/connect/github/callback`,
    requirePkce: true,
  });
});
afterAll(async () => {
  await github?.close();
});

const params = (provider: string) => ({ params: Promise.resolve({ provider }) });
/** The Connect button's form post, from okoro's own page unless `origin` says otherwise. */
const start = (provider: string, headers: Record<string, string> = { origin: OKORO_URL }) =>
  startRoute(new Request(`${OKORO_URL}/api/connect/${provider}`, { method: "POST", headers }), params(provider));
const callback = (provider: string, query: URLSearchParams | string) =>
  callbackRoute(new Request(`${OKORO_URL}/api/connect/${provider}/callback?${query}`), params(provider));

describeDatabases("connect routes", (getDb) => {
  let user: User;
  const pendingStates = async (userId: string) =>
    (await getDb().db.select().from(oauthStates).where(eq(oauthStates.userId, userId))).length;
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

  it("signed out: start sends to sign-in and back to the connections page; the callback sends to sign-in without the code", async () => {
    session.user = null;
    const res = await start("github");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${OKORO_URL}/sign-in?next=%2Fdashboard%2Fconnections`);
    const back = await callback("github", "code=secret-code&state=s");
    expect(back.headers.get("location")).toBe(`${OKORO_URL}/sign-in?next=%2Fdashboard%2Fconnections`);
  });

  it("a GET never starts a flow: 405, pointing to the Connect button", async () => {
    const before = await pendingStates(user.id);
    const res = await startGetRoute();
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(res.headers.get("location")).toBeNull();
    expect(await res.json()).toMatchObject({ error: "method_not_allowed" });
    expect(await pendingStates(user.id)).toBe(before);
  });

  it("a post from another origin, or with no origin at all, is refused and starts nothing", async () => {
    const before = await pendingStates(user.id);
    const attempts: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { referer: "https://evil.example/page" },
      {},
    ];
    for (const headers of attempts) {
      const res = await start("github", headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ error: "forbidden" });
    }
    expect(await pendingStates(user.id)).toBe(before);
    // the Referer is enough for the rare browser that sends no Origin
    expect((await start("github", { referer: `${OKORO_URL}/dashboard/connections` })).status).toBe(303);
  });

  it("signed in: to the provider and back to the connections page, uncached", async () => {
    const res = await start("github");
    expect(res.status).toBe(303);
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
    const res = await callback(
      "github",
      new URLSearchParams({ error: "access_denied", state: "x", redirect_uri: "https://evil.example/" }),
    );
    expect(res.headers.get("location")).toBe(`${OKORO_URL}/dashboard/connections?error=cancelled&provider=github`);
    const odd = await callback("github", new URLSearchParams({ error: "<script>\nalert(1)", next: "//evil.example" }));
    expect(odd.headers.get("location")).toBe(
      `${OKORO_URL}/dashboard/connections?error=provider_refused&provider=github`,
    );
  });
});
