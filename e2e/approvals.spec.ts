// The approval story (docs/agent-api.md#exchange, docs/dashboard.md#dashboard): an agent asks for a scope that needs a person, the
// person sees it on the approvals page as a sentence and approves it, and the agent's poll
// gets its operation token — exactly once.
import { expect, test } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

test("an agent's request is approved on the dashboard and its poll gets the token once", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, { email: uniqueEmail("approvals"), name: "Grace Hopper" });

  // connect OpenAI with a pasted key
  await page.goto("/dashboard/connections");
  const openai = page.getByTestId("connection-openai");
  await openai.getByRole("button", { name: "Paste API key" }).click();
  await openai.getByLabel("API key").fill("sk-test-approvals-0123456789abcdef");
  await openai.getByRole("button", { name: "Save and connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "OpenAI is connected" })).toBeVisible();

  // a service token whose read scope needs a person's approval every time
  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("research-agent");
  await page.getByLabel("read on OpenAI").check();
  await page.getByLabel("Ask me before issuing read tokens").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = ((await page.getByTestId("token-created").getByTestId("new-token").textContent()) ?? "").trim();
  expect(token).toMatch(/^svc_[0-9A-Za-z]{38}$/);

  // the agent asks: 202 with where to send its person and where to poll
  const asked = await request.post("/api/token", {
    headers: { Authorization: `Bearer ${token}` },
    data: { provider: "openai", scope: "read", intent: "summarize this week's support tickets" },
  });
  expect(asked.status()).toBe(202);
  const pending = (await asked.json()) as { status: string; approval_url: string; poll_url: string; interval: number };
  expect(pending.status).toBe("pending");
  const poll = () => request.get(new URL(pending.poll_url).pathname, { headers: { Authorization: `Bearer ${token}` } });
  expect((await poll()).status()).toBe(202);

  // the person reads it as a sentence and approves once
  await page.goto(new URL(pending.approval_url).pathname);
  await expect(page.getByText("wants to").first()).toBeVisible();
  await expect(page.getByText("summarize this week's support tickets").first()).toBeVisible();
  await shot(page, testInfo, "approval-pending");
  await page.getByRole("button", { name: "Approve once" }).click();
  await expect(page.getByRole("button", { name: "Approve once" })).toHaveCount(0);
  await shot(page, testInfo, "approval-approved");

  // the agent's next poll gets the operation token; the one after is told it was used
  const granted = await poll();
  expect(granted.status()).toBe(200);
  const body = (await granted.json()) as { access_token?: string; scope?: string; provider?: string };
  expect(body).toMatchObject({ provider: "openai", scope: "read" });
  expect(body.access_token?.split(".")).toHaveLength(3);
  const again = await poll();
  expect(again.status()).toBe(410);
  expect(((await again.json()) as { error: string }).error).toBe("approval_used");
});
