// Sessions and step-up end to end: two browsers signed in to one account, one signs the
// other out from the settings page; a session whose last confirmation is old is asked
// for the password before a sensitive page, and comes back after it.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

const email = uniqueEmail("sessions");
// anchored at the host: `/verify?next=/dashboard/settings` must not pass for the page itself
const SETTINGS = /^http:\/\/[^/]+\/dashboard\/settings$/;
const DASHBOARD = /^http:\/\/[^/]+\/dashboard$/;

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ driver: "pglite", pgliteDir: path.join(process.env.OKORO_E2E_DATA!, "pglite") });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

test("signing out everywhere else ends the other browser's session at its next request", async ({
  page,
  browser,
}, testInfo) => {
  await signUp(page, { email, name: "Grace" });

  const other = await browser.newContext({ userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0" });
  const otherPage = await other.newPage();
  await otherPage.goto("/sign-in");
  await otherPage.getByLabel("Email").fill(email);
  await otherPage.getByLabel("Password").fill(PASSWORD);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage).toHaveURL(/\/dashboard$/);

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(SETTINGS);
  const sessions = page.getByTestId("sessions");
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions.getByText("This device")).toBeVisible();
  await expect(sessions.getByText("Firefox on Linux")).toBeVisible();
  await shot(page, testInfo, "settings-sessions");

  await sessions.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(sessions.getByRole("listitem")).toHaveCount(1);

  await otherPage.goto("/dashboard/tokens");
  await expect(otherPage).toHaveURL(/\/sign-in/);
  // this browser is still in
  await page.goto("/dashboard/tokens");
  await expect(page).toHaveURL(/\/dashboard\/tokens$/);
  await other.close();
});

test("a stale confirmation is asked for the password, then sent back", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // freshly signed in: nothing to confirm
  await page.goto("/dashboard/verify?next=/dashboard/settings");
  await expect(page).toHaveURL(SETTINGS);

  // eleven minutes later, as far as the server is concerned
  await withDatabase(async (db) => {
    const [user] = await db.select().from(users).where(eq(users.email, email));
    await db
      .update(userSessions)
      .set({ verifiedAt: sql`now() - interval '11 minutes'` })
      .where(eq(userSessions.userId, user.id));
  });
  await page.goto("/dashboard/verify?next=/dashboard/settings");
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await shot(page, testInfo, "verify");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong password.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(SETTINGS);

  // an address elsewhere is not a place to be sent back to
  await page.goto("/dashboard/verify?next=//attacker.example/");
  await expect(page).toHaveURL(DASHBOARD);
});
