// Shared bits for the e2e specs: unique accounts and screenshots to look at.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { linkIn, newestMailTo } from "../test/smtp";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.com`;
}

/** Saves a full-page screenshot to e2e/.artifacts/<project>-<name>.png (git-ignored). */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(import.meta.dirname, ".artifacts", `${testInfo.project.name}-${name}.png`),
    fullPage: true,
  });
}

/** The newest message the app mailed to `to` (the SMTP sink of playwright.config.ts), waiting for it. */
export async function mailTo(to: string, options: { after?: string } = {}): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(
      () => {
        found = newestMailTo(process.env.OKORO_E2E_MAIL!, to);
        return found !== undefined && found !== options.after;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

/** The link in a mailed message whose path starts with `pathPrefix` (e.g. "/verify-email"). */
export function mailedLink(raw: string, pathPrefix: string): string {
  const link = linkIn(raw, pathPrefix);
  if (!link) throw new Error(`no ${pathPrefix} link in the message`);
  return link;
}

/** Signs in with e-mail and password and ends on the dashboard. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard$/);
}

/**
 * Signs up, confirms the address with the mailed link (an unverified account cannot
 * connect providers or create tokens), signs in, and ends on the dashboard. Sign-up itself
 * signs nobody in: it answers "check your inbox" whether or not the address was taken.
 * `verify: false` signs in without confirming.
 */
export async function signUp(
  page: Page,
  options: { email: string; name?: string; password?: string; verify?: boolean },
): Promise<void> {
  await page.goto("/sign-up");
  if (options.name) await page.getByLabel("Name").fill(options.name);
  await page.getByLabel("Email").fill(options.email);
  await page.getByLabel("Password").fill(options.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  if (options.verify !== false) {
    await page.goto(mailedLink(await mailTo(options.email), "/verify-email"));
    await page.getByRole("button", { name: "Confirm e-mail address" }).click();
    await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();
  }
  await signIn(page, options.email, options.password);
}
