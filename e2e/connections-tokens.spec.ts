// Connections and service tokens end to end: a new user pastes an OpenAI key, creates a
// service token with the scope grid (including scope `all`, cancelled once and then
// confirmed), sees the token once with its copy button and agent snippet, exchanges it at
// POST /api/token, revokes it and sees the exchange refused; then disconnects OpenAI.
// Along the way: the secret key and the plaintext token never reach a page render, URL
// or cookie after their moment, and both pages are screenshotted on a desktop and a
// phone (e2e/.artifacts/conn-tokens-*.png).
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./helpers";

const OPENAI_KEY = "sk-e2e-0123456789abcdefghijWXyz";

async function snap(page: Page, name: string, size?: { width: number; height: number }) {
  const before = page.viewportSize();
  if (size) await page.setViewportSize(size);
  // let the layout settle at the new size before the full-page capture
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({
    path: path.join(import.meta.dirname, ".artifacts", `conn-tokens-${name}.png`),
    fullPage: true,
  });
  if (size && before) await page.setViewportSize(before);
}

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page is wider than the screen").toBeLessThanOrEqual(0);
}

test("paste a key, create a service token, exchange it, revoke it, disconnect", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  test.setTimeout(180_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await page.setViewportSize(DESKTOP);
  await signUp(page, { email: uniqueEmail("conn-tokens"), name: "Ada Lovelace" });

  // ---- connections: empty state, then paste an OpenAI key -----------------------------
  await page.goto("/dashboard/connections");
  await expect(page.getByRole("heading", { level: 1, name: "Connections" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nothing connected yet" })).toBeVisible();
  const openai = page.getByTestId("connection-openai");
  await expect(openai.getByText("Not connected")).toBeVisible();
  // a provider whose OAuth app is not configured names the variables to set (GitHub's is
  // configured for e2e/oauth-connect.spec.ts; Slack's is not)
  await expect(page.getByTestId("connection-slack")).toContainText("OKORO_SLACK_CLIENT_ID");
  await snap(page, "connections-empty-desktop");

  await openai.getByRole("button", { name: "Paste API key" }).click();
  const keyField = openai.getByLabel("API key");
  await expect(keyField).toBeFocused();
  await expect(keyField).toHaveAttribute("type", "password");

  // validated on the server against OpenAI's credential schema; the secret is not echoed back
  await keyField.fill("sk-with a space");
  await openai.getByRole("button", { name: "Save and connect" }).click();
  await expect(openai.getByText("API key must be printable ASCII without spaces or line breaks.")).toBeVisible();
  await expect(keyField).toHaveValue("");
  await expect(keyField).toBeFocused();
  await expect(keyField).toHaveAttribute("aria-invalid", "true");

  await keyField.fill(OPENAI_KEY);
  await openai.getByRole("button", { name: "Save and connect" }).click();
  await expect(page).toHaveURL(/\/dashboard\/connections\?connected=openai$/);
  await expect(page.getByRole("status").filter({ hasText: "OpenAI is connected" })).toBeVisible();
  await expect(openai.getByText("Connected", { exact: true })).toBeVisible();
  await expect(openai.getByText("…WXyz")).toBeVisible();
  await expect(openai.getByRole("button", { name: /Replace key/ })).toBeVisible();
  expect(await page.content(), "the pasted key is never rendered").not.toContain(OPENAI_KEY);
  await expectNoHorizontalScroll(page);
  await snap(page, "connections-desktop");
  await snap(page, "connections-phone", PHONE);

  // ---- tokens: empty state, then the create form --------------------------------------
  await page.goto("/dashboard/tokens");
  await expect(page.getByRole("heading", { name: "No service tokens yet" })).toBeVisible();
  await page.getByRole("button", { name: "Create a service token" }).click();
  await expect(page.getByLabel("Agent name")).toBeFocused();

  // nothing ticked: the server says what is missing, per field
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Name the agent this token is for, e.g. research-agent.")).toBeVisible();
  await expect(page.getByText("Tick at least one scope, for at least one provider.")).toBeVisible();
  await expect(page.getByLabel("Agent name")).toBeFocused();

  await page.getByLabel("Agent name").fill("research-agent");
  // the connected provider is a row from the start; ticked with the keyboard
  await page.getByLabel("read on OpenAI").focus();
  await page.keyboard.press("Space");
  await expect(page.getByLabel("read on OpenAI")).toBeChecked();

  // `all` asks first; cancelling leaves it clear
  await page.getByLabel("all on OpenAI").click();
  const allDialog = page.getByRole("dialog", { name: "Grant scope all on OpenAI?" });
  await expect(allDialog).toBeVisible();
  await expect(allDialog).toContainText("Every issuance and every use is flagged in the audit log.");
  await expect(allDialog).toContainText("60 seconds at most");
  await expect(allDialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await snap(page, "token-all-confirm-desktop");
  await allDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(allDialog).toBeHidden();
  await expect(page.getByLabel("all on OpenAI")).not.toBeChecked();
  await expect(page.getByLabel("all on OpenAI")).toBeFocused();

  // a provider not connected yet can be added, marked as such; `all` confirmed sticks
  await page.getByLabel("Add a provider you have not connected:").selectOption("github");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("grant-row-github")).toContainText("not connected");
  await page.getByLabel("all on GitHub").click();
  const githubDialog = page.getByRole("dialog", { name: "Grant scope all on GitHub?" });
  await githubDialog.getByRole("button", { name: "Grant all" }).click();
  await expect(githubDialog).toBeHidden();
  await expect(page.getByLabel("all on GitHub")).toBeChecked();
  // all covers the rest: shown ticked, not separately editable
  await expect(page.getByLabel("read on GitHub")).toBeChecked();
  await expect(page.getByLabel("read on GitHub")).toBeDisabled();

  await page.getByRole("spinbutton", { name: /^Rate limit/ }).fill("60");
  await page.getByRole("spinbutton", { name: /^Quota/ }).fill("1000");
  await page.getByLabel("Quota period").selectOption("day");
  await page.getByLabel("Ask me before issuing delete tokens").check();
  await snap(page, "token-form-desktop");
  await page.getByRole("button", { name: "Create token" }).click();

  // ---- the token, once ----------------------------------------------------------------
  const panel = page.getByTestId("token-created");
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("heading", { name: "Service token for research-agent created" })).toBeFocused();
  await expect(panel).toContainText("you won't see it again");
  const token = (await panel.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^svc_[0-9A-Za-z]{38}$/);

  await panel.getByRole("button", { name: "Copy the service token" }).click();
  await expect(panel.getByRole("button", { name: "Copy the service token" })).toContainText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const snippet = (await panel.getByTestId("agent-snippet").textContent()) ?? "";
  expect(snippet).toContain(`export OKORO_SERVICE_TOKEN=${token}`);
  expect(snippet).toContain(`curl -sS -X POST ${baseURL}/api/token`);
  expect(snippet).toContain(`"${baseURL}/p/openai/v1/models"`);
  expect(snippet).toContain(`"${baseURL}/p/github/user"`);
  expect(snippet.split(token), "the snippet names the token once, then uses the variable").toHaveLength(2);

  // the MCP setup: the URL, and a ready-to-paste setup per client carrying the token
  const mcp = panel.getByTestId("mcp-setup");
  await expect(mcp.getByTestId("mcp-url")).toHaveText(`${baseURL}/mcp`);
  await expect(mcp.getByTestId("mcp-snippet")).toHaveText(
    `claude mcp add --transport http okoro ${baseURL}/mcp --header "Authorization: Bearer ${token}"`,
  );
  await mcp.getByRole("tab", { name: "Cursor" }).click();
  await expect(mcp.getByRole("tab", { name: "Cursor" })).toHaveAttribute("aria-selected", "true");
  expect(JSON.parse((await mcp.getByTestId("mcp-snippet").textContent()) ?? "")).toEqual({
    mcpServers: { okoro: { url: `${baseURL}/mcp`, headers: { Authorization: `Bearer ${token}` } } },
  });

  // never in a URL or a cookie
  expect(page.url()).not.toContain(token);
  for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(token);
  await snap(page, "token-created-desktop");
  await snap(page, "token-created-phone", PHONE);

  // the agent's side: exchange the token from the page for an operation token
  const exchange = () =>
    request.post("/api/token", {
      headers: { Authorization: `Bearer ${token}` },
      data: { provider: "openai", scope: "read", intent: "list the models available" },
    });
  const granted = await exchange();
  expect(granted.status()).toBe(200);
  const body = (await granted.json()) as { access_token?: string; scope?: string; provider?: string };
  expect(body).toMatchObject({ provider: "openai", scope: "read" });
  expect(body.access_token).toBeTruthy();

  // …and an MCP client's: /mcp under npm start lists the tools of the grant (OpenAI is connected, GitHub not yet)
  const listed = await request.post("/mcp", {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json, text/event-stream" },
    data: { jsonrpc: "2.0", id: 1, method: "tools/list" },
  });
  expect(listed.status()).toBe(200);
  const tools = ((await listed.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
  expect(tools).toEqual(expect.arrayContaining(["openai_request", "openai_list_models", "okoro_explain"]));
  expect(tools.some((t) => t.startsWith("github_"))).toBe(false);
  const unauthenticated = await request.post("/mcp", {
    headers: { Accept: "application/json, text/event-stream" },
    data: { jsonrpc: "2.0", id: 1, method: "tools/list" },
  });
  expect(unauthenticated.status()).toBe(401);
  expect(unauthenticated.headers()["www-authenticate"]).toBe(
    `Bearer resource_metadata="${baseURL}/.well-known/oauth-protected-resource/mcp"`,
  );

  await panel.getByRole("button", { name: "Done" }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId("new-token")).toHaveCount(0);

  const row = page.getByRole("row").filter({ hasText: "research-agent" });
  await expect(row).toContainText("Active");
  await expect(row).toContainText(/svc_.{4}…/);
  await expect(row).toContainText(/OpenAI:\s*read/);
  await expect(row).toContainText(/GitHub:\s*all/);
  await expect(row).toContainText("0 / 60");
  await expect(row).toContainText("0 / 1,000");
  await expect(row).toContainText("Asks you: delete");

  // a later page load knows only the hint
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: "research-agent" })).toBeVisible();
  expect(await page.content()).not.toContain(token);
  await expectNoHorizontalScroll(page);
  await snap(page, "tokens-desktop");
  await snap(page, "tokens-phone", PHONE);

  // ---- revoke ---------------------------------------------------------------------------
  await page
    .getByRole("row")
    .filter({ hasText: "research-agent" })
    .getByRole("button", { name: /^Revoke/ })
    .click();
  const revokeDialog = page.getByRole("dialog", { name: "Revoke research-agent's token?" });
  await expect(revokeDialog).toContainText("stops working on the agent's next request");
  // Escape backs out without revoking
  await page.keyboard.press("Escape");
  await expect(revokeDialog).toBeHidden();
  expect((await exchange()).status()).toBe(200);

  await page
    .getByRole("row")
    .filter({ hasText: "research-agent" })
    .getByRole("button", { name: /^Revoke/ })
    .click();
  await revokeDialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(revokeDialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "research-agent's token is revoked." })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "research-agent" })).toContainText("Revoked");

  const refused = await exchange();
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: "invalid_token" });

  // the operation token minted before the revoke stops working on its very next use
  const proxied = await request.get("/p/openai/v1/models", {
    headers: { Authorization: `Bearer ${body.access_token}` },
  });
  expect(proxied.status()).toBe(401);
  expect(proxied.headers()["okoro-error"]).toBe("invalid_token");

  // ---- disconnect ---------------------------------------------------------------------
  await page.goto("/dashboard/connections");
  await openai.getByRole("button", { name: /^Disconnect/ }).click();
  const disconnectDialog = page.getByRole("dialog", { name: "Disconnect OpenAI?" });
  await expect(disconnectDialog).toContainText("409 not_connected");
  await disconnectDialog.getByRole("button", { name: "Disconnect OpenAI" }).click();
  await expect(page).toHaveURL(/disconnected=openai/);
  await expect(page.getByRole("status").filter({ hasText: "OpenAI is disconnected" })).toBeVisible();
  await expect(openai.getByText("Not connected")).toBeVisible();
});
