// Settings → Profile end to end (docs/dashboard.md#profile): the name, saved and shown in
// the header; the e-mail change behind a stale confirmation (asked for the password, then
// back to the open form), the link read from the new address's mailbox, confirmed, the
// other browser signed out, and signing in with the new address but not the old one.
import path from "node:path";
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { mailedLink, mailTo, PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

const DASHBOARD = /^http:\/\/[^/]+\/dashboard$/;

/** A full-page screenshot from the top (the sticky header otherwise lands mid-page). */
async function shotFromTop(page: Page, testInfo: TestInfo, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, testInfo, name);
}

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>["db"]) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ driver: "pglite", pgliteDir: path.join(process.env.OKORO_E2E_DATA!, "pglite") });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

test("change the name and the e-mail address, then sign in with the new one", async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const email = uniqueEmail("profile");
  const newEmail = uniqueEmail("profile-new");
  await signUp(page, { email, name: "Grace" });

  await page.goto("/dashboard/settings");
  const profile = page.getByTestId("profile");
  await expect(profile.getByLabel("Name")).toHaveValue("Grace");
  await expect(profile.getByTestId("current-email")).toHaveText(email);
  await expect(profile.getByText("Confirmed", { exact: true })).toBeVisible();
  await shot(page, testInfo, "profile");

  // the name: saved, and shown in the header and the overview's greeting
  await profile.getByLabel("Name").fill("  Grace Hopper ");
  await profile.getByRole("button", { name: "Save name" }).click();
  await expect(profile.getByText("Name saved.")).toBeVisible();
  await expect(profile.getByLabel("Name")).toHaveValue("Grace Hopper");
  await expect(page.getByTestId("user-name")).toHaveText("Grace Hopper");
  await shotFromTop(page, testInfo, "profile-name-saved");

  // a second browser on the same account: the change will sign it out
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/sign-in");
  await otherPage.getByLabel("Email").fill(email);
  await otherPage.getByLabel("Password").fill(PASSWORD);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage).toHaveURL(DASHBOARD);

  // the last confirmation was eleven minutes ago, as far as the server is concerned
  await withDatabase(async (db) => {
    const [user] = await db.select().from(users).where(eq(users.email, email));
    await db
      .update(userSessions)
      .set({ verifiedAt: sql`now() - interval '11 minutes'` })
      .where(eq(userSessions.userId, user.id));
  });
  await page.reload();
  await expect(profile.getByText("You will be asked to confirm it is you first.")).toBeVisible();
  await profile.getByRole("link", { name: "Change e-mail" }).click();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  // back with the form open
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard\/settings\?change_email=1#email$/);
  const verification = await mailTo(email);

  await profile.getByLabel("New e-mail address").fill(email.toUpperCase());
  await profile.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(profile.getByText("That is already your address.")).toBeVisible();
  await profile.getByLabel("New e-mail address").fill(newEmail);
  await shotFromTop(page, testInfo, "profile-email-form");
  await profile.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(profile.getByTestId("email").getByRole("status")).toContainText(
    `We sent a link to ${newEmail} — open it to finish. Until then, your address stays ${email}.`,
  );
  await expect(profile.getByTestId("current-email")).toHaveText(email);
  await shotFromTop(page, testInfo, "profile-email-sent");

  // the old address is told; the new one gets the link
  const notice = await mailTo(email, { after: verification });
  expect(notice).toContain("e-mail address was requested");
  const link = mailedLink(await mailTo(newEmail), "/confirm-email-change");
  await page.goto(link);
  await expect(page.getByTestId("new-email")).toHaveText(newEmail);
  await shot(page, testInfo, "confirm-email-change");
  await page.getByRole("button", { name: "Confirm new address" }).click();
  await expect(page.getByRole("main").getByRole("status")).toContainText("now uses this address");
  await shot(page, testInfo, "email-changed");
  // used once
  await page.goto(link);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
  await expect(page.getByRole("button", { name: "Confirm new address" })).toHaveCount(0);

  // this browser stays signed in, under the new address; the other one is signed out
  await page.goto("/dashboard");
  await expect(page.getByTestId("user-email")).toHaveText(newEmail);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome, Grace" })).toBeVisible();
  await otherPage.goto("/dashboard/tokens");
  await expect(otherPage).toHaveURL(/^http:\/\/[^/]+\/sign-in/);
  await other.close();
  expect(await mailTo(email, { after: notice })).toContain("e-mail address changed");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in\?signed_out=1$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
  await page.getByLabel("Email").fill(newEmail);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(DASHBOARD);
  await page.goto("/dashboard/settings");
  await expect(profile.getByTestId("current-email")).toHaveText(newEmail);
  await expect(profile.getByTestId("pending-email")).toHaveCount(0);
});
