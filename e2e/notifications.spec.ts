// Notifications (docs/dashboard.md#notifications): a person sets a Slack incoming-webhook
// URL in settings — here a Slack-shaped receiver on 127.0.0.1, allowed by
// OKORO_NOTIFY_PRIVATE_NETWORK in playwright.config.ts — an agent asks for approval, the
// message arrives with the approval page's link, and the delivery is listed in settings.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

test("an approval request posts to Slack and the delivery shows in settings", async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  const received: { path: string; body: string }[] = [];
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    received.push({ path: req.url ?? "", body });
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0E2E/B0E2E/e2eSecretPart`;
  try {
    await signUp(page, { email: uniqueEmail("notify"), name: "Ada Lovelace" });

    await page.goto("/dashboard/settings");
    const section = page.getByTestId("notifications");
    await section.getByLabel("Slack incoming-webhook URL", { exact: true }).fill(hookUrl);
    await section.getByRole("button", { name: "Save" }).first().click();
    await expect(section.getByText("Saved. The URL is encrypted")).toBeVisible();
    // shown back only as a hint
    await expect(section.getByTestId("channel-slack")).toContainText("http://127.0.0.1:");
    await expect(section).not.toContainText("e2eSecretPart");

    // connect OpenAI and make a token whose read scope needs a person every time
    await page.goto("/dashboard/connections");
    const openai = page.getByTestId("connection-openai");
    await openai.getByRole("button", { name: "Paste API key" }).click();
    await openai.getByLabel("API key").fill("sk-test-notify-0123456789abcdef");
    await openai.getByRole("button", { name: "Save and connect" }).click();
    await expect(page.getByRole("status").filter({ hasText: "OpenAI is connected" })).toBeVisible();
    await page.goto("/dashboard/tokens");
    await page.getByRole("button", { name: "Create a service token" }).click();
    await page.getByLabel("Agent name").fill("notify-agent");
    await page.getByLabel("read on OpenAI").check();
    await page.getByLabel("Ask me before issuing read tokens").check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = ((await page.getByTestId("token-created").getByTestId("new-token").textContent()) ?? "").trim();

    const asked = await request.post("/api/token", {
      headers: { Authorization: `Bearer ${token}` },
      data: { provider: "openai", scope: "read", intent: "summarize the support inbox" },
    });
    expect(asked.status()).toBe(202);
    const { approval_url } = (await asked.json()) as { approval_url: string };

    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const message = JSON.parse(received[0]!.body) as { text: string };
    expect(message.text).toContain("notify-agent wants to read on OpenAI");
    expect(message.text).toContain(approval_url);

    await page.goto("/dashboard/settings");
    const deliveries = page.getByTestId("deliveries");
    await expect(deliveries).toContainText("notify-agent wants to read on OpenAI");
    await expect(deliveries).toContainText("Delivered");
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: `${import.meta.dirname}/.artifacts/${testInfo.project.name}-notifications.png` });
    await shot(page, testInfo, "settings-notifications");
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
