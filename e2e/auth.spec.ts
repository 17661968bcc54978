// Accounts end to end: sign up, sign out, sign in, and the ways each can go wrong.
import { expect, test } from "@playwright/test";
import { mailedLink, mailTo, PASSWORD, shot, signIn, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

const email = uniqueEmail("ada");

test("signing up, confirming the address and signing in lands on the dashboard", async ({ page }, testInfo) => {
  await signUp(page, { email, name: "Ada Lovelace" });
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Ada" })).toBeVisible();
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await shot(page, testInfo, "dashboard");
});

test("the dashboard navigation reaches every section", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  const nav = page.getByRole("navigation", { name: "Dashboard" });
  for (const [label, path] of [
    ["Connections", "/dashboard/connections"],
    ["Service tokens", "/dashboard/tokens"],
    ["Audit", "/dashboard/audit"],
    ["Approvals", "/dashboard/approvals"],
  ] as const) {
    await nav.getByRole("link", { name: label }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
    await expect(nav.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
  }
  await shot(page, testInfo, "dashboard-approvals");
  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("signing out ends the session", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await expect(page.getByRole("main").getByRole("status")).toHaveText("You have signed out.");
  await shot(page, testInfo, "signed-out");

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("signing in with the keyboard alone", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email.toUpperCase());
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
});

test("a wrong password is refused, keeping the email but not the password", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await shot(page, testInfo, "sign-in-wrong-password");
});

test("an unknown email gets the same answer as a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("whatever it is");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
});

test("sign-up explains what to fix, inline", async ({ page }, testInfo) => {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address, like you@example.com.")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email")).toBeFocused();
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
  await expect(page.getByLabel("Password")).toHaveValue("");
  await shot(page, testInfo, "sign-up-errors");
});

test("signing up with a taken address answers as for a new one; the owner's inbox says what happened", async ({
  page,
}, testInfo) => {
  const before = await mailTo(email);
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill("another password entirely");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  // the address as it was stored for a new account: lower case, whatever was typed
  await expect(page.getByRole("status").filter({ hasText: "We sent a message to" })).toContainText(email);
  await expect(page.getByText("already exists")).toHaveCount(0);
  await shot(page, testInfo, "sign-up-check-inbox");

  const note = await mailTo(email, { after: before });
  expect(note).toContain("You already have an okoro account");
  expect(mailedLink(note, "/sign-in")).toMatch(/\/sign-in$/);
  // nothing changed: the other password does not sign in, the first one still does
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("another password entirely");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  await signIn(page, email);
});

test("signed-out visitors are sent from the dashboard to sign in", async ({ page }) => {
  await page.goto("/dashboard/tokens");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in to okoro" })).toBeVisible();
});

test("a cross-site form post cannot sign anyone in", async ({ request }) => {
  // next-auth's own endpoint needs its CSRF token; without it nothing happens
  const res = await request.post("/api/auth/callback/credentials", {
    form: { email, password: PASSWORD },
    headers: { origin: "https://evil.example" },
    maxRedirects: 0,
  });
  expect(res.status()).toBeGreaterThanOrEqual(300);
  expect(res.headers()["set-cookie"] ?? "").not.toContain("session-token");
});
