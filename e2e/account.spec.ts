// E-mail verification end to end, against a real local SMTP server (test/smtp.ts): sign up,
// read the mail, confirm; the notice and its Resend; used and tampered links.
import { expect, test } from "@playwright/test";
import { mailedLink, mailTo, PASSWORD, shot, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

const email = uniqueEmail("verify");

test("sign up, read the mail, confirm the address", async ({ page }, testInfo) => {
  await signUp(page, { email, name: "Katherine Johnson", verify: false });
  const notice = page.getByTestId("verify-notice");
  await expect(notice).toContainText("cannot connect providers or create service tokens");
  await shot(page, testInfo, "verify-notice");

  // until then, pasting a key is refused on the server with why (the form itself is there)
  await page.goto("/dashboard/connections");
  const openai = page.getByTestId("connection-openai");
  await openai.getByRole("button", { name: "Paste API key" }).click();
  await openai.getByLabel("API key").fill("sk-unverified-0000000000000000");
  await openai.getByRole("button", { name: "Save and connect" }).click();
  await expect(openai.getByText("Confirm your e-mail address first")).toBeVisible();
  await expect(openai.getByText("Not connected")).toBeVisible();
  await shot(page, testInfo, "verify-connect-refused");

  const first = await mailTo(email);
  await notice.getByRole("button", { name: "Resend the link" }).click();
  await expect(notice.getByText("A new link is on its way")).toBeVisible();
  const second = await mailTo(email, { after: first });
  expect(second).toContain("Confirm your e-mail address for okoro");

  // the first link was ended by the newer one (stored as used)
  await page.goto(mailedLink(first, "/verify-email"));
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");
  await expect(page.getByRole("button", { name: "Confirm e-mail address" })).toHaveCount(0);

  // a tampered link changes nothing
  const link = mailedLink(second, "/verify-email");
  await page.goto(`${link.slice(0, -2)}xx`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This link is not valid");
  await shot(page, testInfo, "verify-invalid");

  await page.goto(link);
  await shot(page, testInfo, "verify-ask");
  await page.getByRole("button", { name: "Confirm e-mail address" }).click();
  await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();
  await shot(page, testInfo, "verify-done");

  // used once: the same link again is refused
  await page.goto(link);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already used");

  await page.goto("/dashboard");
  await expect(page.getByTestId("verify-notice")).toHaveCount(0);
});

test("reset the password from a mailed link; the other session is signed out", async ({ page, browser }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/dashboard$/);

  const other = await browser.newContext();
  const phone = await other.newPage();
  const before = await mailTo(email);
  await phone.goto("/sign-in");
  await phone.getByRole("link", { name: "Forgot password?" }).click();
  await phone.getByLabel("Email").fill(email);
  await phone.getByRole("button", { name: "Send reset link" }).click();
  await expect(phone.getByText("If an account uses that address")).toBeVisible();
  await shot(phone, testInfo, "forgot-sent");
  // an unknown address gets the very same answer
  await phone.goto("/forgot-password");
  await phone.getByLabel("Email").fill(uniqueEmail("nobody"));
  await phone.getByRole("button", { name: "Send reset link" }).click();
  await expect(phone.getByText("If an account uses that address")).toBeVisible();

  const link = mailedLink(await mailTo(email, { after: before }), "/reset-password");
  await phone.goto(`${link.slice(0, -2)}xx`);
  await expect(phone.getByRole("main").getByRole("alert")).toContainText("not valid");
  await phone.goto(link);
  await shot(phone, testInfo, "reset-form");
  await phone.getByLabel("New password").fill("a brand new password");
  await phone.getByRole("button", { name: "Set new password" }).click();
  await expect(phone).toHaveURL(/^http:\/\/[^/]+\/sign-in\?reset=1$/);
  await phone.getByLabel("Email").fill(email);
  await phone.getByLabel("Password").fill("a brand new password");
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone).toHaveURL(/^http:\/\/[^/]+\/dashboard$/);

  // the session that was open elsewhere is over
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/^http:\/\/[^/]+\/sign-in/);
  // and the link works once
  await phone.goto(link);
  await expect(phone.getByRole("main").getByRole("alert")).toContainText("already used");
  await other.close();
});
