// The address okoro records cannot be chosen by the client: a failed sign-in sent with a
// forged X-Forwarded-For (and a forged peer header) is audited with the real peer address.
// Reads the audit log through the embedded database's socket (db/embedded.ts).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { eq } from "drizzle-orm";
import { openDatabase } from "@/db/client";
import { auditEvents } from "@/db/schema";

const marker = `okoro-e2e-ip-${randomBytes(4).toString("hex")}`;

test.use({
  userAgent: marker,
  extraHTTPHeaders: { "x-forwarded-for": "203.0.113.99", "x-okoro-peer-address": "203.0.113.98" },
});

test("a forged X-Forwarded-For does not change the recorded client address", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(`nobody-${marker}@example.com`);
  await page.getByLabel("Password").fill("not a real password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");

  const handle = await openDatabase({ driver: "pglite", pgliteDir: path.join(process.env.OKORO_E2E_DATA!, "pglite") });
  try {
    const rows = await handle.db.select().from(auditEvents).where(eq(auditEvents.userAgent, marker));
    expect(rows.map((r) => r.event)).toEqual(["auth.signin_failed"]);
    expect(["127.0.0.1", "::1"]).toContain(rows[0].ip);
  } finally {
    await handle.close();
  }
});
