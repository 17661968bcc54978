// Two-factor authentication in the browser: set up an authenticator app (codes made here
// with the same algorithm), sign out, sign in with a code (a wrong and a replayed one are
// refused) and with a recovery code; add a passkey with Chromium's virtual WebAuthn
// authenticator and sign in with it, as the second factor and on its own.
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import { openDatabase } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

const AT_DASHBOARD = /^http:\/\/[^/]+\/dashboard$/;
const AT_SECOND_FACTOR = /^http:\/\/[^/]+\/sign-in\/second-factor\?next=%2Fdashboard$/;

function totp(secret: string) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
}

/** A code of a 30-second step later than `after` (waiting for it if need be). */
async function codeAfter(secret: string, after: number): Promise<{ code: string; step: number }> {
  const wait = (after + 1) * 30_000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 300));
  const step = Math.floor(Date.now() / 30_000);
  return { code: totp(secret).generate({ timestamp: Date.now() }), step };
}

/** Makes the user's sessions' last confirmation 11 minutes old, as far as the server is concerned. */
async function ageConfirmation(email: string) {
  const handle = await openDatabase({ driver: "pglite", pgliteDir: path.join(process.env.OKORO_E2E_DATA!, "pglite") });
  try {
    const [user] = await handle.db.select().from(users).where(eq(users.email, email));
    await handle.db
      .update(userSessions)
      .set({ verifiedAt: sql`now() - interval '11 minutes'` })
      .where(eq(userSessions.userId, user.id));
  } finally {
    await handle.close();
  }
}

async function signOut(page: Page) {
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in\?signed_out=1$/);
}

async function passwordStep(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(AT_SECOND_FACTOR);
}

test("authenticator app: set up, then sign in with a code and with a recovery code", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("totp");
  await signUp(page, { email });

  await page.goto("/dashboard/settings");
  const section = page.getByTestId("two-factor");
  await expect(section.getByText("Off", { exact: true })).toBeVisible();
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await section.getByTestId("totp-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(section.getByRole("img", { name: /QR code/ })).toBeVisible();
  await shot(page, testInfo, "2fa-setup");

  // a wrong code does not turn it on
  await section.getByLabel("Code from the app").fill("000000" === totp(secret).generate() ? "111111" : "000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByText("That code is not right.")).toBeVisible();

  const first = await codeAfter(secret, 0);
  await section.getByLabel("Code from the app").fill(first.code);
  await section.getByRole("button", { name: "Turn on" }).click();
  const codesBox = section.getByTestId("recovery-codes");
  await expect(codesBox).toBeVisible();
  const recovery = (await codesBox.locator("li").allTextContents()).map((c) => c.trim());
  expect(recovery).toHaveLength(10);
  await shot(page, testInfo, "2fa-recovery-codes");
  await codesBox.getByRole("button", { name: "I saved them" }).click();
  await expect(section.getByText("On", { exact: true })).toBeVisible();
  await expect(section.getByText("10 of 10 recovery codes left")).toBeVisible();
  await shot(page, testInfo, "2fa-settings-on");

  // the password alone no longer signs in
  await signOut(page);
  await passwordStep(page, email);
  await shot(page, testInfo, "2fa-second-factor");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in/);
  await page.goBack();
  await expect(page).toHaveURL(AT_SECOND_FACTOR);

  // the code used to turn it on is spent (the same 30-second window)
  await page.getByLabel("Authentication code").fill(first.code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
  await shot(page, testInfo, "2fa-replayed");

  const next = await codeAfter(secret, first.step);
  await page.getByLabel("Authentication code").fill(next.code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(AT_DASHBOARD);
  await expect(page.getByTestId("user-email")).toHaveText(email);

  // a recovery code signs in once
  await signOut(page);
  await passwordStep(page, email);
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recovery[0]);
  await shot(page, testInfo, "2fa-recovery-form");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(AT_DASHBOARD);
  await signOut(page);
  await passwordStep(page, email);
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recovery[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("That code is not right. 4 attempts left.");

  await page.goto("/dashboard/settings");
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in/);
});

test("passkeys: add one, then sign in with it as the second factor and on its own", async ({ page }, testInfo) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  const email = uniqueEmail("passkey");
  await signUp(page, { email });
  await page.goto("/dashboard/settings");
  const section = page.getByTestId("two-factor");
  await section.getByRole("button", { name: "Add a passkey" }).click();
  await section.getByLabel("Passkey name").fill("Test laptop");
  await section.getByRole("button", { name: "Create passkey" }).click();
  await expect(section.getByText("Test laptop", { exact: true })).toBeVisible();
  await expect(section.getByText("On", { exact: true })).toBeVisible();
  await shot(page, testInfo, "2fa-passkey-added");

  // rename it
  await section.getByRole("button", { name: "Rename Test laptop" }).click();
  await section.getByLabel("New name").fill("Work laptop");
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByText("Work laptop", { exact: true })).toBeVisible();

  // as the second factor after the password
  await signOut(page);
  await passwordStep(page, email);
  await expect(page.getByLabel("Authentication code")).toHaveCount(0);
  await shot(page, testInfo, "2fa-second-factor-passkey");
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(AT_DASHBOARD);
  await expect(page.getByTestId("user-email")).toHaveText(email);

  // on its own, from /sign-in
  await signOut(page);
  await shot(page, testInfo, "sign-in-with-passkey");
  await page.getByRole("button", { name: "Continue with a passkey" }).click();
  await expect(page).toHaveURL(AT_DASHBOARD);
  await expect(page.getByTestId("user-email")).toHaveText(email);

  await page.goto("/dashboard/settings");
  await expect(section.getByText(/last used/)).toBeVisible();
  await shot(page, testInfo, "2fa-settings-passkey");
});

test("step-up with a code: a delete token asks for it, /dashboard/verify takes it", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("stepup");
  await signUp(page, { email });
  await page.goto("/dashboard/settings");
  const section = page.getByTestId("two-factor");
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await section.getByTestId("totp-secret").textContent())?.trim() ?? "";
  const first = await codeAfter(secret, 0);
  await section.getByLabel("Code from the app").fill(first.code);
  await section.getByRole("button", { name: "Turn on" }).click();
  await section.getByRole("button", { name: "I saved them" }).click();
  await expect(section.getByText("On", { exact: true })).toBeVisible();

  await ageConfirmation(email);
  await page.goto("/dashboard/tokens");
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("cleanup-agent");
  await page.getByLabel("Add a provider you have not connected:").selectOption("github");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByLabel("delete on GitHub").check();
  await page.getByRole("button", { name: "Create token" }).click();
  const refusal = page.getByRole("main").getByRole("alert");
  await expect(refusal).toContainText("confirm it's you first (nothing was created)");
  await shot(page, testInfo, "2fa-token-step-up");
  await refusal.getByRole("link", { name: "Confirm it's you" }).click();

  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard\/verify\?next=%2Fdashboard%2Ftokens$/);
  // two-factor on: the second factor, not the password
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByLabel("Authentication code").fill(first.code);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
  await shot(page, testInfo, "2fa-verify");
  const next = await codeAfter(secret, first.step);
  await page.getByLabel("Authentication code").fill(next.code);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard\/tokens$/);

  // confirmed: the same token is created now
  await page.getByRole("button", { name: "Create a service token" }).click();
  await page.getByLabel("Agent name").fill("cleanup-agent");
  await page.getByLabel("Add a provider you have not connected:").selectOption("github");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByLabel("delete on GitHub").check();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("token-created")).toBeVisible();
});
