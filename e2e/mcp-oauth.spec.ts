// Connecting a hosted MCP client to okoro with OAuth, the whole story, against `npm start`:
// the official MCP SDK client (its client-side auth, unmodified) plays Claude.ai, with a
// loopback page of its own as the redirect URI. An unauthenticated /mcp call gets 401
// pointing at the metadata; the client discovers okoro and registers; the person signs in
// and ticks GitHub read on the consent page (the token form's grid); the client gets
// tokens, lists GitHub read tools only and makes a call; Revoke on the dashboard ends it.
// Screenshots: e2e/.artifacts/<project>-mcp-oauth-*.png.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { expect, test } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

class ClaudeAi implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  authorizationUrl?: URL;
  constructor(readonly redirect: string) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Claude",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

test("a hosted MCP client connects with OAuth, is limited to GitHub read, and Revoke cuts it off", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(150_000);
  const callback = http.createServer((_req, res) =>
    res.end("<!doctype html><title>Claude</title><h1>Connected. You can close this window.</h1>"),
  );
  await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
  const redirect = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/api/mcp/auth_callback`;
  const mcpUrl = new URL("/mcp", baseURL);
  try {
    // the person, with GitHub connected through its sign-in (the local stand-in)
    await signUp(page, { email: uniqueEmail("mcp-oauth"), name: "Grace Hopper" });
    await page.goto("/dashboard/connections");
    await page
      .getByTestId("connection-github")
      .getByRole("button", { name: /Connect GitHub|Reconnect GitHub/ })
      .click();
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page).toHaveURL(/\/dashboard\/connections\?connected=github$/);

    // 1. unauthenticated: 401 pointing at the protected-resource metadata
    const bare = await fetch(mcpUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toContain(
      `resource_metadata="${baseURL}/.well-known/oauth-protected-resource/mcp"`,
    );

    // 2. the SDK discovers okoro and registers, then sends the person to okoro
    const claude = new ClaudeAi(redirect);
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: claude });
    await expect(new Client({ name: "claude-ai", version: "1" }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(claude.info?.client_id).toBeTruthy();

    // 3. the consent page: the client's name and redirect host, the token form's grid
    const consentPage = await page.goto(claude.authorizationUrl!.toString());
    // never inside someone else's frame (clickjacking the Approve button)
    expect(consentPage?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await expect(page.getByRole("heading", { name: "Connect Claude to okoro" })).toBeVisible();
    await expect(
      page.getByText(`127.0.0.1:${(callback.address() as AddressInfo).port}`, { exact: true }),
    ).toBeVisible();
    await expect(page.getByLabel("Agent name")).toBeHidden();
    await page.getByLabel("read on GitHub").check();
    await shot(page, testInfo, "mcp-oauth-consent");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, testInfo, "mcp-oauth-consent-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.href.startsWith(redirect));
    const back = new URL(page.url());
    expect(back.searchParams.get("iss")).toBe(baseURL);

    // 4. tokens; the tool listing shows GitHub read tools only
    await first.finishAuth(back.searchParams.get("code")!);
    const client = new Client({ name: "claude-ai", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: claude }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("github_list_repos");
    expect(names).not.toContain("github_create_issue");
    expect(names.filter((n) => !n.startsWith("github_") && n !== "okoro_explain")).toEqual([]);

    // 5. a call works
    const result = await client.callTool({
      name: "github_request",
      arguments: { method: "GET", path: "/user", intent: "check who I am" },
    });
    expect(result.isError).toBeFalsy();
    await client.close();

    // 6. on the dashboard it is an OAuth client; Revoke, and the next call gets 401
    await page.goto("/dashboard/tokens");
    await expect(page.getByText("OAuth client").first()).toBeVisible();
    await shot(page, testInfo, "mcp-oauth-tokens");
    await page.getByRole("button", { name: "Revoke the token of Claude" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    const after = await fetch(mcpUrl, {
      method: "POST",
      headers: {
        authorization: `Bearer ${claude.saved!.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });
    expect(after.status).toBe(401);

    // the audit log has the story
    await page.goto("/dashboard/audit");
    await expect(page.getByText("oauth.authorized").first()).toBeVisible();
    await shot(page, testInfo, "mcp-oauth-audit");
  } finally {
    callback.closeAllConnections();
    await new Promise<void>((resolve) => callback.close(() => resolve()));
  }
});
