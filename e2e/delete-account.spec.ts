// Deleting the account (docs/dashboard.md#delete-account): the audit export is offered
// first, a wrong address changes nothing, the right one deletes everything at once and signs
// the person out, and the agent's service token gets 401 on its next call.
import { expect, test } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

test("delete the account: the agent's next call gets 401", async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const email = uniqueEmail("delete");
  await signUp(page, { email, name: "Ada Lovelace" });

  await page.goto("/dashboard/connections");
  const openai = page.getByTestId("connection-openai");
  await openai.getByRole("button", { name: "Paste API key" }).click();
  await openai.getByLabel("API key").fill("sk-test-delete-0123456789abcdef");
  await openai.getByRole("button", { name: "Save and connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "OpenAI is connected" })).toBeVisible();

  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("doomed-agent");
  await page.getByLabel("read on OpenAI").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("token-created").getByTestId("new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^svc_/);
  const exchange = () =>
    request.post("/api/token", {
      headers: { Authorization: `Bearer ${token}` },
      data: { provider: "openai", scope: "read", intent: "list the models" },
    });
  expect((await exchange()).status()).toBe(200);

  await page.goto("/dashboard/settings");
  const section = page.getByTestId("delete-account");
  await expect(section.getByRole("link", { name: "Download audit log (CSV)" })).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await shot(page, testInfo, "delete-account");

  await section.getByLabel(`Type ${email} to confirm`).fill("not-me@example.com");
  await section.getByRole("button", { name: "Delete my account" }).click();
  await expect(section.getByText("Type your account's e-mail address exactly to confirm.")).toBeVisible();
  expect((await exchange()).status()).toBe(200);

  await section.getByLabel(`Type ${email} to confirm`).fill(email);
  await section.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in\?deleted=1/);
  await expect(page.getByText("Your account is deleted")).toBeVisible();
  await shot(page, testInfo, "deleted");

  const refused = await exchange();
  expect(refused.status()).toBe(401);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in/);
});
