// Shared bits for the e2e specs: unique accounts and screenshots to look at.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";

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

export async function signUp(page: Page, options: { email: string; name?: string; password?: string }): Promise<void> {
  await page.goto("/sign-up");
  if (options.name) await page.getByLabel("Name").fill(options.name);
  await page.getByLabel("Email").fill(options.email);
  await page.getByLabel("Password").fill(options.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}
