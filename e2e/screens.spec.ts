// The pages a person sees, screenshotted on desktop and on a phone (see the projects in
// playwright.config.ts), with the checks that they read well at that size.
import { expect, test } from "@playwright/test";
import { shot, signUp, uniqueEmail } from "./helpers";

test("landing page says what okoro is and offers the way in", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Give your agents access,\s*not your keys\./);
  await expect(page.getByText("Agents never hold real credentials")).toBeVisible();
  await expect(page.getByText("Scoped, short-lived tokens")).toBeVisible();
  await expect(page.getByText("Every call audited, tamper-evident")).toBeVisible();
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/sign-up");
  await expect(page.getByRole("main").getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
  await expect(page.getByRole("link", { name: /Read the docs/ })).toHaveAttribute("href", "/docs");
  await expectNoHorizontalScroll(page);
  await shot(page, testInfo, "landing");
});

test("sign-in and sign-up pages", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in to okoro" })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await shot(page, testInfo, "sign-in");

  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: "Create your okoro account" })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await shot(page, testInfo, "sign-up");

  // a visible focus ring for keyboard users
  await page.getByLabel("Name").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email")).toBeFocused();
  await shot(page, testInfo, "sign-up-focus");
});

test("dashboard pages", async ({ page }, testInfo) => {
  await signUp(page, { email: uniqueEmail(`screens-${testInfo.project.name}`), name: "Grace Hopper" });
  await expectNoHorizontalScroll(page);
  await shot(page, testInfo, "dashboard");
  for (const [path, title] of [
    ["connections", "Connections"],
    ["tokens", "Service tokens"],
    ["audit", "Audit"],
    ["approvals", "Approvals"],
  ] as const) {
    await page.goto(`/dashboard/${path}`);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await shot(page, testInfo, `dashboard-${path}`);
  }
});

test("the 404 page", async ({ page }, testInfo) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await shot(page, testInfo, "not-found");
});

async function expectNoHorizontalScroll(page: import("@playwright/test").Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "page is wider than the screen").toBeLessThanOrEqual(0);
}
