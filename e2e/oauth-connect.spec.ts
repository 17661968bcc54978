// Connecting GitHub with its OAuth 2 sign-in, in the browser, against the local stand-in
// of e2e/oauth-provider.ts (its authorization server, consent page and API). The person
// clicks Connect and leaves okoro for the provider's consent page: Deny brings them back
// to a "cancelled" message with nothing connected; Allow, on a second try, to a connected
// card named after the account. An agent's service token then reaches GitHub's API
// through the proxy, which injects the access token the provider issued — and the agent
// never sees it. Screenshots: e2e/.artifacts/<project>-oauth-*.png.
//
// One account for the whole story: sign-ups are limited to 10 an hour per address
// (lib/auth/ip-limits.ts) and the suite already makes most of them from 127.0.0.1.
import path from "node:path";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";
import { OAUTH_PROVIDER, type Received } from "./oauth-provider";

async function received(request: APIRequestContext): Promise<Received> {
  const res = await request.get(`${OAUTH_PROVIDER.url}/__received`);
  expect(res.status()).toBe(200);
  return (await res.json()) as Received;
}

/** From the connections page to the provider's consent page, checking what okoro asked for. */
async function openConsent(page: Page, baseURL: string) {
  await page.goto("/dashboard/connections");
  const github = page.getByTestId("connection-github");
  await expect(github.getByText("Not connected")).toBeVisible();
  // configured: a sign-in is offered, no note about missing variables
  await expect(github).not.toContainText("OKORO_GITHUB_CLIENT_ID");
  await github.getByRole("button", { name: "Connect GitHub" }).click();

  await expect(page).toHaveURL((url) => url.origin === OAUTH_PROVIDER.url && url.pathname === "/authorize");
  const asked = new URL(page.url()).searchParams;
  expect(asked.get("client_id")).toBe(OAUTH_PROVIDER.clientId);
  expect(asked.get("redirect_uri")).toBe(`${baseURL}/api/connect/github/callback`);
  expect(asked.get("code_challenge_method")).toBe("S256");
  expect(asked.get("state")).toBeTruthy();
  await expect(page.getByRole("heading", { name: `Authorize ${OAUTH_PROVIDER.clientId}` })).toBeVisible();
}

async function cardShot(page: Page, testInfo: TestInfo, name: string) {
  await page
    .getByTestId("connection-github")
    .screenshot({ path: path.join(import.meta.dirname, ".artifacts", `${testInfo.project.name}-${name}.png`) });
}

test("connect GitHub with its sign-in (Deny, then Allow), then an agent reads /user through the proxy", async ({
  page,
  request,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, { email: uniqueEmail("oauth-connect"), name: "Margaret Hamilton" });
  const before = await received(request);
  const github = page.getByTestId("connection-github");

  // ---- Deny: back on okoro, told it was cancelled, nothing connected ---------------------
  await openConsent(page, baseURL!);
  await shot(page, testInfo, "oauth-consent");
  await page.getByRole("button", { name: "Deny" }).click();

  await expect(page).toHaveURL(/\/dashboard\/connections\?error=cancelled&provider=github$/);
  await expect(page.getByRole("alert").filter({ hasText: "Could not connect GitHub" })).toContainText(
    "You cancelled connecting GitHub.",
  );
  await expect(github.getByText("Not connected")).toBeVisible();
  await expect(github.getByRole("button", { name: "Connect GitHub" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nothing connected yet" })).toBeVisible();
  await shot(page, testInfo, "oauth-denied");
  // no code was issued, so none was exchanged
  expect((await received(request)).oauth.codeExchanges).toBe(before.oauth.codeExchanges);

  // ---- Allow: connected under the name GitHub's userinfo answered ------------------------
  await openConsent(page, baseURL!);
  await page.getByRole("button", { name: "Allow" }).click();

  await expect(page).toHaveURL(/\/dashboard\/connections\?connected=github$/);
  await expect(page.getByRole("status").filter({ hasText: "GitHub is connected" })).toContainText(
    `Signed in as ${OAUTH_PROVIDER.login}.`,
  );
  await expect(github.getByText("Connected", { exact: true })).toBeVisible();
  await expect(github.getByText(OAUTH_PROVIDER.login, { exact: true })).toBeVisible();
  await expect(github.getByRole("button", { name: "Reconnect GitHub" })).toBeVisible();
  await shot(page, testInfo, "oauth-connected");
  await cardShot(page, testInfo, "oauth-connected-card");

  // one code exchanged, nothing refused by the strict server (client auth, PKCE, redirect_uri)
  const afterConnect = await received(request);
  expect(afterConnect.oauth.codeExchanges).toBe(before.oauth.codeExchanges + 1);
  expect(afterConnect.oauth.userinfoCalls).toBe(before.oauth.userinfoCalls + 1);
  expect(afterConnect.oauth.rejected).toEqual(before.oauth.rejected);

  // ---- an agent: a service token that may read GitHub, made in the UI --------------------
  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("profile-agent");
  await page.getByLabel("read on GitHub").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("token-created").getByTestId("new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^svc_[0-9A-Za-z]{38}$/);

  // the agent: exchange, then call GitHub's API through okoro
  const exchanged = await request.post("/api/token", {
    headers: { Authorization: `Bearer ${token}` },
    data: { provider: "github", scope: "read", intent: "read my GitHub profile" },
  });
  expect(exchanged.status()).toBe(200);
  const op = ((await exchanged.json()) as { access_token: string }).access_token;
  const proxied = await request.get("/p/github/user", {
    headers: { Authorization: `Bearer ${op}`, "User-Agent": "profile-agent/1.0" },
  });
  expect(proxied.status()).toBe(200);
  expect(await proxied.json()).toMatchObject({ login: OAUTH_PROVIDER.login });

  // what arrived upstream: the provider's own access token in place of the agent's, beside
  // the agent's allowlisted headers
  const calls = (await received(request)).api.slice(before.api.length);
  expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["GET /user"]);
  const [call] = calls;
  expect(call.issuedHere, "the injected bearer is an access token the provider issued").toBe(true);
  expect(call.authorization).toMatch(/^Bearer at_[A-Za-z0-9_-]{24}$/);
  expect(call.userAgent).toBe("profile-agent/1.0");
  const accessToken = call.authorization!.slice("Bearer ".length);
  expect(accessToken === op, "the operation token is not what goes upstream").toBe(false);

  // …and it never comes back to the agent or onto a page (booleans: no token in a failure message)
  const agentSaw = [await proxied.text(), JSON.stringify(proxied.headersArray()), await exchanged.text()].join("\n");
  expect(agentSaw.includes(accessToken), "the agent's responses hold the provider's access token").toBe(false);
  await page.goto("/dashboard/connections");
  await expect(github.getByText("Connected", { exact: true })).toBeVisible();
  // the card's hint is the last characters of the very token the provider issued
  await expect(github.getByText(`…${accessToken.slice(-4)}`, { exact: true })).toBeVisible();
  expect((await page.content()).includes(accessToken), "the connections page holds the access token").toBe(false);
});
