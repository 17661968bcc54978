// E-mail verification end to end, against a real local SMTP server (test/smtp.ts): sign up,
// read the mail, confirm; the notice and its Resend; used and tampered links.
import { expect, test } from "@playwright/test";
import { mailedLink, mailTo, shot, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ mode: "serial" });

const email = uniqueEmail("verify");

test("sign up, read the mail, confirm the address", async ({ page }, testInfo) => {
  await signUp(page, { email, name: "Katherine Johnson", verify: false });
  const notice = page.getByTestId("verify-notice");
  await expect(notice).toContainText("cannot connect providers or create service tokens");
  await shot(page, testInfo, "verify-notice");

  const first = await mailTo(email);
  await notice.getByRole("button", { name: "Resend the link" }).click();
  await expect(notice.getByRole("status")).toContainText("A new link is on its way");
  const second = await mailTo(email, { after: first });
  expect(second).toContain("Confirm your e-mail address for okoro");

  // the first link was ended by the newer one
  await page.goto(mailedLink(first, "/verify-email"));
  await expect(page.getByRole("alert")).toContainText("This link is not valid");
  await expect(page.getByRole("button", { name: "Confirm e-mail address" })).toHaveCount(0);

  // a tampered link changes nothing
  const link = mailedLink(second, "/verify-email");
  await page.goto(`${link.slice(0, -2)}xx`);
  await expect(page.getByRole("alert")).toContainText("This link is not valid");
  await shot(page, testInfo, "verify-invalid");

  await page.goto(link);
  await shot(page, testInfo, "verify-ask");
  await page.getByRole("button", { name: "Confirm e-mail address" }).click();
  await expect(page.getByText("Your e-mail address is confirmed.")).toBeVisible();
  await shot(page, testInfo, "verify-done");

  // used once: the same link again is refused
  await page.goto(link);
  await expect(page.getByRole("alert")).toContainText("already used");

  await page.goto("/dashboard");
  await expect(page.getByTestId("verify-notice")).toHaveCount(0);
});
